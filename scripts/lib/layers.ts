/**
 * The layers of the code, lowest first, and the import graph that checks them. A file may import
 * from its own layer and the ones below it; an import that points up a layer is what makes a change
 * in a low layer ripple everywhere, and what ties folders into import cycles.
 *
 * Used by tests/unit/layers.test.ts (no import up a layer, no import cycle between folders) and by
 * `npm run layers` (the figures: folder cycles, pairs of folders importing each other, upward
 * imports, largest files).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export type Layer = { name: string; paths: string[] };

/** Lowest first. A path ending in "/" is a folder; anything else is one file. */
export const LAYERS: Layer[] = [
  {
    name: "foundation",
    paths: [
      "lib/errors.ts",
      "lib/zod-error.ts",
      "lib/singleton.ts",
      "lib/client-ip.ts",
      "lib/wire.ts",
      "lib/format-bytes.ts",
      "lib/env.ts",
      "lib/config/",
      "lib/log/",
      "lib/crypto/",
    ],
  },
  { name: "pure logic", paths: ["lib/ai/", "lib/guard/", "lib/markdown/"] },
  { name: "store backend", paths: ["lib/store/", "lib/net/"] },
  {
    name: "domains",
    paths: [
      "lib/audit/",
      "lib/alerts/",
      "lib/ratelimit/",
      "lib/conversations/",
      "lib/notes/",
      "lib/usage/",
      "lib/accounts/",
      "lib/api-keys/",
      "lib/provider-keys/",
      "lib/auth/",
      "lib/admin/",
    ],
  },
  { name: "tools", paths: ["lib/tools/", "lib/documents/"] },
  { name: "provider clients", paths: ["lib/providers/"] },
  { name: "reply pipeline", paths: ["lib/chat/", "lib/relay/", "lib/startup.ts"] },
  { name: "HTTP", paths: ["lib/http/"] },
  { name: "app", paths: ["app/", "components/", "proxy.ts", "instrumentation.ts"] },
];

const SOURCE = /\.(ts|tsx)$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?\sfrom\s+["']([^"']+)["']|(?:^|[\s;(=])import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm;

/** Every .ts and .tsx file of the app (lib/, app/, components/ and the two root files), relative to `root`. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(root, dir))) {
      const rel = path.posix.join(dir, name);
      if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
      else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(rel);
    }
  };
  for (const dir of ["lib", "app", "components"]) walk(dir);
  for (const file of ["proxy.ts", "instrumentation.ts"]) if (existsSync(path.join(root, file))) out.push(file);
  return out.sort();
}

/** The files a source imports from this project (relative and `@/` specifiers), as paths relative to the root. */
export function importsOf(file: string, text: string, exists: (rel: string) => boolean): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? "";
    let base: string;
    if (spec.startsWith("@/")) base = spec.slice(2);
    else if (spec.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    else continue;
    const target = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((candidate) => SOURCE.test(candidate) && exists(candidate));
    if (target) found.add(target);
  }
  return [...found].sort();
}

export function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.paths.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p)));
  if (index < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS in scripts/lib/layers.ts`);
  return index;
}

/** `lib/store`, `lib/env`, `app`: the unit the folder-level figures count. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] !== "lib") return parts[0]!;
  return parts.length > 2 ? `lib/${parts[1]}` : `lib/${parts[1]!.replace(/\.tsx?$/, "")}`;
}

export type Graph = Map<string, string[]>;

export function importGraph(root: string, files = sourceFiles(root)): Graph {
  const known = new Set(files);
  return new Map(files.map((file) => [file, importsOf(file, readFileSync(path.join(root, file), "utf8"), (rel) => known.has(rel))]));
}

/** Each import that points to a higher layer, as `from → to`. */
export function upwardImports(graph: Graph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) if (layerOf(to) > layerOf(from)) out.push(`${from} → ${to}`);
  }
  return out.sort();
}

/** Folders that import each other, directly, and the folder cycles (strongly connected sets of more than one). */
export function folderFigures(graph: Graph): { mutualPairs: string[]; cycles: string[][] } {
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
  }
  const mutualPairs = [...edges].flatMap(([a, to]) => [...to].filter((b) => a < b && edges.get(b)?.has(a)).map((b) => `${a} ⇄ ${b}`)).sort();

  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return { mutualPairs, cycles };
}
