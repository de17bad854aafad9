/**
 * The layers of scripts/lib/layers.ts: no import may point up a layer, except the ones recorded in
 * scripts/lib/layers-baseline.json, which may only go away (issue 18 removes them).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { folderFigures, importGraph, importsOf, layerOf, sourceFiles, upwardImports, type Graph } from "../../scripts/lib/layers";

const ROOT = path.resolve(__dirname, "../..");
const baseline = (JSON.parse(readFileSync(path.join(ROOT, "scripts/lib/layers-baseline.json"), "utf8")) as { upward: string[] }).upward;

describe("the layer check", () => {
  const graph = importGraph(ROOT);

  it("places every source file in a layer", () => {
    for (const file of sourceFiles(ROOT)) expect(() => layerOf(file), file).not.toThrow();
  });

  it("finds no import up a layer beyond the recorded ones, and every recorded one still exists (the list only shrinks)", () => {
    const upward = upwardImports(graph);
    expect(
      upward.filter((edge) => !baseline.includes(edge)),
      "new imports that point up a layer: move the code down, or the import's target",
    ).toEqual([]);
    expect(
      baseline.filter((edge) => !upward.includes(edge)),
      "gone: remove them from scripts/lib/layers-baseline.json (npm run layers -- --write-baseline)",
    ).toEqual([]);
  });

  it("fails on a planted upward import: configuration importing an HTTP wrapper", () => {
    const planted: Graph = new Map(graph);
    const file = "lib/config/limits.ts";
    const text = `${readFileSync(path.join(ROOT, file), "utf8")}\nimport { withUser } from "@/lib/http/with-user";\n`;
    planted.set(
      file,
      importsOf(file, text, (rel) => graph.has(rel)),
    );
    const fresh = upwardImports(planted).filter((edge) => !baseline.includes(edge));
    expect(fresh).toEqual(["lib/config/limits.ts → lib/http/with-user.ts"]);
  });

  it("reads every form of import: named, type-only, re-export, side effect, dynamic, relative and @/", () => {
    const text = [
      'import { a } from "./a";',
      'import type { B } from "../store/b";',
      'export { c } from "@/lib/log/c";',
      'import "../crypto/d";',
      'const e = await import("@/lib/http/e");',
      'import { z } from "zod";',
    ].join("\n");
    const exists = (rel: string) => ["lib/config/a.ts", "lib/store/b.ts", "lib/log/c.ts", "lib/crypto/d.ts", "lib/http/e.ts"].includes(rel);
    expect(importsOf("lib/config/x.ts", text, exists)).toEqual(["lib/config/a.ts", "lib/crypto/d.ts", "lib/http/e.ts", "lib/log/c.ts", "lib/store/b.ts"]);
  });

  it("counts the folder cycles and the folders importing each other (figures for npm run layers)", () => {
    const { cycles, mutualPairs } = folderFigures(graph);
    console.log(
      `[layers] ${cycles.length} folder cycle(s) (${cycles.map((c) => c.length).join(", ")} folders), ${mutualPairs.length} pairs of folders importing each other, ${upwardImports(graph).length} upward imports`,
    );
    expect(cycles.every((c) => c.length > 1)).toBe(true);
  });
});
