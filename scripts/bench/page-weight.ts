import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";

/**
 * The JavaScript a page makes the browser download before it can run, measured the way a browser
 * finds it: every `<script src>` and `<link rel="preload" as="script">` / `modulepreload` in the
 * page's HTML, minus `nomodule` scripts (legacy polyfills that a module-capable browser never
 * fetches). Each file is fetched from the running server and gzipped here at level 9 (the level of
 * Next.js's former "First Load JS" column), so the figure depends on the build alone, not on the
 * server's compression or on timing. Shared by `npm run bench:weight` and the budget test
 * (tests/integration/page-weight.test.ts), so both count the same bytes.
 */

export const BUDGET_FILE = path.resolve(__dirname, "../../perf-budget.json");

const budgetSchema = z.object({
  description: z.string().optional(),
  pages: z.record(z.string().startsWith("/"), z.object({ firstLoadJsGzipBytes: z.number().int().positive() })),
});
export type PerfBudget = z.infer<typeof budgetSchema>;

export function readBudget(file = BUDGET_FILE): PerfBudget {
  return budgetSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

export type Asset = { path: string; bytes: number; gzipBytes: number };
export type PageWeight = {
  page: string;
  /** First-load JavaScript, largest first. */
  scripts: Asset[];
  totalBytes: number;
  totalGzipBytes: number;
  /** `nomodule` scripts in the HTML, not counted: modern browsers skip them. */
  noModule: string[];
  /** Chunks the first-load scripts can fetch later (dynamic imports), not counted. */
  lazy: Asset[];
  css: Asset[];
  /** The HTML itself (it carries the inline React Server Components payload); varies per request. */
  html: Asset;
};

const CHUNK_REFERENCE = /["'](static\/chunks\/[\w.~-]+\.js)["']/g;

const attr = (tag: string, name: string) =>
  new RegExp(`\\b${name}=(?:"([^"]*)"|'([^']*)')`, "i")
    .exec(tag)
    ?.slice(1)
    .find((v) => v !== undefined);
const hasAttr = (tag: string, name: string) => new RegExp(`\\s${name}(?:[\\s=/>])`, "i").test(tag);
const decode = (value: string) => value.replace(/&amp;/g, "&");

/** Script and stylesheet URLs of an HTML document, in document order, without duplicates. */
export function pageAssets(html: string): { scripts: string[]; noModule: string[]; css: string[] } {
  const scripts = new Set<string>();
  const noModule = new Set<string>();
  const css = new Set<string>();
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, "src");
    if (src) (hasAttr(tag, "nomodule") ? noModule : scripts).add(decode(src));
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(tag, "rel")?.toLowerCase().split(/\s+/) ?? [];
    const href = attr(tag, "href");
    if (!href) continue;
    if (rel.includes("modulepreload") || (rel.includes("preload") && attr(tag, "as") === "script")) scripts.add(decode(href));
    if (rel.includes("stylesheet")) css.add(decode(href));
  }
  return { scripts: [...scripts], noModule: [...noModule], css: [...css] };
}

function asset(url: URL, body: Buffer): Asset {
  return { path: url.pathname, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
}

async function fetchAsset(url: URL): Promise<{ asset: Asset; text: string }> {
  const res = await fetch(url, { headers: { "Accept-Encoding": "identity" } });
  if (!res.ok) throw new Error(`GET ${url.pathname} answered ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  return { asset: asset(url, body), text: body.toString("utf8") };
}

const bySize = (a: Asset, b: Asset) => b.gzipBytes - a.gzipBytes || a.path.localeCompare(b.path);
const sum = (assets: Asset[], key: "bytes" | "gzipBytes") => assets.reduce((n, a) => n + a[key], 0);

/** Measures `page` on a running server; `cookie` signs the request in. */
export async function measurePage({ baseUrl, page, cookie }: { baseUrl: string; page: string; cookie?: string }): Promise<PageWeight> {
  const res = await fetch(new URL(page, baseUrl), { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
  if (res.status !== 200) throw new Error(`GET ${page} answered ${res.status} (${res.headers.get("location") ?? "no redirect"}); is the session valid?`);
  const html = await res.text();
  const found = pageAssets(html);

  const loaded = await Promise.all(found.scripts.map((src) => fetchAsset(new URL(src, baseUrl))));
  const scripts = loaded.map((l) => l.asset);
  const seen = new Set(scripts.map((s) => s.path));
  for (const src of found.noModule) seen.add(new URL(src, baseUrl).pathname);

  // Dynamic imports: chunk paths named inside the loaded code, followed transitively.
  const lazy: Asset[] = [];
  const queue = loaded.map((l) => l.text);
  for (let code = queue.shift(); code !== undefined; code = queue.shift()) {
    for (const [, chunk] of code.matchAll(CHUNK_REFERENCE)) {
      const url = new URL(`/_next/${chunk}`, baseUrl);
      if (seen.has(url.pathname)) continue;
      seen.add(url.pathname);
      const fetched = await fetchAsset(url);
      lazy.push(fetched.asset);
      queue.push(fetched.text);
    }
  }

  const css = await Promise.all(found.css.map(async (href) => (await fetchAsset(new URL(href, baseUrl))).asset));
  return {
    page,
    scripts: scripts.sort(bySize),
    totalBytes: sum(scripts, "bytes"),
    totalGzipBytes: sum(scripts, "gzipBytes"),
    noModule: found.noModule,
    lazy: lazy.sort(bySize),
    css,
    html: asset(new URL(page, baseUrl), Buffer.from(html)),
  };
}

/** Kilobytes (1000 bytes, as Next.js and Lighthouse count them), one decimal. */
export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** Null when `weight` is within its budget, else a message that says what grew and what to do. */
export function overBudget({ weight, budget }: { weight: PageWeight; budget: PerfBudget }): string | null {
  const limit = budget.pages[weight.page]?.firstLoadJsGzipBytes;
  if (limit === undefined) return `perf-budget.json has no budget for ${weight.page}`;
  if (weight.totalGzipBytes <= limit) return null;
  const over = weight.totalGzipBytes - limit;
  const largest = weight.scripts.slice(0, 5).map((s) => `  ${kB(s.gzipBytes).padStart(9)}  ${s.path}`);
  return [
    `${weight.page} loads ${kB(weight.totalGzipBytes)} of JavaScript (gzip) on first load: ${kB(over)} (${((over / limit) * 100).toFixed(1)}%) over its budget of ${kB(limit)}.`,
    `Its largest files:`,
    ...largest,
    `Find what grew (a new dependency in a client component, a module that should be loaded with import() on demand) with \`npm run bench:weight\`.`,
    `If the growth is worth it, raise pages["${weight.page}"].firstLoadJsGzipBytes in perf-budget.json to the new figure plus about 5% ` +
      `(${Math.ceil((weight.totalGzipBytes * 1.05) / 1000) * 1000}), in the same commit, and say why there.`,
  ].join("\n");
}
