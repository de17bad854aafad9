/**
 * `npm run bench:weight`: the chat page's weight. Builds the app (`-- --no-build` measures the build
 * already in .next), starts it, signs in, and measures
 *   - the JavaScript the chat page loads on first load, gzip, per file (scripts/bench/page-weight.ts,
 *     the same code as the budget test), against perf-budget.json;
 *   - Lighthouse's performance score, mobile and desktop, in the system's Chromium (median of
 *     `--runs=N`, default 5).
 * Prints the figures and writes the "weight" section of docs/benchmarks.md.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";
import { ROOT, startApp } from "../../tests/support/app-server";
import { signIn } from "../../tests/support/auth";
import { findBrowser } from "../../tests/support/browser";
import { appEnv, makeUsers } from "../../tests/support/test-env";
import { BUDGET_FILE, kB, measurePage, readBudget, type Asset, type PageWeight } from "./page-weight";
import { machineLine, writeSection } from "./report";
import { chromiumVersion, lighthouseVersion, runLighthouse, type LighthouseRun } from "./weight-lighthouse";

/** The issue's target for the chat page, on Lighthouse's default (mobile) configuration. */
const TARGET_SCORE = 95;
const PAGE = "/";

function parseArgs(argv: string[]): { build: boolean; runs: number } {
  const runs = Number(argv.find((a) => a.startsWith("--runs="))?.slice("--runs=".length) ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs=N needs a whole number of at least 1");
  return { build: !argv.includes("--no-build"), runs };
}

function build(): void {
  console.log("next build …");
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}

function browserPath(): string {
  const browser = findBrowser();
  if (!browser.found) throw new Error(`No Chromium for Lighthouse. ${browser.hint}`);
  return browser.executablePath ?? chromium.executablePath();
}

const ms = (n: number) => `${Math.round(n).toLocaleString("en")} ms`;
const fileName = (p: string) => p.split("/").pop() ?? p;
const sumGzip = (assets: Asset[]) => assets.reduce((n, a) => n + a.gzipBytes, 0);

function weightMarkdown({ chat, signin, limit }: { chat: PageWeight; signin: PageWeight; limit: number }): string {
  const shared = new Set(signin.scripts.map((s) => s.path));
  const rows = chat.scripts.map(
    (s) =>
      `| \`${fileName(s.path)}\` | ${shared.has(s.path) ? "every page (React, Next.js runtime)" : "chat page only"} | ${kB(s.bytes)} | ${kB(s.gzipBytes)} |`,
  );
  const lazy = chat.lazy.map((s) => `\`${fileName(s.path)}\` ${kB(s.gzipBytes)}`).join(", ");
  return [
    `**First-load JavaScript of the chat page: ${kB(chat.totalGzipBytes)} gzip** (${kB(chat.totalBytes)} uncompressed, ${chat.scripts.length} files); ` +
      `budget ${kB(limit)} (${((chat.totalGzipBytes / limit) * 100).toFixed(0)}% used), in [\`perf-budget.json\`](../perf-budget.json).`,
    "",
    "| file | loaded by | uncompressed | gzip |",
    "|---|---|---:|---:|",
    ...rows,
    "",
    `Shared with every page: ${kB(sumGzip(chat.scripts.filter((s) => shared.has(s.path))))} (the sign-in page loads ${kB(signin.totalGzipBytes)} in all); ` +
      `the chat page's own code: ${kB(sumGzip(chat.scripts.filter((s) => !shared.has(s.path))))}. ` +
      `Not counted: ${chat.noModule.length} \`nomodule\` polyfill file(s) that modern browsers skip; ` +
      `${lazy ? `chunks fetched later by \`import()\` (${lazy})` : "no chunks loaded later"}; ` +
      `the stylesheet (${kB(sumGzip(chat.css))}) and the HTML (${kB(chat.html.gzipBytes)}, with the inline server-components payload).`,
  ].join("\n");
}

function lighthouseMarkdown({ runs, pageUrl }: { runs: LighthouseRun[]; pageUrl: string }): string {
  const rows = runs.map(
    (r) =>
      `| ${r.formFactor} | **${r.score}** (${r.scores.join(", ")}) | ${ms(r.metrics.fcp)} | ${ms(r.metrics.lcp)} | ${ms(r.metrics.tbt)} | ${r.metrics.cls.toFixed(3)} | ${ms(r.metrics.si)} | ${Math.round(r.benchmarkIndex)} |`,
  );
  const mobile = runs.find((r) => r.formFactor === "mobile") ?? runs[0];
  const lines = [
    "| Lighthouse | performance (runs) | FCP | LCP | TBT | CLS | Speed Index | benchmark index |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    `Target: ≥ ${TARGET_SCORE} on mobile (Lighthouse's default configuration: simulated slow 4G, 4× CPU slowdown): ` +
      `**${mobile && mobile.score >= TARGET_SCORE ? "met" : "not met"}**. The page is a new user's empty chat, signed in by a Cookie header; each row is the median run by score. ` +
      "Lighthouse simulates the slow phone by scaling the CPU time it observes, so a busy machine lowers the mobile score; the benchmark index is its measure of this machine's speed at the time.",
  ];
  if (!mobile) return lines.join("\n");
  const script = (url: string) => (url === pageUrl ? "the HTML's inline scripts" : `\`${fileName(url) || url}\``);
  const findings = mobile.findings.map((f) => `${f.title}${f.display ? ` (${f.display})` : ""}`);
  return [
    ...lines,
    "",
    "From the mobile run:",
    "",
    `- LCP element: "${mobile.lcpElement}".`,
    `- Transferred: ${mobile.transferred.scripts} scripts, ${kB(mobile.transferred.scriptBytes)} (next start's own gzip); ${mobile.transferred.requests} requests, ${kB(mobile.transferred.totalBytes)} in all.`,
    `- Script execution: ${mobile.bootup
      .slice(0, 3)
      .map((b) => `${script(b.url)} ${ms(b.ms)}`)
      .join(", ")}.`,
    `- Audits below 0.9: ${findings.length > 0 ? findings.join("; ") : "none"}.`,
  ].join("\n");
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const budget = readBudget();
  const limit = budget.pages[PAGE]?.firstLoadJsGzipBytes;
  if (limit === undefined) throw new Error(`${path.relative(ROOT, BUDGET_FILE)} has no budget for ${PAGE}`);
  const chromePath = browserPath();
  if (args.build) build();

  const made = await makeUsers(["weight"]);
  const app = await startApp({
    name: "bench-weight",
    env: appEnv({ openaiUrl: "http://127.0.0.1:9/v1", anthropicUrl: "http://127.0.0.1:9", authLocalUsers: made.authLocalUsers }),
  });
  try {
    const cookie = await signIn({ baseUrl: app.url, ...made.users.weight! });
    const chat = await measurePage({ baseUrl: app.url, page: PAGE, cookie });
    const signin = await measurePage({ baseUrl: app.url, page: "/signin" });
    console.log(`\nfirst-load JS of ${PAGE}: ${kB(chat.totalGzipBytes)} gzip (${kB(chat.totalBytes)} raw), budget ${kB(limit)}`);
    for (const s of chat.scripts) console.log(`  ${kB(s.gzipBytes).padStart(9)}  ${s.path}`);
    for (const s of chat.lazy) console.log(`  ${kB(s.gzipBytes).padStart(9)}  ${s.path}  (import() on demand, not counted)`);

    const lighthouse: LighthouseRun[] = [];
    for (const formFactor of ["mobile", "desktop"] as const) {
      console.log(`\nLighthouse, ${formFactor}, ${args.runs} run(s) …`);
      const run = await runLighthouse({ url: `${app.url}${PAGE}`, cookie, chromePath, formFactor, runs: args.runs });
      console.log(
        `  performance ${run.score} (${run.scores.join(", ")}), FCP ${ms(run.metrics.fcp)}, LCP ${ms(run.metrics.lcp)}, TBT ${ms(run.metrics.tbt)}, CLS ${run.metrics.cls.toFixed(3)}, SI ${ms(run.metrics.si)}`,
      );
      for (const f of run.findings) console.log(`  - ${f.title} ${f.display}`);
      lighthouse.push(run);
    }

    const next = (JSON.parse(readFileSync(path.join(ROOT, "node_modules/next/package.json"), "utf8")) as { version: string }).version;
    writeSection(
      "weight",
      [
        "## Page weight: the chat page",
        "",
        machineLine({ next, chromium: chromiumVersion(chromePath), lighthouse: lighthouseVersion() }),
        "",
        `Command: \`npm run bench:weight\` (builds first; \`-- --no-build\` measures the build in .next; \`-- --runs=${args.runs}\` Lighthouse runs per form factor).`,
        "",
        weightMarkdown({ chat, signin, limit }),
        "",
        "First-load JavaScript is every `<script src>` and script preload in the signed-in page's HTML, each file gzipped at level 9 " +
          '(as Next.js\'s former "First Load JS" column): a property of the build, the same on every machine. ' +
          "`tests/integration/page-weight.test.ts` (in `npm test`) measures it with the same code and fails when a page in `perf-budget.json` " +
          "loads more. To raise a budget, do it on purpose: in the commit that makes the page heavier, set the figure to the new total plus about 5% and say why.",
        "",
        lighthouseMarkdown({ runs: lighthouse, pageUrl: `${app.url}${PAGE}` }),
      ].join("\n"),
    );
    console.log('\nwrote the "weight" section of docs/benchmarks.md');
  } finally {
    await app.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
