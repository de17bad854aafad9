import { describe, expect, it } from "vitest";
import { createUsageStore } from "@/lib/usage/store";

const store = () => createUsageStore({ kind: "memory", prefix: "t" }, { retentionDays: 90 });

describe("usage records in memory (lib/usage/store.ts)", () => {
  it("sums requests, tokens and cost per user and per day, and counts refusals by reason", async () => {
    const usage = store();
    await usage.record({ userKey: "u1", day: "2030-01-01", delta: { requests: 1, inputTokens: 10, outputTokens: 5, costMicroUsd: 7 } });
    await usage.record({ userKey: "u1", day: "2030-01-01", delta: { requests: 1, inputTokens: 1, outputTokens: 2, costMicroUsd: 3 } });
    await usage.record({ userKey: "u1", day: "2030-01-01", delta: { refused: "token_budget_exhausted" } });
    await usage.record({ userKey: "u2", day: "2030-01-01", delta: { refused: "rate_limited" } });
    await usage.record({ userKey: "u1", day: "2030-01-02", delta: { requests: 1 } });

    expect(await usage.readUser({ userKey: "u1", day: "2030-01-01" })).toEqual({
      requests: 2,
      inputTokens: 11,
      outputTokens: 7,
      costMicroUsd: 10,
      refusals: { token_budget_exhausted: 1 },
    });
    expect(await usage.readTotals("2030-01-01")).toEqual({
      requests: 2,
      inputTokens: 11,
      outputTokens: 7,
      costMicroUsd: 10,
      refusals: { token_budget_exhausted: 1, rate_limited: 1 },
    });
    expect((await usage.readTotals("2030-01-02")).requests).toBe(1);
    expect(await usage.readUser({ userKey: "nobody", day: "2030-01-01" })).toEqual({
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      costMicroUsd: 0,
      refusals: {},
    });
  });

  it("ranks the day's users by cost, highest first, refused-only users included", async () => {
    const usage = store();
    await usage.record({ userKey: "cheap", day: "2030-01-01", delta: { requests: 1, costMicroUsd: 1 } });
    await usage.record({ userKey: "dear", day: "2030-01-01", delta: { requests: 1, costMicroUsd: 500 } });
    await usage.record({ userKey: "refused", day: "2030-01-01", delta: { refused: "spend_cap_reached" } });
    expect(await usage.topUsers({ day: "2030-01-01", limit: 2 })).toEqual([
      { userKey: "dear", costMicroUsd: 500 },
      { userKey: "cheap", costMicroUsd: 1 },
    ]);
    expect((await usage.topUsers({ day: "2030-01-01", limit: 10 })).map((u) => u.userKey)).toContain("refused");
  });

  it("hands out copies: a caller cannot change the records", async () => {
    const usage = store();
    await usage.record({ userKey: "u1", day: "2030-01-01", delta: { requests: 1 } });
    const record = await usage.readUser({ userKey: "u1", day: "2030-01-01" });
    record.requests = 99;
    expect((await usage.readUser({ userKey: "u1", day: "2030-01-01" })).requests).toBe(1);
  });
});
