/**
 * `npm run layers`: the structure's figures (scripts/lib/layers.ts): folder cycles, pairs of folders
 * that import each other, imports that point up a layer, and the largest files.
 * tests/unit/layers.test.ts holds every figure but the last at zero.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { folderFigures, importGraph, LAYERS, layerOf, sourceFiles, upwardImports } from "./lib/layers";

const ROOT = path.resolve(__dirname, "..");

const files = sourceFiles(ROOT);
const graph = importGraph(ROOT, files);
const upward = upwardImports(graph);
const { mutualPairs, cycles } = folderFigures(graph);
const styles = ["app", "components"].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".css"))
    .map((f) => path.posix.join(dir, f)),
);
const lines = [...files, ...styles].map((f) => ({ f, n: readFileSync(path.join(ROOT, f), "utf8").split("\n").length })).sort((a, b) => b.n - a.n);
console.log(`layers, lowest first: ${LAYERS.map((l) => l.name).join(" → ")}`);
console.log(`${files.length} files, ${[...graph.values()].reduce((n, t) => n + t.length, 0)} imports`);
console.log(`folder cycles: ${cycles.length}${cycles.map((c) => `\n  ${c.length} folders: ${c.join(", ")}`).join("")}`);
console.log(`folders importing each other: ${mutualPairs.length}${mutualPairs.map((p) => `\n  ${p}`).join("")}`);
const byLayerPair = new Map<string, number>();
for (const edge of upward) {
  const [from, to] = edge.split(" → ") as [string, string];
  const key = `${LAYERS[layerOf(from)]!.name} → ${LAYERS[layerOf(to)]!.name}`;
  byLayerPair.set(key, (byLayerPair.get(key) ?? 0) + 1);
}
console.log(
  `upward imports: ${upward.length}${[...byLayerPair]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `\n  ${n} ${k}`)
    .join("")}`,
);
console.log(
  `largest files:${lines
    .slice(0, 5)
    .map(({ f, n }) => `\n  ${n} ${f}`)
    .join("")}`,
);
