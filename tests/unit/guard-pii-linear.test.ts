import { describe, expect, it } from "vitest";
import { decodeTagSmuggling, normalizeInput } from "@/lib/guard/normalize";
import { ENTITY_TYPES, findEntities, PlaceholderMap, PlaceholderRestorer } from "@/lib/guard/pii";

/**
 * 1 MB inputs built to make a backtracking pattern take quadratic or exponential time: long runs a
 * pattern starts on at every position, separators that could be split many ways, openers with no
 * closer. Each should take well under a second; the bound is loose so a busy machine never flakes.
 */
const MB = 1_000_000;
const LIMIT_MS = 5_000;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const HOSTILE: [string, string][] = [
  ["EMAIL: 'a@' repeated", fill("a@")],
  ["EMAIL: one local part, then labels without a TLD", `a@${fill("a.")}`],
  ["EMAIL: local-part characters without '@'", fill("a.%+-_'")],
  ["EMAIL: hyphenated labels", `x@${fill("x-")}`],
  ["PHONE/CARD: a run of digits", fill("1")],
  ["PHONE/CARD: digits and spaces", fill("1 ")],
  ["PHONE/CARD: digits and dashes", fill("12-")],
  ["PHONE: parentheses", fill("(1) ")],
  ["PHONE: plus signs", fill("+1 ")],
  ["PHONE: extensions", fill("1 x")],
  ["IBAN: country codes and check digits", fill("GB00 ")],
  ["IBAN: one start, spaced characters", `GB82${fill(" W")}`],
  ["SSN: almost an SSN", fill("123-45-")],
  ["IP: dotted digits", fill("1.1.")],
  ["IP: colons", fill(":")],
  ["IP: hex and colons", fill("a:")],
  ["IP: hex, colons and dots", fill("f:1.")],
  ["SECRET: '-----BEGIN ' repeated", fill("-----BEGIN ")],
  // Assembled at run time, so no private-key header sits in the repository for scanners to trip on.
  ["SECRET: headers without footers", fill(`-----BEGIN ${["RSA", "PRIVATE", "KEY"].join(" ")}-----\n`)],
  ["SECRET: a header with a long type", `-----BEGIN ${fill("A ")}`],
  ["SECRET: base64url runs with dots", fill("eyJhbGciOi.")],
  ["SECRET: JWT-shaped fragments", fill("eyJaaaaaaaaaaaaaaaaaaaaa.")],
  ["SECRET: base64url run", `eyJ${fill("a-")}`],
  ["SECRET: 'sk-' repeated", fill("sk-")],
  ["SECRET: token prefixes", fill("ghp_AKIAAIzaxoxb-")],
  ["SECRET: URL schemes", fill("a://")],
  ["SECRET: URL credentials without '@'", `a://${fill("b:")}`],
  ["SECRET: dotted schemes", fill("a.a:/")],
  ["mixed: brackets and placeholders", fill("[EMAIL_1")],
];

describe("linear time on 1 MB of hostile input", () => {
  it.each(HOSTILE)("findEntities: %s", (_, text) => {
    const started = performance.now();
    findEntities(text, { types: ENTITY_TYPES });
    expect(performance.now() - started).toBeLessThan(LIMIT_MS);
  });

  it.each(HOSTILE.slice(0, 8))("PlaceholderMap.redact and restore: %s", (_, text) => {
    const started = performance.now();
    const map = new PlaceholderMap();
    map.restore(map.redact(text).text);
    expect(performance.now() - started).toBeLessThan(LIMIT_MS);
  });

  it("redacts 1 MB of real entities and restores it exactly", () => {
    const text = fill("mail jane@example.com or call 415-555-2671 from 10.1.2.3; ");
    const started = performance.now();
    const map = new PlaceholderMap();
    const redacted = map.redact(text);
    expect(redacted.text).not.toContain("jane@example.com");
    expect(map.restore(redacted.text)).toBe(text);
    expect(performance.now() - started).toBeLessThan(LIMIT_MS);
  });

  it("PlaceholderRestorer: 1 MB of near-placeholders in 7-character chunks", () => {
    const map = new PlaceholderMap();
    map.redact("jane@example.com");
    const text = fill("[EMAIL_1 [SECRET_ [EMAIL_1] [");
    const started = performance.now();
    const restorer = new PlaceholderRestorer(map);
    const out: string[] = [];
    for (let i = 0; i < text.length; i += 7) out.push(restorer.push(text.slice(i, i + 7)));
    out.push(restorer.end());
    expect(performance.now() - started).toBeLessThan(LIMIT_MS);
    expect(out.join("")).toBe(map.restore(text));
  });

  it.each([
    ["zero-width characters", fill("a\u200B")],
    ["tag characters", fill("\u{E0041}")],
    ["variation selectors and bidi controls", fill("a\uFE0F\uFE0F\u202E")],
    ["flag openers without a flag", fill("\u{1F3F4}\u{E0067}")],
  ])("normalizeInput and decodeTagSmuggling: %s", (_, text) => {
    const started = performance.now();
    normalizeInput(text);
    decodeTagSmuggling(text);
    expect(performance.now() - started).toBeLessThan(LIMIT_MS);
  });
});
