import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { launch } from "chrome-launcher";
import type { Flags, Result } from "lighthouse";

/**
 * Lighthouse's performance category for one page, in a headless Chromium (Debian's by default),
 * signed in by a Cookie header on every request. Mobile is Lighthouse's default configuration
 * (simulated slow 4G, 4× CPU slowdown); desktop is its desktop preset. Each form factor runs `runs`
 * times in a fresh browser and the run with the median score is kept, as Lighthouse recommends.
 */

export type FormFactor = "mobile" | "desktop";
export type Finding = { id: string; title: string; display: string };
export type LighthouseRun = {
  formFactor: FormFactor;
  score: number;
  scores: number[];
  /** Milliseconds, except CLS (unitless). */
  metrics: { fcp: number; lcp: number; tbt: number; cls: number; si: number };
  benchmarkIndex: number;
  /** Audits of the performance category that did not pass, worst first. */
  findings: Finding[];
  /** JavaScript execution per script (bootup-time), longest first: url, ms. */
  bootup: { url: string; ms: number }[];
  /** What the browser really fetched (compressed as served), from the network-requests audit. */
  transferred: { scriptBytes: number; scripts: number; totalBytes: number; requests: number };
  lcpElement: string;
};

type NetworkItem = { url: string; resourceType?: string; transferSize?: number };
type NodeItem = { node?: { nodeLabel?: string; snippet?: string } };
const itemsOf = <T>(lhr: Result, id: string): T[] => (lhr.audits[id]?.details as { items?: T[] } | undefined)?.items ?? [];

const METRICS = {
  fcp: "first-contentful-paint",
  lcp: "largest-contentful-paint",
  tbt: "total-blocking-time",
  cls: "cumulative-layout-shift",
  si: "speed-index",
} as const;

export const CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"];

export function chromiumVersion(chromePath: string): string {
  // Debian's wrapper script prints shell noise on stderr; the version is on stdout.
  return execFileSync(chromePath, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

export function lighthouseVersion(): string {
  return (createRequire(__filename)("lighthouse/package.json") as { version: string }).version;
}

async function runOnce({ url, cookie, chromePath, formFactor }: { url: string; cookie: string; chromePath: string; formFactor: FormFactor }): Promise<Result> {
  const { default: lighthouse, desktopConfig } = await import("lighthouse");
  const chrome = await launch({ chromePath, chromeFlags: CHROME_FLAGS, logLevel: "silent" });
  try {
    const flags: Flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"], extraHeaders: { Cookie: cookie } };
    const result = await lighthouse(url, flags, formFactor === "desktop" ? desktopConfig : undefined);
    if (!result) throw new Error("Lighthouse returned no result");
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    // A redirect to the sign-in page would score the wrong page.
    if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname) throw new Error(`Lighthouse ended on ${lhr.finalDisplayedUrl}, not ${url}`);
    return lhr;
  } finally {
    chrome.kill();
  }
}

function summarize(lhr: Result, formFactor: FormFactor, scores: number[]): LighthouseRun {
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  const refs = lhr.categories.performance?.auditRefs ?? [];
  const findings = refs
    .map((ref) => lhr.audits[ref.id])
    .filter(
      (a): a is NonNullable<typeof a> =>
        !!a && a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable",
    )
    .sort((a, b) => (a.score ?? 1) - (b.score ?? 1))
    .map((a) => ({ id: a.id, title: a.title, display: a.displayValue ?? "" }));
  const network = itemsOf<NetworkItem>(lhr, "network-requests");
  const scripts = network.filter((r) => r.resourceType === "Script");
  const transfer = (rows: NetworkItem[]) => rows.reduce((n, r) => n + (r.transferSize ?? 0), 0);
  // The LCP audit's first table lists the element: its label, else its markup.
  const lcpTable = itemsOf<{ items?: NodeItem[] }>(lhr, "largest-contentful-paint-element")[0]?.items?.[0]?.node;
  return {
    formFactor,
    score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    scores,
    metrics: { fcp: numeric(METRICS.fcp), lcp: numeric(METRICS.lcp), tbt: numeric(METRICS.tbt), cls: numeric(METRICS.cls), si: numeric(METRICS.si) },
    benchmarkIndex: lhr.environment.benchmarkIndex,
    findings,
    bootup: itemsOf<{ url: string; scripting?: number }>(lhr, "bootup-time")
      .map((i) => ({ url: i.url, ms: i.scripting ?? 0 }))
      .sort((a, b) => b.ms - a.ms),
    transferred: { scriptBytes: transfer(scripts), scripts: scripts.length, totalBytes: transfer(network), requests: network.length },
    lcpElement: lcpTable?.nodeLabel ?? lcpTable?.snippet ?? "unknown",
  };
}

/**
 * Lighthouse now and then fails to record a page load's trace (NO_NAVSTART, NO_FCP…: "Please run
 * Lighthouse again"); such a run is repeated, up to twice. Any other failure stops the benchmark.
 */
async function runWithRetry(options: Parameters<typeof runOnce>[0]): Promise<Result> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(options);
    } catch (error) {
      const retryable = error instanceof Error && /^Lighthouse: NO_[A-Z_]+ /.test(error.message);
      if (!retryable || attempt > 2) throw error;
      console.log(`${(error as Error).message.split(" ").slice(0, 2).join(" ")}: running again`);
    }
  }
}

export async function runLighthouse(options: {
  url: string;
  cookie: string;
  chromePath: string;
  formFactor: FormFactor;
  runs: number;
}): Promise<LighthouseRun> {
  const results: Result[] = [];
  for (let i = 0; i < options.runs; i++) results.push(await runWithRetry(options));
  const score = (r: Result) => r.categories.performance?.score ?? 0;
  const sorted = [...results].sort((a, b) => score(a) - score(b));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!median) throw new Error("no Lighthouse runs");
  return summarize(
    median,
    options.formFactor,
    results.map((r) => Math.round(score(r) * 100)),
  );
}
