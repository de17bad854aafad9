/**
 * The layers of scripts/lib/layers.ts: no import points up a layer, and no two folders of lib/ import
 * each other, directly or round a longer loop. A change low in the stack then never needs one above it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { folderFigures, type Graph, importGraph, importsOf, layerOf, sourceFiles, upwardImports } from "../../scripts/lib/layers";

const ROOT = path.resolve(__dirname, "../..");

describe("the layer check", () => {
  const graph = importGraph(ROOT);

  it("places every source file in a layer", () => {
    for (const file of sourceFiles(ROOT)) expect(() => layerOf(file), file).not.toThrow();
  });

  it("finds no import that points up a layer", () => {
    expect(upwardImports(graph), "move the code down, or the import's target up (scripts/lib/layers.ts)").toEqual([]);
  });

  it("finds no import cycle between folders", () => {
    const { cycles, mutualPairs } = folderFigures(graph);
    expect(mutualPairs).toEqual([]);
    expect(cycles).toEqual([]);
  });

  it("fails on a planted upward import: configuration importing an HTTP wrapper", () => {
    const planted: Graph = new Map(graph);
    const file = "lib/config/limits.ts";
    const text = `${readFileSync(path.join(ROOT, file), "utf8")}\nimport { withUser } from "@/lib/http/with-user";\n`;
    planted.set(
      file,
      importsOf(file, text, (rel) => graph.has(rel)),
    );
    expect(upwardImports(planted)).toEqual(["lib/config/limits.ts → lib/http/with-user.ts"]);
    // …and closes a loop: HTTP already depends, through the layers below it, on configuration.
    expect(folderFigures(planted).cycles.some((cycle) => cycle.includes("lib/config") && cycle.includes("lib/http"))).toBe(true);
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
});
