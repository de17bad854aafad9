import { describe, expect, it } from "vitest";
import { decodeTagSmuggling, normalizeInput } from "@/lib/guard/normalize";
import { ENTITY_TYPES, findEntities, PlaceholderMap, PlaceholderRestorer } from "@/lib/guard/pii";
import { fill, HOSTILE_PII, HOSTILE_UNICODE } from "../../scripts/lib/hostile-inputs";
import { cpuNow } from "../support/cpu-clock";

// Each should take well under a second (npm run eval:guards times them); the bound is loose so a busy
// machine never flakes, and still far below what a catastrophically backtracking pattern takes.
const LIMIT_MS = 5_000;
const HOSTILE = HOSTILE_PII;

describe("linear time on 1 MB of hostile input", () => {
  it.each(HOSTILE)("findEntities: %s", (_, text) => {
    const started = cpuNow();
    findEntities(text, { types: ENTITY_TYPES });
    expect(cpuNow() - started).toBeLessThan(LIMIT_MS);
  });

  it.each(HOSTILE.slice(0, 8))("PlaceholderMap.redact and restore: %s", (_, text) => {
    const started = cpuNow();
    const map = new PlaceholderMap();
    map.restore(map.redact(text).text);
    expect(cpuNow() - started).toBeLessThan(LIMIT_MS);
  });

  it("redacts 1 MB of real entities and restores it exactly", () => {
    const text = fill("mail jane@example.com or call 415-555-2671 from 10.1.2.3; ");
    const started = cpuNow();
    const map = new PlaceholderMap();
    const redacted = map.redact(text);
    expect(redacted.text).not.toContain("jane@example.com");
    expect(map.restore(redacted.text)).toBe(text);
    expect(cpuNow() - started).toBeLessThan(LIMIT_MS);
  });

  it("PlaceholderRestorer: 1 MB of near-placeholders in 7-character chunks", () => {
    const map = new PlaceholderMap();
    map.redact("jane@example.com");
    const text = fill("[EMAIL_1 [SECRET_ [EMAIL_1] [");
    const started = cpuNow();
    const restorer = new PlaceholderRestorer(map);
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 7) out.push(restorer.push(text.slice(i, i + 7)));
    out.push(restorer.end());
    expect(cpuNow() - started).toBeLessThan(LIMIT_MS);
    expect(out.join("")).toBe(map.restore(text));
  });

  it.each(HOSTILE_UNICODE)("normalizeInput and decodeTagSmuggling: %s", (_, text) => {
    const started = cpuNow();
    normalizeInput(text);
    decodeTagSmuggling(text);
    expect(cpuNow() - started).toBeLessThan(LIMIT_MS);
  });
});
