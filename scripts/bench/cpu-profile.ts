/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --cpu-prof DIR`): self
 * and inclusive time per function and self time per source module, with the production build's
 * compiled chunks mapped back to their sources (lib/…, node_modules/<package>) through the chunks'
 * source maps. Idle time is left out of the percentages.
 *
 *   npx tsx scripts/bench/cpu-profile.ts FILE.cpuprofile [--top 30] [--timeline] [--window FROM-TO]
 * --timeline prints busy milliseconds per 100 ms of the profile; --window keeps only the samples
 * between FROM and TO ms after the profile started (e.g. one cold chat, found with --timeline).
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const file = url.startsWith("file://") ? fileURLToPath(url) : url;
      if (file.includes("/.next/") && existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url) ?? null;
}

/** Where a frame's code came from: `lib/…:line`, `node_modules/pkg/…`, `node:internal/…`, or a V8 pseudo-frame. */
function locate(frame: CallFrame): { file: string; line: number } {
  if (!frame.url) return { file: frame.functionName || "(native)", line: 0 };
  const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  const source = entry && "originalSource" in entry ? entry.originalSource : undefined;
  const raw = source ?? frame.url;
  const file = raw
    .replace(/^file:\/\//, "")
    .replace(/^turbopack:\/\/\/\[project\]\//, "")
    .replace(/^.*?\/(node_modules\/)/, "$1")
    .replace(/^.*\/work\/[^/]+\//, "");
  return { file, line: (source ? (entry as { originalLine: number }).originalLine : frame.lineNumber) + 1 };
}

/** The module a file belongs to: a package for node_modules, the file itself for the app's own code. */
function moduleOf(file: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/dist\/compiled\/([^/]+))?/.exec(file);
  if (pkg) return pkg[2] ? `${pkg[1]} (compiled ${pkg[2]})` : (pkg[1] as string);
  // Node's own code by area: web streams, fetch (undici), async_hooks (behind AsyncLocalStorage), net…
  if (file.startsWith("node:")) return file.replace(/^(node:(?:internal\/(?:deps\/)?)?[^/:]+).*$/, "$1");
  return file.replace(/:\d+$/, "");
}

/** Keeps the samples between `from` and `to` ms after the profile started. */
export function window({ profile, from, to }: { profile: Profile; from: number; to: number }): Profile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    if (at < from || at > to) return;
    samples.push(id);
    timeDeltas.push(profile.timeDeltas[i] ?? 0);
  });
  return { ...profile, samples, timeDeltas };
}

/** Busy (not idle) ms per 100 ms of the profile, one line per bucket that was busy at all. */
export function timeline(profile: Profile): string {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const buckets = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    at += ms;
    if (!idle.has(id)) buckets.set(Math.floor(at / 100), (buckets.get(Math.floor(at / 100)) ?? 0) + ms);
  });
  return [...buckets.entries()]
    .map(([b, ms]) => `${String(b * 100).padStart(7)} ms  ${ms.toFixed(0).padStart(4)} busy  ${"#".repeat(Math.round(ms / 5))}`)
    .join("\n");
}

export function summarise({ profile, top = 30 }: { profile: Profile; top?: number }): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfByNode = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);

  const located = new Map<number, { key: string; module: string }>();
  const keyOf = (id: number) => {
    let hit = located.get(id);
    if (!hit) {
      const frame = (byId.get(id) as ProfileNode).callFrame;
      const { file, line } = locate(frame);
      hit = { key: `${frame.functionName || "(anonymous)"}  ${file}${line ? `:${line}` : ""}`, module: frame.url ? moduleOf(file) : file };
      located.set(id, hit);
    }
    return hit;
  };

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  const ownInclusive = new Map<string, number>();
  // The profiler's own work (stopping and writing a profile) is not the server's.
  const profilerOwn = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)?.callFrame.url.includes("cpu-prof-hook")) return true;
    return false;
  };
  let busy = 0;
  for (const [id, ms] of selfByNode) {
    const { key, module } = keyOf(id);
    if (module === "(idle)" || profilerOwn(id)) continue;
    busy += ms;
    self.set(key, (self.get(key) ?? 0) + ms);
    modules.set(module, (modules.get(module) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const hit = keyOf(at);
      // The app's own files (lib/, app/): everything that ran beneath them, framework and I/O included.
      const own = /(?:^|\/)(?:lib|app)\/.*\.tsx?$/.test(hit.module) ? `module ${hit.module.replace(/^(\.\.\/)+/, "")}` : undefined;
      for (const k of own ? [hit.key, own] : [hit.key]) {
        if (seen.has(k)) continue;
        seen.add(k);
        (k === own ? ownInclusive : inclusive).set(k, ((k === own ? ownInclusive : inclusive).get(k) ?? 0) + ms);
      }
    }
  }
  const list = (title: string, values: Map<string, number>) =>
    [
      `${title}`,
      ...[...values.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${k}`),
    ].join("\n");
  return [
    `busy (not idle): ${busy.toFixed(0)} ms`,
    list("\nself time by module", modules),
    list("\nself time by function", self),
    list("\ninclusive time by function", inclusive),
    list("\ninclusive time by app module (lib/, app/)", ownInclusive),
  ].join("\n");
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: npx tsx scripts/bench/cpu-profile.ts FILE.cpuprofile [--top N]");
  const flag = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  let profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  if (process.argv.includes("--timeline")) console.log(`${timeline(profile)}\n`);
  const span = flag("--window")?.split("-").map(Number);
  if (span) profile = window({ profile, from: span[0] ?? 0, to: span[1] ?? Infinity });
  console.log(summarise({ profile, top: Number(flag("--top") ?? 30) }));
}
