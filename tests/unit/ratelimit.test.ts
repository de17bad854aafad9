import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemorySlidingWindow } from "@/lib/ratelimit/memory";
import { POLICIES, type PolicyName } from "@/lib/ratelimit/policies";
import { parseEnv } from "@/lib/config/schema";
import { errorHeaders } from "@/lib/http/errors";

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** Calls `limit` n times and returns whether each call was allowed. */
async function hits(limiter: MemorySlidingWindow, identifier: string, n: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((await limiter.limit(identifier)).success);
  return out;
}

describe("MemorySlidingWindow", () => {
  it("allows the configured number of requests, then refuses", async () => {
    const clock = manualClock(10_000);
    const limiter = new MemorySlidingWindow({ requests: 3, windowMs: 1_000, now: clock.now });
    expect(await hits(limiter, "user-1", 5)).toEqual([true, true, true, false, false]);
  });

  it("counts remaining requests down to zero and reports the limit", async () => {
    const clock = manualClock(10_000);
    const limiter = new MemorySlidingWindow({ requests: 3, windowMs: 1_000, now: clock.now });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.limit("user-1"));
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results.every((r) => r.limit === 3)).toBe(true);
  });

  it("reports the end of the current fixed window as the reset time", async () => {
    const clock = manualClock(10_250);
    const limiter = new MemorySlidingWindow({ requests: 1, windowMs: 1_000, now: clock.now });
    expect((await limiter.limit("u")).reset).toBe(11_000);
    expect((await limiter.limit("u")).reset).toBe(11_000);
    clock.set(11_000);
    expect((await limiter.limit("u")).reset).toBe(12_000);
  });

  it("slides: the previous window still counts, weighted by how much of it overlaps", async () => {
    const clock = manualClock(0);
    const limiter = new MemorySlidingWindow({ requests: 4, windowMs: 1_000, now: clock.now });
    expect(await hits(limiter, "u", 4)).toEqual([true, true, true, true]);

    // Just after the fixed window turns over, the previous window overlaps (almost) fully: still blocked.
    clock.set(1_000);
    expect(await hits(limiter, "u", 1)).toEqual([false]);

    // Half-way through: the previous 4 weigh floor(4 × 0.5) = 2, leaving room for 2.
    clock.set(1_500);
    expect(await hits(limiter, "u", 3)).toEqual([true, true, false]);

    // Three quarters in: the previous 4 weigh floor(4 × 0.25) = 1; with 2 made this window, 1 is left.
    clock.set(1_750);
    expect(await hits(limiter, "u", 2)).toEqual([true, false]);
  });

  it("does not let a burst straddle the window edge (no double quota at the boundary)", async () => {
    const clock = manualClock(999);
    const limiter = new MemorySlidingWindow({ requests: 5, windowMs: 1_000, now: clock.now });
    expect((await hits(limiter, "u", 5)).every(Boolean)).toBe(true);
    clock.set(1_001);
    // A fixed window would allow 5 more here; the sliding window still counts floor(5 × 0.999) = 4.
    expect(await hits(limiter, "u", 5)).toEqual([true, false, false, false, false]);
  });

  it("does not count refused requests, and restores the full quota after two quiet windows", async () => {
    const clock = manualClock(0);
    const limiter = new MemorySlidingWindow({ requests: 2, windowMs: 1_000, now: clock.now });
    await hits(limiter, "u", 12); // 2 allowed, 10 refused
    clock.set(1_999); // previous window weighs floor(2 × 0.001) = 0
    expect(await hits(limiter, "u", 3)).toEqual([true, true, false]);
    clock.set(5_000);
    const fresh = await limiter.limit("u");
    expect(fresh).toMatchObject({ success: true, remaining: 1 });
  });

  it("keeps a separate counter per identifier (per user)", async () => {
    const clock = manualClock(0);
    const limiter = new MemorySlidingWindow({ requests: 2, windowMs: 60_000, now: clock.now });
    expect(await hits(limiter, "alice", 3)).toEqual([true, true, false]);
    expect(await hits(limiter, "bob", 2)).toEqual([true, true]);
    expect(await hits(limiter, "alice", 1)).toEqual([false]);
  });

  it("bounds memory with maxKeys, forgetting the least recently used identifier first", async () => {
    const clock = manualClock(0);
    const limiter = new MemorySlidingWindow({ requests: 2, windowMs: 60_000, now: clock.now, maxKeys: 2 });
    await limiter.limit("a");
    await limiter.limit("b");
    await limiter.limit("a"); // a is now at its limit and the most recently used
    await limiter.limit("c"); // a third key: b, the least recently used, is forgotten
    expect(await hits(limiter, "a", 1)).toEqual([false]); // a was kept
    expect((await limiter.limit("b")).remaining).toBe(1); // b starts afresh

    for (let i = 0; i < 1_000; i++) await limiter.limit(`flood-${i}`);
    const windows = (limiter as unknown as { windows: Map<string, unknown> }).windows;
    expect(windows.size).toBeLessThanOrEqual(2);
  });

  it("uses the real clock when none is injected", async () => {
    const limiter = new MemorySlidingWindow({ requests: 1, windowMs: 86_400_000 });
    const result = await limiter.limit("u");
    expect(result.success).toBe(true);
    expect(result.reset).toBeGreaterThan(Date.now() - 1);
  });
});

describe("rate limit policies", () => {
  it("gives every policy its own key prefix, so no two share a counter", () => {
    const prefixes = Object.values(POLICIES).map((p) => p.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const prefix of prefixes) expect(prefix).toMatch(/^rl:/);
    // No prefix is a prefix of another's key space ("rl:signin" would collide with "rl:signin:ip").
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(`${a}:`)).toBe(false);
  });

  it("takes each policy's limit from its own variable", () => {
    const env = parseEnv({
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
      GITHUB_ID: "Iv1.abc",
      GITHUB_SECRET: randomBytes(20).toString("hex"),
      CHAT_RATE_LIMIT: "7/1m",
      SIGNIN_RATE_LIMIT_IP: "11/1h",
      SIGNIN_RATE_LIMIT_ACCOUNT: "3/1d",
    });
    const spec = (name: PolicyName) => POLICIES[name].spec(env);
    expect(spec("chat")).toMatchObject({ requests: 7, windowMs: 60_000 });
    expect(spec("signInPerIp")).toMatchObject({ requests: 11, windowMs: 3_600_000 });
    expect(spec("signInPerAccount")).toMatchObject({ requests: 3, windowMs: 86_400_000 });
  });
});

describe("enforceLimit (lib/ratelimit/limiter.ts)", () => {
  const baseEnv = () => {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("NEXTAUTH_SECRET", randomBytes(24).toString("hex"));
    vi.stubEnv("GITHUB_ID", "Iv1.abc");
    vi.stubEnv("GITHUB_SECRET", randomBytes(20).toString("hex"));
    vi.stubEnv("AI_MODELS", "demo:demo");
    vi.stubEnv("CHAT_RATE_LIMIT", "2/1d");
    vi.stubEnv("SIGNIN_RATE_LIMIT_IP", "5/1d");
    vi.stubEnv("UPSTASH_REDIS_REST_URL", undefined);
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", undefined);
  };
  /** A fresh limiter module (its limiters, the store and the parsed env are process state), with its ApiError class. */
  const loadLimiter = async () => {
    (await import("@/lib/singleton")).resetProcessSingletonsForTests();
    vi.resetModules();
    const { ApiError } = await import("@/lib/errors");
    return { ...(await import("@/lib/ratelimit/limiter")), ApiError };
  };

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("answers 429 with Retry-After once a user's limit is spent, keyed per policy", async () => {
    baseEnv();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T06:00:00Z"));
    const { enforceLimit, ApiError } = await loadLimiter();

    const first = await enforceLimit({ policy: "chat", identifier: "user-1" });
    expect(first).toEqual({ "RateLimit-Limit": "2", "RateLimit-Remaining": "1", "RateLimit-Reset": String(18 * 3600) });
    await enforceLimit({ policy: "chat", identifier: "user-1" });

    const refusal = await enforceLimit({ policy: "chat", identifier: "user-1" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ApiError);
    const apiError = refusal as InstanceType<typeof ApiError>;
    expect(apiError.status).toBe(429);
    expect(apiError.code).toBe("rate_limited");
    expect(apiError.extra.retryAfterSeconds).toBe(18 * 3600);
    expect(errorHeaders(apiError)).toMatchObject({ "Retry-After": String(18 * 3600), "RateLimit-Remaining": "0" });

    // Another user, and the same identifier under another policy, are untouched.
    await expect(enforceLimit({ policy: "chat", identifier: "user-2" })).resolves.toBeDefined();
    await expect(enforceLimit({ policy: "signInPerIp", identifier: "user-1" })).resolves.toMatchObject({ "RateLimit-Limit": "5" });
  });

  it("fails closed: an unreachable shared store refuses the request with 503", async () => {
    baseEnv();
    vi.stubEnv("UPSTASH_REDIS_REST_URL", "http://127.0.0.1:9");
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", randomBytes(20).toString("hex"));
    vi.stubEnv("CONVERSATION_ENCRYPTION_KEY", randomBytes(32).toString("base64"));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { checkLimit, ApiError } = await loadLimiter();

    const failure = await checkLimit({ policy: "chat", identifier: "user-1" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: "store_unavailable", status: 503 });
    const logged = stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
    // The store was really tried (and failed), not refused earlier by a configuration error.
    expect(logged).toContain('"event":"store.operation_failed","op":"ratelimit.chat"');
  });

  it("rateLimitHeaders rounds the reset up to whole seconds and never goes negative", async () => {
    baseEnv();
    const { rateLimitHeaders } = await loadLimiter();
    expect(rateLimitHeaders({ success: true, limit: 5, remaining: 3, reset: 10_001 }, 8_000)).toEqual({
      "RateLimit-Limit": "5",
      "RateLimit-Remaining": "3",
      "RateLimit-Reset": "3",
    });
    expect(rateLimitHeaders({ success: false, limit: 5, remaining: -1, reset: 1_000 }, 8_000)).toMatchObject({
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": "0",
    });
  });
});

describe("formatWait", () => {
  it("says seconds for short waits and whole minutes, rounded up, for long ones", async () => {
    const { formatWait } = await import("../../lib/ratelimit/format-wait");
    expect(formatWait(1)).toBe("1 s");
    expect(formatWait(119)).toBe("119 s");
    expect(formatWait(120)).toBe("2 min");
    expect(formatWait(3_599)).toBe("60 min");
  });
});
