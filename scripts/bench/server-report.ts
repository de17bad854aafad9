/**
 * Turns the measurements of `npm run bench` into the console table and the two sections of
 * docs/benchmarks.md ("server" and "cold-start").
 */
import type { Sample } from "./load";
import type { ColdStart } from "./cold-start";
import type { Floor } from "./floors";
import { percentile } from "./report";

export const PATHS = ["direct", "next-floor", "app-memory", "app-redis"] as const;
export type PathName = (typeof PATHS)[number];

/** Everything measured for one path at one concurrency, summed over the rounds. */
export type Cell = { concurrency: number; path: PathName; samples: Sample[]; wallMs: number; cpuMs: number; redisCpuMs: number; upstreamCpuMs: number };

export type Row = {
  concurrency: number;
  path: PathName;
  n: number;
  errors: number;
  rps: number;
  ttft: [number, number];
  total: [number, number];
  addedTtft: [number, number] | undefined;
  addedTotal: [number, number] | undefined;
  /** An app path's TTFT p50 and CPU per chat minus next-floor's: what Bulwark adds to any Next.js route. */
  overFloor: { ttft: number; cpu: number } | undefined;
  cpuPerChat: number | undefined;
  redisCpuPerChat: number | undefined;
  upstreamCpuPerChat: number;
};

const p50p99 = (values: number[]): [number, number] => [percentile(values, 50), percentile(values, 99)];

export function toRows(cells: Cell[]): Row[] {
  const rows = cells.map((cell): Row => {
    const ok = cell.samples.filter((s) => s.ok);
    return {
      concurrency: cell.concurrency,
      path: cell.path,
      n: cell.samples.length,
      errors: cell.samples.length - ok.length,
      rps: (cell.samples.length / cell.wallMs) * 1000,
      ttft: p50p99(ok.map((s) => s.ttftMs)),
      total: p50p99(ok.map((s) => s.totalMs)),
      addedTtft: undefined,
      addedTotal: undefined,
      overFloor: undefined,
      cpuPerChat: cell.path === "direct" ? undefined : cell.cpuMs / cell.samples.length,
      redisCpuPerChat: cell.path === "app-redis" ? cell.redisCpuMs / cell.samples.length : undefined,
      upstreamCpuPerChat: cell.upstreamCpuMs / cell.samples.length,
    };
  });
  for (const row of rows) {
    const direct = rows.find((r) => r.concurrency === row.concurrency && r.path === "direct");
    if (!direct || row.path === "direct") continue;
    row.addedTtft = [row.ttft[0] - direct.ttft[0], row.ttft[1] - direct.ttft[1]];
    row.addedTotal = [row.total[0] - direct.total[0], row.total[1] - direct.total[1]];
  }
  for (const row of rows) {
    const floor = rows.find((r) => r.concurrency === row.concurrency && r.path === "next-floor");
    if (!floor || !row.path.startsWith("app-") || row.cpuPerChat === undefined || floor.cpuPerChat === undefined) continue;
    row.overFloor = { ttft: row.ttft[0] - floor.ttft[0], cpu: row.cpuPerChat - floor.cpuPerChat };
  }
  return rows;
}

const ms = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits));
const signed = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "–" : `${v >= 0 ? "+" : ""}${v.toFixed(1)}`);

export function table(rows: Row[]): string {
  const head =
    "| concurrency | path | n | req/s | TTFT p50 | TTFT p99 | total p50 | total p99 | added TTFT p50 | added TTFT p99 | added total p50 | app CPU ms/chat | upstream CPU ms/chat | over floor: TTFT p50 | over floor: CPU ms/chat |";
  const lines = rows.map((r) => {
    const cpu = r.cpuPerChat === undefined ? "–" : `${ms(r.cpuPerChat, 2)}${r.redisCpuPerChat === undefined ? "" : ` (+${ms(r.redisCpuPerChat, 2)} redis)`}`;
    const n = r.errors > 0 ? `${r.n} (${r.errors} failed)` : String(r.n);
    return `| ${r.concurrency} | ${r.path} | ${n} | ${r.rps.toFixed(1)} | ${ms(r.ttft[0])} | ${ms(r.ttft[1])} | ${ms(r.total[0])} | ${ms(r.total[1])} | ${signed(r.addedTtft?.[0])} | ${signed(r.addedTtft?.[1])} | ${signed(r.addedTotal?.[0])} | ${cpu} | ${ms(r.upstreamCpuPerChat, 2)} | ${signed(r.overFloor?.ttft)} | ${r.overFloor ? `${r.overFloor.cpu >= 0 ? "+" : ""}${ms(r.overFloor.cpu, 2)}` : "–"} |`;
  });
  return [head, `|${"---|".repeat(15)}`, ...lines].join("\n");
}

export type Settings = {
  ttftMs: number;
  tokensPerSecond: number;
  tokens: number;
  rounds: number;
  minRequests: number;
  users: number;
  logLevel: string;
  concurrency: number[];
};

const median = (values: number[]) => percentile(values, 50);
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");

function targets({ rows, cold }: { rows: Row[]; cold: ColdStart[] }): string {
  const added = (c: number, path: PathName) => rows.find((r) => r.concurrency === c && r.path === path)?.addedTtft?.[0];
  const lines: string[] = [];
  for (const [c, limit] of [
    [1, 2],
    [64, 10],
  ] as const) {
    const values = (["app-memory", "app-redis"] as const).map((p) => added(c, p));
    if (values.some((v) => v === undefined)) continue;
    const shown = values.map((v, i) => `${signed(v)} ms (${i === 0 ? "memory" : "redis"})`).join(", ");
    lines.push(`| added TTFT p50 at concurrency ${c} ≤ ${limit} ms | ${shown} | ${verdict(values.every((v) => (v as number) <= limit))} |`);
  }
  const cpu = rows.filter((r) => r.path.startsWith("app-") && r.cpuPerChat !== undefined).map((r) => r.cpuPerChat as number);
  if (cpu.length > 0)
    lines.push(`| app CPU per chat ≤ 2 ms | ${ms(Math.min(...cpu), 2)} to ${ms(Math.max(...cpu), 2)} ms | ${verdict(Math.max(...cpu) <= 2)} |`);
  if (cold.some((c) => c.idleMs === 0)) {
    const ready = median(cold.filter((c) => c.idleMs === 0).map((c) => c.firstDoneMs));
    lines.push(
      `| chat route ready ≤ 300 ms after the server starts (median, listening → first chat answered) | ${ms(ready, 0)} ms | ${verdict(ready <= 300)} |`,
    );
  }
  return ["| target (from the issue) | measured | |", "|---|---|---|", ...lines].join("\n");
}

/** The same measures against next-floor: what the secure pipeline adds to a route that only relays the stream. */
function overFloor(rows: Row[]): string {
  const lines = rows
    .filter((r) => r.overFloor !== undefined)
    .map((r) => {
      const floor = rows.find((f) => f.concurrency === r.concurrency && f.path === "next-floor") as Row;
      return `| ${r.concurrency} | ${r.path} | ${signed(floor.addedTtft?.[0])} | ${signed(r.overFloor?.ttft)} | ${ms(floor.cpuPerChat, 2)} | ${r.overFloor && r.overFloor.cpu >= 0 ? "+" : ""}${ms(r.overFloor?.cpu, 2)} |`;
    });
  if (lines.length === 0) return "";
  return `What Bulwark adds to a Next.js route, as opposed to what any Next.js route that relays a model's stream costs on this machine
(next-floor): the app path's TTFT p50 and CPU per chat minus next-floor's at the same concurrency.

| concurrency | path | next-floor's added TTFT p50 (over direct) | Bulwark's added TTFT p50 (over next-floor) | next-floor CPU ms/chat | Bulwark's added CPU ms/chat (over next-floor) |
|---|---|---|---|---|---|
${lines.join("\n")}`;
}

function floorTable({ floors, rows }: { floors: Floor[]; rows: Row[] }): string {
  if (floors.length === 0) return "";
  const chats = rows.filter((r) => r.path === "app-memory" && r.cpuPerChat !== undefined);
  const lines = floors.map((f) => `| ${f.label} | ${ms(f.cpuPerRequest, 2)} |`);
  if (chats.length > 0)
    lines.push(
      `| a whole chat (app-memory, from the table above) | ${chats.map((r) => `${ms(r.cpuPerChat, 2)} at concurrency ${r.concurrency}`).join(", ")} |`,
    );
  return `Where the CPU goes, coarsely: \`POST /api/chat\` on app-memory refused at two depths, ${floors[0]?.requests} requests each
at concurrency 16. A refusal's cost is a floor every chat pays before its guards, limits, store and provider call.

| request | app CPU ms/request |
|---|---|
${lines.join("\n")}`;
}

/** What the run saw besides the samples. */
export type RunContext = { loadAtStart: number[]; loadAtEnd: number[]; redisCommandsPerChat: number | undefined };

function notes({ settings, context }: { settings: Settings; context: RunContext }): string[] {
  const interval = settings.tokensPerSecond > 0 ? 1000 / settings.tokensPerSecond : 0;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(", ");
  return [
    `The output guard that redacts secrets holds back only a word in which a credential could be starting (\`sk\`, \`AKIA\`, \`eyJ\`, \`-----BEGIN\`, a URL with \`://\`…; \`secretHoldStart\` in lib/guard/pii/secrets.ts) until the next token shows whether it is one; before, it held every reply's last word, so the first word reached the browser one token interval late (${interval.toFixed(0)} ms here, +17 ms added TTFT at concurrency 1 in all).`,
    ...(context.redisCommandsPerChat === undefined
      ? []
      : [
          `app-redis ran ${context.redisCommandsPerChat.toFixed(1)} Redis commands per chat (INFO commandstats): the user's controls, the rate limit, one admission script (the stream slot and the token and spend budgets, one round trip), the usage records, the conversation.`,
        ]),
    "Added values are differences of percentiles (the path's p50 minus direct's p50), not percentiles of differences.",
    `Load average (1, 5, 15 min) ${load(context.loadAtStart)} at the start, ${load(context.loadAtEnd)} at the end: other jobs on the machine take CPU from all paths alike.`,
  ];
}

export function serverSection({
  machine,
  command,
  settings,
  rows,
  cold,
  floors,
  context,
}: {
  machine: string;
  command: string;
  settings: Settings;
  rows: Row[];
  cold: ColdStart[];
  floors: Floor[];
  context: RunContext;
}): string {
  const interval = settings.tokensPerSecond > 0 ? 1000 / settings.tokensPerSecond : 0;
  const floorNote = overFloor(rows);
  return `## Server: the chat route against the model called directly

${machine}

Command: \`${command}\` (builds first when \`.next\` is missing or older than the sources; \`-- --no-build\` uses
\`.next\` as it is; every flag is listed at the top of \`scripts/bench/server.ts\`). Not part of \`npm test\`.

The same streaming request four ways, interleaved (every round runs each path once, in a rotating
order, so a burst of noise on the machine lands on all of them alike):

- **direct**: the bench upstream's \`/v1/chat/completions\` called as the OpenAI SDK calls it;
- **next-floor**: \`POST /api/chat\` of [\`scripts/bench/floor-app\`](../scripts/bench/floor-app/app/api/chat/route.ts), a Next.js app (same Next.js,
  \`next start\`) whose one route handler relays the model's stream through the OpenAI SDK in the same event
  format and does nothing else: no session, rate limit, guards, budgets or store. It is the floor any Next.js
  route that streams a model pays on this machine, so app minus next-floor is what Bulwark's security adds;
- **app-memory**: \`POST /api/chat\` on \`next start\`, signed in, every guard on (defaults), store in the process;
- **app-redis**: the same with \`REDIS_URL\` on a local \`redis-server\` (conversations encrypted at rest).

Settings: upstream time to first token ${settings.ttftMs} ms, then ${settings.tokens} tokens at ${settings.tokensPerSecond} tokens/s
(one every ${interval.toFixed(0)} ms); ${settings.rounds} rounds; per round and path max(${settings.minRequests}, 2 × concurrency)
requests, each one new message in a new conversation (so each chat also stores a conversation), spread over
${settings.users} signed-in users; \`CHAT_RATE_LIMIT=1000000/60s\`, \`CHAT_MAX_CONCURRENT=100\`, budgets and spend
cap at their maximum; \`LOG_LEVEL=${settings.logLevel}\`${settings.logLevel === "info" ? " (the default: one `chat.reply` line per chat is part of the cost)" : ""}.
Times in ms from sending the request: TTFT to the first chunk carrying reply text, total to the end of the
stream. "Added" is the path's percentile minus direct's at the same concurrency. App CPU is user + system
time of the \`next-server\` process (all its threads, from /proc) over the path's phases, divided by its chats;
for app-redis, the redis-server's own CPU is shown beside it. Upstream CPU is the bench upstream's, a process
that does nothing but write ${settings.tokens + 1} small chunks per request: for scale, what streaming alone costs on
this machine, where every chunk is a system call and a wake-up of the reader (many fewer per chat once many
streams share each turn of the event loop, hence the fall with concurrency). The load client, the upstream and
the server share the machine's two cores: once the server needs more than what is left, requests queue and
the added times grow with the queue, not with the route's own latency.

${table(rows)}

${targets({ rows, cold })}
${floorNote ? `\n${floorNote}\n` : ""}
${floorTable({ floors, rows })}

${notes({ settings, context })
  .map((n) => `- ${n}`)
  .join("\n")}`;
}

export function coldStartSection({ machine, command, runs, alone = false }: { machine: string; command: string; runs: ColdStart[]; alone?: boolean }): string {
  const atOnce = runs.filter((r) => r.idleMs === 0);
  const idle = runs.filter((r) => r.idleMs > 0);
  const idleMs = idle[0]?.idleMs ?? 0;
  const stats = (list: ColdStart[], pick: (c: ColdStart) => number) => {
    const values = list.map(pick).filter((v) => !Number.isNaN(v));
    return values.length === 0 ? "– | – | –" : `${ms(median(values), 0)} | ${ms(Math.min(...values), 0)} | ${ms(Math.max(...values), 0)}`;
  };
  const row = (label: string, pick: (c: ColdStart) => number, { idleToo = true } = {}) =>
    `| ${label} | ${stats(atOnce, pick)} | ${idleToo ? stats(idle, pick) : "– | – | –"} |`;
  const ready = median(atOnce.map((c) => c.firstDoneMs));
  return `## Cold start

${machine}

Command: \`${command}\`${alone ? "" : " (the same run as the server section)"}.

Spawn \`next start\` (production build, store in the process, an upstream that answers at once), wait for
Next's "Ready" line, then send one chat with a session cookie made earlier on another server with the same
\`NEXTAUTH_SECRET\` (a returning user after a deploy), so \`POST /api/chat\` is the first request the server
gets from outside. ${atOnce.length} times sending it at once (what the first user after a restart meets) and ${idle.length} times
${idleMs} ms after "Ready" (with the server's start-up work done). Times in ms.

Loading the route happens in two steps, both timed inside the server by a \`--require\` hook
(\`scripts/bench/route-load-hook.cjs\`): Next \`require()\`s \`.next/server/app/api/chat/route.js\` and the
chunks it lists ("route require"), then Turbopack evaluates the route's own module graph (lib/, zod,
next-auth, the injection patterns and model weights: "route module evaluation"). Both happen on the route's
first request: Next's loading of every route at start is turned off (\`preloadEntriesOnStart\` in
\`next.config.ts\`), and \`instrumentation.ts\` sends that first request itself as soon as it has checked the
environment, a GET that the route answers 405 (\`warmChatRoute\` in \`lib/startup.ts\`). A chat sent at once
arrives before that GET and pays both steps (the GET shares them); one sent ${idleMs} ms later finds the route
loaded, and the hook's times are the GET's. A chat sent at once also waits for what Next does after printing
"Ready": loading \`next.config.ts\` (compiled with SWC) and running \`instrumentation.ts\`'s \`register()\` (a
profile with \`-- --cpu-prof DIR\` shows them; "… done at" is when the route's code was loaded, from process
start). Files come from the page cache (the same build is started again and again), as on a restart on the
same machine; a fresh container reads them from disk.

| | at once: median | min | max | after ${idleMs} ms: median | min | max |
|---|---|---|---|---|---|---|
${row('spawn → listening ("Ready")', (c) => c.listenMs)}
${row("first chat: first byte", (c) => c.firstByteMs)}
${row("first chat: first text", (c) => c.firstTextMs)}
${row("first chat: answered (done event)", (c) => c.firstDoneMs)}
${row("route require (Next)", (c) => c.requireMs)}
${row("… done at, from process start", (c) => c.requireAtMs + c.requireMs)}
${row("route module evaluation", (c) => c.userlandMs)}
${row("spawn → first chat answered", (c) => c.spawnToFirstChatMs, { idleToo: false })}
${row("second chat, same server (warm)", (c) => c.secondChatMs)}

Target: chat route ready ≤ 300 ms after the server starts (listening → first chat answered, sent at once):
${ms(ready, 0)} ms median, ${verdict(ready <= 300)}.`;
}
