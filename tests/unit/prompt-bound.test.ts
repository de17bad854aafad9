import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildPrompt, newBoundary, promptTokenBound } from "@/lib/ai/prompt";
import type { PromptMessage } from "@/lib/ai/types";

const bytes = (messages: PromptMessage[]) => messages.reduce((n, m) => n + Buffer.byteLength(m.content, "utf8"), 0);
const user = (content: string): PromptMessage => ({ role: "user", content });

describe("promptTokenBound", () => {
  it("is at least the UTF-8 byte count of the prompt (a byte-level BPE token covers at least one byte)", () => {
    const prompt = buildPrompt({
      history: [
        { role: "user", content: "first question" },
        { role: "assistant", content: "first answer" },
      ],
      userText: "second question",
      boundary: newBoundary(),
    });
    expect(promptTokenBound(prompt)).toBeGreaterThanOrEqual(bytes(prompt));
    // One character per byte here, so the bound is above the character count too.
    expect(promptTokenBound(prompt)).toBeGreaterThanOrEqual(prompt.reduce((n, m) => n + m.content.length, 0));
  });

  it("counts multi-byte text by bytes, not by characters or UTF-16 units", () => {
    const cases: [string, number][] = [
      ["é", 2],
      ["€", 3],
      ["日本語のテキスト", 24],
      ["😀", 4], // one code point, two UTF-16 units, four bytes
      ["👩‍👩‍👧‍👦", 25], // a ZWJ family: one grapheme, seven code points
      ["a\u0000b", 3],
    ];
    for (const [text, size] of cases) {
      expect(Buffer.byteLength(text, "utf8"), text).toBe(size);
      const bound = promptTokenBound([user(text)]);
      expect(bound, text).toBeGreaterThanOrEqual(size);
      // Same framing for every message, so the difference between two texts is their difference in bytes.
      expect(bound - promptTokenBound([user("")]), text).toBe(size);
    }
    const cjk = "漢".repeat(1_000);
    expect(cjk.length).toBe(1_000);
    expect(promptTokenBound([user(cjk)])).toBeGreaterThanOrEqual(3_000);
  });

  it("adds framing for each message, so empty messages still count", () => {
    expect(promptTokenBound([])).toBe(0);
    const one = promptTokenBound([user("")]);
    expect(one).toBeGreaterThan(0);
    expect(promptTokenBound([user(""), { role: "assistant", content: "" }, { role: "system", content: "" }])).toBe(3 * one);
  });

  it("is additive over messages and grows with the text", () => {
    const a = user(randomBytes(300).toString("base64"));
    const b: PromptMessage = { role: "assistant", content: "ünïcödé ".repeat(50) };
    expect(promptTokenBound([a, b])).toBe(promptTokenBound([a]) + promptTokenBound([b]));
    expect(promptTokenBound([user("longer text")])).toBeGreaterThan(promptTokenBound([user("short")]));
  });

  it("is a whole number", () => {
    expect(Number.isInteger(promptTokenBound([user("😀 mixed ascii and 日本語")]))).toBe(true);
  });
});
