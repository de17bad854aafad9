import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { freshServerEnv } from "../support/fresh-env";
import type { PromptMessage } from "@/lib/ai/types";

// A reply that calls tools makes several provider calls; each step after the first is admitted on
// the same terms as the first (lib/chat/admission.ts, Ticket.extend): budgets across steps hold.

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

async function load(overrides: Record<string, string> = {}) {
  await freshServerEnv({ CHAT_MAX_CONCURRENT: "1", ...overrides });
  const { admitChat, tokenBudgetFor } = await import("@/lib/chat/admission");
  const { env } = await import("@/lib/env");
  return { admitChat, tokenBudgetFor, model: env().ai.defaultModel };
}

const prompt = (chars: number): PromptMessage[] => [
  { role: "system", content: "s" },
  { role: "user", content: "x".repeat(chars) },
];

describe("admission across the steps of one reply", () => {
  it("reserves each step against the daily tokens and settles the total the steps used", async () => {
    const { admitChat, tokenBudgetFor, model } = await load({ DAILY_TOKEN_BUDGET: "10000" });
    const ticket = await admitChat({ userId: "u1", model, messages: prompt(2_000), maxOutputTokens: 1_000 });
    expect((await tokenBudgetFor("u1")).used).toBeGreaterThan(3_000);
    await ticket.extend({ messages: prompt(4_000), maxOutputTokens: 1_000 });
    expect((await tokenBudgetFor("u1")).used).toBeGreaterThan(8_000);
    const budget = await ticket.settle({ status: "completed", usage: { inputTokens: 1_500, outputTokens: 300 }, usageReported: true, text: "ok" });
    expect(budget?.used).toBe(1_800);
  });

  it("refuses the next step once the budget is spent, with the error admission gives, and keeps the slot to the settle", async () => {
    const { admitChat, model } = await load({ DAILY_TOKEN_BUDGET: "5000" });
    const ticket = await admitChat({ userId: "u2", model, messages: prompt(2_000), maxOutputTokens: 3_000 });
    await expect(ticket.extend({ messages: prompt(2_000), maxOutputTokens: 3_000 })).rejects.toMatchObject({ code: "token_budget_exhausted" });
    // CHAT_MAX_CONCURRENT=1: the reply still holds its slot, so another reply is refused…
    await expect(admitChat({ userId: "u2", model, messages: prompt(10), maxOutputTokens: 10 })).rejects.toMatchObject({ code: "too_many_streams" });
    await ticket.settle({ status: "completed", usage: { inputTokens: 600, outputTokens: 100 }, usageReported: true, text: "ok" });
    // …until it settles.
    await expect(admitChat({ userId: "u2", model, messages: prompt(10), maxOutputTokens: 10 })).resolves.toBeDefined();
  });

  it("renews its own stream slot at the concurrency cap rather than refusing itself", async () => {
    const { admitChat, model } = await load();
    const ticket = await admitChat({ userId: "u3", model, messages: prompt(10), maxOutputTokens: 10 });
    await expect(ticket.extend({ messages: prompt(10), maxOutputTokens: 10 })).resolves.toBeUndefined();
    await expect(ticket.extend({ messages: prompt(10), maxOutputTokens: 10 })).resolves.toBeUndefined();
  });

  it("counts every step in the service's spend cap", async () => {
    // openai:gpt-4o-mini costs 0.15/0.60 USD per million tokens; a 0.01 USD cap is 16,666 output tokens.
    const { admitChat, model } = await load({
      AI_MODELS: "openai:gpt-4o-mini",
      OPENAI_API_KEY: `sk-proj-${randomBytes(24).toString("hex")}`,
      DAILY_SPEND_CAP_USD: "0.01",
    });
    const ticket = await admitChat({ userId: "u4", model, messages: prompt(100), maxOutputTokens: 10_000 });
    await ticket.extend({ messages: prompt(100), maxOutputTokens: 10_000 });
    await expect(ticket.extend({ messages: prompt(100), maxOutputTokens: 10_000 })).rejects.toMatchObject({ code: "spend_cap_reached" });
  });
});
