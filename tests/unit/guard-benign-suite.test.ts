import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_INPUT_GUARDS, guardInput } from "@/lib/guard/input";

// The benign regression suite: more than a thousand ordinary requests (creative writing, games and
// role-play for fun, code, security and IT questions, everyday tasks, sentences that use "ignore",
// "password", "instructions", "system", "override"…, long pasted documents, twenty languages). It was
// written for this test by someone who did not see the training data, and the detector never learns
// from it (scripts/lib/injection-corpus.ts keeps it out). The product must never block one of them,
// and may flag (audit, still answer) at most 1 %.

type Row = { text: string; category: string; lang: string };
const rows = readFileSync(new URL("fixtures/benign-requests.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Row);

const verdicts = rows.map((row) => ({ row, injection: guardInput({ text: row.text, history: [], config: DEFAULT_INPUT_GUARDS }).injection }));
const describeRow = ({ row, injection }: (typeof verdicts)[number]) =>
  `[${row.category}/${row.lang}] score ${injection?.score.toFixed(3)} ${JSON.stringify(injection?.signals)}: ${JSON.stringify(row.text.slice(0, 120))}`;

describe("the benign regression suite", () => {
  it("is large and varied enough to mean something", () => {
    expect(rows.length).toBeGreaterThanOrEqual(1_000);
    expect(new Set(rows.map((r) => r.category)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(rows.map((r) => r.lang)).size).toBeGreaterThanOrEqual(15);
    expect(rows.filter((r) => r.text.length > 1_000).length).toBeGreaterThanOrEqual(50);
  });

  it("blocks none of them", () => {
    const blocked = verdicts.filter((v) => v.injection?.verdict === "block");
    expect(blocked.map(describeRow)).toEqual([]);
  });

  it("flags at most 1 % of them", () => {
    const flagged = verdicts.filter((v) => v.injection?.verdict === "flag");
    expect(flagged.length, flagged.map(describeRow).join("\n")).toBeLessThanOrEqual(Math.floor(rows.length * 0.01));
  });
});
