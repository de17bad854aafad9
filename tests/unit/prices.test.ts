import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { costMicroUsd, LIST_PRICES, parsePriceList } from "@/lib/config/prices";

describe("parsePriceList", () => {
  it("parses provider:model=IN/OUT entries in USD per million tokens", () => {
    expect(parsePriceList("openai:gpt-4o-mini=0.15/0.60,anthropic:claude-sonnet-4-6=3/15")).toEqual({
      "openai:gpt-4o-mini": { inputPerMTok: 0.15, outputPerMTok: 0.6 },
      "anthropic:claude-sonnet-4-6": { inputPerMTok: 3, outputPerMTok: 15 },
    });
  });

  it("accepts model names of local servers and free models at 0/0", () => {
    expect(parsePriceList("openai:llama3.2:3b=0/0,openai:meta-llama/Llama-3.1-8B=0.000001/123456.5")).toEqual({
      "openai:llama3.2:3b": { inputPerMTok: 0, outputPerMTok: 0 },
      "openai:meta-llama/Llama-3.1-8B": { inputPerMTok: 0.000001, outputPerMTok: 123456.5 },
    });
  });

  it("ignores spaces around and inside entries, and empty entries", () => {
    expect(parsePriceList(" openai:gpt-4o = 2.5 / 10 , , demo:demo=0/0 ,")).toEqual({
      "openai:gpt-4o": { inputPerMTok: 2.5, outputPerMTok: 10 },
      "demo:demo": { inputPerMTok: 0, outputPerMTok: 0 },
    });
    expect(parsePriceList("")).toEqual({});
    expect(parsePriceList(" , ")).toEqual({});
  });

  it("lets a later entry for the same model win", () => {
    expect(parsePriceList("demo:demo=1/1,demo:demo=2/2")).toEqual({ "demo:demo": { inputPerMTok: 2, outputPerMTok: 2 } });
  });

  it.each([
    ["gpt-4o-mini=0.15/0.60", 1],
    ["openai:gpt-4o=2.5/10,openai:gpt-4o-mini", 2],
    ["openai:gpt-4o=2.5/10,demo:demo=0/0,openai:x=1", 3],
    ["openai:x=-1/2", 1],
    ["openai:x=1/2/3", 1],
    ["openai:x=1e3/2", 1],
    ["openai:x=.5/2", 1],
    ["openai:x=1./2", 1],
    ["openai:x=1234567/2", 1],
    ["openai:x=1.1234567/2", 1],
    ["openai:x=abc/def", 1],
    ["OpenAI:x=1/2", 1],
    ["openai:=1/2", 1],
    ["openai:-x=1/2", 1],
    ["=1/2", 1],
  ])("refuses %j, naming entry %i", (text, position) => {
    expect(parsePriceList(text)).toBe(`entry ${position} must look like openai:gpt-4o-mini=0.15/0.60 (USD per million input/output tokens)`);
  });

  it("never quotes the bad entry: a key pasted here must not reach the logs", () => {
    const key = "sk-" + "proj-" + randomBytes(30).toString("base64url");
    const result = parsePriceList(`demo:demo=0/0,${key}`);
    expect(typeof result).toBe("string");
    expect(result).not.toContain(key);
    expect(result).toMatch(/^entry 2 /);
  });

  it("has a price for every default model and for the demo model", () => {
    for (const id of ["openai:gpt-4o-mini", "anthropic:claude-sonnet-4-6", "demo:demo"]) expect(LIST_PRICES[id], id).toBeDefined();
    expect(LIST_PRICES["demo:demo"]).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
  });
});

describe("costMicroUsd", () => {
  it("is the cost in millionths of a dollar: USD per million tokens × tokens", () => {
    // 1M input at $3/M and 1M output at $15/M: $18 = 18 000 000 µ$.
    expect(costMicroUsd({ inputPerMTok: 3, outputPerMTok: 15 }, { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(18_000_000);
    // 1 000 input at $2.50/M = 2 500 µ$; 500 output at $10/M = 5 000 µ$.
    expect(costMicroUsd({ inputPerMTok: 2.5, outputPerMTok: 10 }, { inputTokens: 1_000, outputTokens: 500 })).toBe(7_500);
    expect(costMicroUsd({ inputPerMTok: 3, outputPerMTok: 15 }, { inputTokens: 1, outputTokens: 1 })).toBe(18);
  });

  it("is a whole number, rounded up, so that a fraction of a micro-dollar is never lost", () => {
    // 1 token at $0.15/M is 0.15 µ$: rounded up to 1.
    expect(costMicroUsd({ inputPerMTok: 0.15, outputPerMTok: 0.6 }, { inputTokens: 1, outputTokens: 0 })).toBe(1);
    // 0.15 × 7 + 0.6 × 3 = 2.85 µ$ → 3.
    expect(costMicroUsd({ inputPerMTok: 0.15, outputPerMTok: 0.6 }, { inputTokens: 7, outputTokens: 3 })).toBe(3);
    for (let i = 0; i < 200; i++) {
      const price = { inputPerMTok: Math.round(Math.random() * 1e6) / 1e4, outputPerMTok: Math.round(Math.random() * 1e6) / 1e4 };
      const usage = { inputTokens: Math.floor(Math.random() * 200_000), outputTokens: Math.floor(Math.random() * 20_000) };
      const cost = costMicroUsd(price, usage);
      expect(Number.isInteger(cost)).toBe(true);
      const exact = usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok;
      expect(cost).toBeGreaterThanOrEqual(exact - 1e-6);
      expect(cost).toBeLessThan(exact + 1);
    }
  });

  it("is zero for free models and for no tokens", () => {
    expect(costMicroUsd({ inputPerMTok: 0, outputPerMTok: 0 }, { inputTokens: 123_456, outputTokens: 7_890 })).toBe(0);
    expect(costMicroUsd({ inputPerMTok: 3, outputPerMTok: 15 }, { inputTokens: 0, outputTokens: 0 })).toBe(0);
  });

  it("keeps sums exact: adding costs gives the same integer as the store's INCRBY would", () => {
    const price = LIST_PRICES["openai:gpt-4o-mini"];
    if (!price) throw new Error("missing list price");
    let total = 0;
    for (let i = 0; i < 1_000; i++) total += costMicroUsd(price, { inputTokens: 1_000, outputTokens: 300 });
    // 1 000 × 0.15 + 300 × 0.6 = 330 µ$ per call.
    expect(total).toBe(330_000);
    expect(Number.isSafeInteger(total)).toBe(true);
  });
});
