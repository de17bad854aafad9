/**
 * `npm run bench:render`: what rendering a streamed reply costs the browser's main thread. Builds
 * the app (`next build`; `--no-build` reuses .next), starts it (`next start`) against a mock OpenAI
 * upstream that streams a 50 KB markdown reply in 2,000 chunks, and measures in Chromium the main
 * thread while the reply streams in against rendering the finished reply once (the same
 * conversation opened again). Writes the "render" section of docs/benchmarks.md.
 *
 * Not part of `npm test`: timings depend on the machine and on whatever else it is doing. Run it
 * alone (`flock /tmp/bulwark-next.lock npm run bench:render` where several jobs share .next).
 *
 * Options: --runs N (3), --chunks N (2000), --delay-ms N (2, between chunks), --no-build, --no-write
 * (prints the section without writing docs/benchmarks.md).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { startApp } from "../../tests/support/app-server";
import { appEnv, makeUsers } from "../../tests/support/test-env";
import { machineLine, percentile, writeSection } from "./report";
import { measureRendering, type Measured, type PhaseCost } from "./render-browser";
import { benchReply, chunksOf, REPLY_END_MARKER } from "./render-reply";
import { startBenchUpstream } from "./render-upstream";

/** The issue's targets: streaming costs at most this many times one render… */
const TARGET_RATIO = 3;
/** …and no task while streaming runs longer than this. */
const TARGET_LONG_TASK_MS = 50;

/**
 * The renderer before incremental rendering (commit 0106ba3: the whole reply parsed and sanitized
 * again on every animation frame), measured with this command (that commit's
 * components/chat/markdown.tsx put back for one build) and kept here, since the old code is no
 * longer in the tree to be measured again.
 */
const BEFORE = {
  commit: "0106ba3",
  date: "2026-11-23",
  runs: 5,
  streamingMs: 4_736,
  onceMs: 153,
  longestTaskMs: 77,
  rendererMs: 1_005,
  sampledMs: 4_903,
};

function option({ name, fallback }: { name: string; fallback: number }): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

function build(): void {
  console.log("[bench:render] next build …");
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const result = spawnSync(npx, ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}

const median = (values: number[]) => percentile(values, 50);
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value).toLocaleString("en")} ms` : "–");

function summary(phases: PhaseCost[]) {
  const longTasks = phases.flatMap((p) => p.longTasksMs);
  return {
    mainThreadMs: median(phases.map((p) => p.mainThreadMs)),
    scriptMs: median(phases.map((p) => p.scriptMs)),
    layoutMs: median(phases.map((p) => p.layoutMs)),
    styleMs: median(phases.map((p) => p.styleMs)),
    wallMs: median(phases.map((p) => p.wallMs)),
    longestTaskMs: Math.max(0, ...longTasks),
    longTasks: median(phases.map((p) => p.longTasksMs.length)),
  };
}

function section({ measured, reply, chunks, delayMs, load }: { measured: Measured; reply: number; chunks: number; delayMs: number; load: string }): string {
  const { runs, renderer } = measured;
  const streaming = summary(runs.map((r) => r.streaming));
  const once = summary(runs.map((r) => r.once));
  const ratio = streaming.mainThreadMs / once.mainThreadMs;
  const row = ({ name, s }: { name: string; s: ReturnType<typeof summary> }) =>
    `| ${name} | ${ms(s.mainThreadMs)} | ${ms(s.scriptMs)} | ${ms(s.layoutMs)} | ${ms(s.styleMs)} | ${s.longTasks} | ${ms(s.longestTaskMs)} | ${ms(s.wallMs)} |`;
  const met = (ok: boolean) => (ok ? "met" : "**not met**");
  const perRun = runs.map((r) => `${Math.round(r.streaming.mainThreadMs)} / ${Math.round(r.once.mainThreadMs)}`).join(", ");
  const percent = ({ part, whole }: { part: number; whole: number }) => `${Math.round((100 * part) / whole)}%`;
  const before = Number.isFinite(BEFORE.streamingMs)
    ? `**Before** (commit ${BEFORE.commit}, the whole reply parsed and sanitized again on every animation frame; measured with this ` +
      `command on ${BEFORE.date}, same machine, medians of ${BEFORE.runs} runs): streaming ${ms(BEFORE.streamingMs)} of main thread against ${ms(BEFORE.onceMs)} ` +
      `for one render, ${(BEFORE.streamingMs / BEFORE.onceMs).toFixed(1)}×, longest task ${ms(BEFORE.longestTaskMs)}; the renderer's ` +
      `own code ${ms(BEFORE.rendererMs)} of ${ms(BEFORE.sampledMs)} sampled (${percent({ part: BEFORE.rendererMs, whole: BEFORE.sampledMs })}).`
    : "";
  return `
## Streaming render

${machineLine({ browser: `Chromium ${measured.browser}` })} · load average at start: ${load}

Command: \`npm run bench:render\` (builds the app; \`-- --no-build\` reuses \`.next\`; \`-- --no-write\` only prints). Not part of \`npm test\`.

A ${reply.toLocaleString("en")}-character markdown reply (headings, paragraphs with links and inline code, lists, fenced code,
tables, quotes) streams from a mock OpenAI upstream in ${chunks.toLocaleString("en")} chunks, ${delayMs} ms apart, through the
production app (\`next start\`) into the chat page in headless Chromium. **Streaming** is the main thread from pressing Enter
until the whole reply is rendered; **once** is opening the same conversation again from the sidebar, which renders the
finished reply in one go. Main thread is Chrome's TaskDuration (DevTools protocol \`Performance.getMetrics\`: script,
style, layout, paint, everything); long tasks come from the Long Tasks API. Medians of ${runs.length} runs after one warm-up
run; per run (streaming / once, ms): ${perRun}. Other jobs shared the machine, so expect some noise.

| Phase | Main thread | Script | Layout | Style | Tasks > 50 ms | Longest task | Wall time |
| ----- | ----------: | -----: | -----: | ----: | ------------: | -----------: | --------: |
${row({ name: `Streaming (${chunks.toLocaleString("en")} chunks)`, s: streaming })}
${row({ name: "Rendering once", s: once })}

In ${runs.filter((r) => r.sameHtml).length} of ${runs.length} runs the streamed reply ended as exactly the markup of the reply rendered once (\`innerHTML\` compared).

Streaming costs **${ratio.toFixed(1)}×** one render (target ≤ ${TARGET_RATIO}×: ${met(ratio <= TARGET_RATIO)}); the longest task
while streaming took ${ms(streaming.longestTaskMs)} (target ≤ ${TARGET_LONG_TASK_MS} ms: ${met(streaming.longestTaskMs <= TARGET_LONG_TASK_MS)}).

Of one more streamed reply under the CPU profiler, the markdown renderer's own code (marked, DOMPurify and
\`lib/markdown\`, the chunks the page loads with the first reply: ${renderer.scripts.map((s) => `\`${s}\``).join(", ")}) took
**${ms(renderer.rendererMs)}** of the ${ms(renderer.sampledMs)} sampled (${percent({ part: renderer.rendererMs, whole: renderer.sampledMs })}). The rest is the page
around the reply: Chromium reading the stream (the server writes at most every 16 ms, \`WRITE_INTERVAL_MS\` in
\`lib/ai/reply-stream.ts\`, so the 2,000 chunks arrive as a few hundred events), React committing the reply's text (at
most every 50 ms, \`components/chat/use-chat-stream.ts\`; the header, sidebar, composer and finished messages are
memoized and skip it), and the style, layout and paint after each update of the reply (the markdown renders at most
every 50 ms), on a page that grows to the reply's full length. A longer interval costs less and looks less smooth:
with the markdown at 100 ms, then 150 ms, instead of 50, streaming cost about 17% and 32% less (one A/B run, before
the server's write interval).

${before}
`;
}

async function main(): Promise<void> {
  const runs = option({ name: "runs", fallback: 3 });
  const chunkCount = option({ name: "chunks", fallback: 2_000 });
  const delayMs = option({ name: "delay-ms", fallback: 2 });
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  if (!process.argv.includes("--no-build")) build();

  const reply = benchReply();
  const chunks = chunksOf({ text: reply, count: chunkCount });
  const upstream = await startBenchUpstream({ chunks, delayMs });
  const { users, authLocalUsers } = await makeUsers(["bench"]);
  const user = users.bench;
  if (!user) throw new Error("no bench user");
  const extra = { AI_MODELS: "openai:gpt-4o-mini", DAILY_TOKEN_BUDGET: "1000000000", LOG_LEVEL: "warn", CHAT_RATE_LIMIT: "100/60s" };
  const app = await startApp({ name: "bench-render", env: appEnv({ openaiUrl: upstream.url, anthropicUrl: upstream.url, authLocalUsers, extra }) });
  try {
    console.log(`[bench:render] ${reply.length} characters in ${chunks.length} chunks, ${delayMs} ms apart; app at ${app.url}`);
    const measured = await measureRendering({ baseUrl: app.url, user, marker: REPLY_END_MARKER, runs });
    const markdown = section({ measured, reply: reply.length, chunks: chunks.length, delayMs, load });
    if (process.argv.includes("--no-write")) console.log(markdown);
    else writeSection("render", markdown);
    console.log(markdown);
    const streaming = summary(measured.runs.map((r) => r.streaming));
    const once = summary(measured.runs.map((r) => r.once));
    // In the shape of BEFORE, to record a renderer that is about to be replaced.
    console.log(
      `[bench:render] summary: ${JSON.stringify({ streamingMs: Math.round(streaming.mainThreadMs), onceMs: Math.round(once.mainThreadMs), longestTaskMs: Math.round(streaming.longestTaskMs), rendererMs: Math.round(measured.renderer.rendererMs), sampledMs: Math.round(measured.renderer.sampledMs) })}`,
    );
  } finally {
    await app.stop();
    await upstream.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
