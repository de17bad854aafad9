/**
 * Alerts (lib/alerts/) against a local webhook receiver: each alert is sent once per window however
 * many requests (concurrent ones included) report it, delivery is retried once on a 5xx, nothing is
 * posted without a webhook, and the webhook URL, a secret, never reaches the log.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { userKey } from "@/lib/store/keys";

type Hit = { contentType: string | undefined; body: unknown; status: number };

/** A Slack-style incoming webhook on 127.0.0.1 whose path is the secret, as Slack's are. */
const receiver = {
  server: undefined as Server | undefined,
  url: "",
  secret: randomBytes(16).toString("hex"),
  hits: [] as Hit[],
  /** Statuses for the next requests, in order; 200 once this runs out. */
  statuses: [] as number[],
  delayMs: 0,
  /** Texts of the requests answered 200. */
  delivered(): string[] {
    return this.hits.filter((h) => h.status === 200).map((h) => (h.body as { text: string }).text);
  },
};

beforeAll(async () => {
  receiver.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const status = req.url === `/services/T0/B0/${receiver.secret}` && req.method === "POST" ? (receiver.statuses.shift() ?? 200) : 404;
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        // recorded as null
      }
      receiver.hits.push({ contentType: req.headers["content-type"], body, status });
      if (receiver.delayMs) await sleep(receiver.delayMs);
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}/services/T0/B0/${receiver.secret}`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.server?.close(resolve));
});

type Write = typeof process.stdout.write;
let stdout: MockInstance<Write>;
let stderr: MockInstance<Write>;
const output = () => [...stdout.mock.calls, ...stderr.mock.calls].map(([chunk]) => String(chunk)).join("");

beforeEach(() => {
  receiver.hits = [];
  receiver.statuses = [];
  receiver.delayMs = 0;
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});

afterEach(() => {
  // Whatever happened in the test, the webhook's URL (its secret path) was never written anywhere.
  expect(output()).not.toContain(receiver.secret);
  expect(output()).not.toContain("/services/T0/B0");
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

/** Fresh modules over a fresh in-memory store, with the given alert settings. */
async function load(env: Record<string, string | undefined> = {}) {
  const settings: Record<string, string | undefined> = {
    NODE_ENV: "test",
    NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
    NEXTAUTH_URL: "https://chat.example.test",
    GITHUB_ID: "Iv1.abc",
    GITHUB_SECRET: randomBytes(20).toString("hex"),
    AI_MODELS: "demo:demo",
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    REDIS_URL: undefined,
    ALERT_WEBHOOK_URL: receiver.url,
    ...env,
  };
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
  (await import("@/lib/singleton")).resetProcessSingletonsForTests();
  vi.resetModules();
  const alerts = await import("@/lib/alerts/index");
  const stores = { ...(await import("@/lib/usage/store")), ...(await import("@/lib/audit/store")), ...(await import("@/lib/alerts/state")) };
  const alertEvents = async () => (await (await stores.auditLog()).recent({ limit: 100, kinds: ["alert."] })).reverse();
  return { ...alerts, stores, alertEvents };
}

const HEADER = "[Bulwark] chat.example.test: ";

describe("spend thresholds", () => {
  it("sends exactly one message per threshold as spend climbs through 50, 80 and 100% under concurrency", async () => {
    const { checkSpendThresholds, alertDeliveries, alertEvents } = await load();
    const cap = 20_000_000;
    const day = "2030-01-01";
    // Six waves of 20 concurrent settles each, every wave above the last, some past the cap.
    for (const level of [0.2, 0.45, 0.55, 0.79, 0.9, 1.02]) {
      const wave = Array.from({ length: 20 }, (_, i) => Math.round(cap * (level + i * 0.001)));
      await Promise.all(wave.map((spentMicroUsd) => checkSpendThresholds({ day, spentMicroUsd, capMicroUsd: cap })));
    }
    await alertDeliveries();
    const texts = receiver.delivered();
    expect(texts).toHaveLength(3);
    for (const pct of [50, 80, 100]) expect(texts.filter((t) => t.includes(`Spend reached ${pct}% of the daily cap`))).toHaveLength(1);
    expect(receiver.hits.every((h) => h.contentType === "application/json" && Object.keys(h.body as object).join() === "text")).toBe(true);

    // Later requests of the day, the refusal at the cap included, send nothing more.
    await Promise.all(Array.from({ length: 10 }, () => checkSpendThresholds({ day, spentMicroUsd: cap, capMicroUsd: cap })));
    await alertDeliveries();
    expect(receiver.hits).toHaveLength(3);
    const events = await alertEvents();
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.kind === "alert.sent" && e.reason === "delivered" && e.signals?.join() === "spend_threshold")).toBe(true);
  });

  it("says what was spent of what, on which day; a jump past two thresholds sends both; a new day starts over", async () => {
    const { checkSpendThresholds, alertDeliveries } = await load();
    await checkSpendThresholds({ day: "2030-01-02", spentMicroUsd: 16_020_000, capMicroUsd: 20_000_000 });
    await alertDeliveries();
    expect(receiver.delivered().sort()).toEqual([
      `${HEADER}Spend reached 50% of the daily cap: $16.02 of $20.00 (UTC day 2030-01-02).`,
      `${HEADER}Spend reached 80% of the daily cap: $16.02 of $20.00 (UTC day 2030-01-02).`,
    ]);
    await checkSpendThresholds({ day: "2030-01-03", spentMicroUsd: 10_000_000, capMicroUsd: 20_000_000 });
    await alertDeliveries();
    expect(receiver.delivered()).toHaveLength(3);
  });

  it("does not hold up the request while the webhook is slow", async () => {
    const { checkSpendThresholds, alertDeliveries } = await load();
    receiver.delayMs = 1_500;
    const started = performance.now();
    await checkSpendThresholds({ day: "2030-01-04", spentMicroUsd: 10, capMicroUsd: 10 });
    expect(performance.now() - started).toBeLessThan(500);
    await alertDeliveries();
    expect(receiver.delivered()).toHaveLength(3);
  });
});

describe("canary leaks", () => {
  it("a burst of 20 leaks from one user sends one message, naming the user only by hash", async () => {
    const { alertCanaryLeak, alertDeliveries, alertEvents } = await load();
    const userId = "credentials:alice@example.test";
    await Promise.all(Array.from({ length: 20 }, (_, i) => alertCanaryLeak({ userId, route: "/api/chat", requestId: `req-${i}` })));
    await alertDeliveries();
    const [text, ...rest] = receiver.delivered();
    expect(rest).toEqual([]);
    expect(text).toMatch(/^\[Bulwark\] chat\.example\.test: Canary leak: /);
    expect(text).toContain(userKey(userId));
    expect(text).not.toContain("alice");
    const [event] = await alertEvents();
    expect(event).toMatchObject({ kind: "alert.sent", user: userKey(userId), route: "/api/chat", signals: ["canary_leak"] });

    await alertCanaryLeak({ userId: "credentials:bob@example.test", route: "/api/chat", requestId: "req-b" });
    await alertDeliveries();
    expect(receiver.delivered()).toHaveLength(2);
  });

  it("alerts again once the dedup window (ALERT_DEDUP_MINUTES) has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T06:00:00Z"));
    const { alertCanaryLeak, alertDeliveries } = await load({ ALERT_DEDUP_MINUTES: "30" });
    const leak = () => alertCanaryLeak({ userId: "u1", route: "/api/chat", requestId: "r" });
    await leak();
    vi.setSystemTime(new Date("2030-01-01T06:29:00Z"));
    await leak();
    vi.setSystemTime(new Date("2030-01-01T06:31:00Z"));
    await leak();
    await alertDeliveries();
    expect(receiver.delivered()).toHaveLength(2);
  });
});

describe("repeated blocked injections", () => {
  it("none below ALERT_INJECTION_BLOCKS, one at it, still one after", async () => {
    const { noteInjectionBlock, alertDeliveries } = await load();
    const block = (userId: string, i: number) => noteInjectionBlock({ userId, route: "/api/chat", requestId: `req-${i}` });
    for (let i = 1; i <= 4; i++) await block("u1", i);
    await alertDeliveries();
    expect(receiver.hits).toEqual([]);
    await block("u1", 5);
    await alertDeliveries();
    expect(receiver.delivered()).toEqual([
      `${HEADER}User ${userKey("u1")} had 5 messages blocked as prompt injection within 10 minutes (latest on /api/chat, request req-5).`,
    ]);
    for (let i = 6; i <= 12; i++) await block("u1", i);
    // Another user's blocks, all at once, count for them alone.
    await Promise.all(Array.from({ length: 12 }, (_, i) => block("u2", i)));
    await alertDeliveries();
    expect(receiver.delivered()).toHaveLength(2);
    expect(receiver.delivered()[1]).toContain(userKey("u2"));
  });

  it("counts in a window: blocks spread wider than ALERT_INJECTION_WINDOW_MINUTES never add up", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.parse("2030-01-01T06:00:00Z");
    vi.setSystemTime(start);
    const { noteInjectionBlock, alertDeliveries } = await load({ ALERT_INJECTION_BLOCKS: "3", ALERT_INJECTION_WINDOW_MINUTES: "5" });
    for (let i = 0; i < 6; i++) {
      vi.setSystemTime(start + i * 3 * 60_000);
      await noteInjectionBlock({ userId: "u1", route: "/api/chat", requestId: `r${i}` });
    }
    await alertDeliveries();
    expect(receiver.hits).toEqual([]);
  });
});

describe("usage far above a user's usual rate", () => {
  const today = "2030-01-10";
  const previous = ["2030-01-03", "2030-01-04", "2030-01-05", "2030-01-06", "2030-01-07", "2030-01-08", "2030-01-09"];

  it("compares today's tokens with ALERT_USAGE_FACTOR × the mean of the previous 7 days, once a day", async () => {
    const { checkUsageSpike, alertDeliveries, stores } = await load({ ALERT_USAGE_MIN_TOKENS: "1000" });
    const usage = await stores.usageStore();
    for (const day of previous) await usage.record({ userKey: userKey("steady"), day, delta: { requests: 1, inputTokens: 6_000, outputTokens: 4_000 } });
    // Outside the window: today's own record and one from eight days ago do not count.
    await usage.record({ userKey: userKey("steady"), day: "2030-01-02", delta: { inputTokens: 1_000_000 } });
    await usage.record({ userKey: userKey("steady"), day: today, delta: { inputTokens: 1_000_000 } });
    const reads = vi.spyOn(usage, "readUser");

    await checkUsageSpike({ userId: "steady", day: today, tokensToday: 49_999 });
    await alertDeliveries();
    expect(receiver.hits).toEqual([]);
    await Promise.all(Array.from({ length: 10 }, (_, i) => checkUsageSpike({ userId: "steady", day: today, tokensToday: 50_000 + i })));
    await checkUsageSpike({ userId: "steady", day: today, tokensToday: 90_000 });
    await alertDeliveries();
    const texts = receiver.delivered();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      new RegExp(
        `^\\[Bulwark\\] chat\\.example\\.test: User ${userKey("steady")} has used 50,00\\d tokens today \\(UTC day 2030-01-10\\), 5\\.0× their average of 10,000 a day over the previous 7 days\\.$`,
      ),
    );
    // The baseline is read once per user and day, not on every request.
    expect(reads).toHaveBeenCalledTimes(7);
  });

  it("a user with no history alerts at ALERT_USAGE_MIN_TOKENS; below that floor the store is not even read", async () => {
    const { checkUsageSpike, alertDeliveries, stores } = await load({ ALERT_USAGE_MIN_TOKENS: "1000" });
    const reads = vi.spyOn(await stores.usageStore(), "readUser");
    await checkUsageSpike({ userId: "new", day: today, tokensToday: 999 });
    expect(reads).not.toHaveBeenCalled();
    await checkUsageSpike({ userId: "new", day: today, tokensToday: 1_000 });
    await alertDeliveries();
    expect(receiver.delivered()).toEqual([
      `${HEADER}User ${userKey("new")} has used 1,000 tokens today (UTC day 2030-01-10), with no usage in the previous 7 days.`,
    ]);
  });
});

describe("provider key failures", () => {
  it("one message per key for the dedup window, showing only its masked label and fingerprint", async () => {
    const { alertKeyFailure, alertDeliveries } = await load();
    const key = { provider: "openai", fingerprint: "0123456789ab", label: "sk-proj-…x4Qa", status: 401 };
    await Promise.all(Array.from({ length: 5 }, () => alertKeyFailure(key)));
    await alertKeyFailure({ ...key, fingerprint: "ba9876543210", label: "sk-proj-…Zz9q", status: 403 });
    await alertDeliveries();
    expect(receiver.delivered().sort()).toEqual(
      [
        `${HEADER}The openai API key sk-proj-…x4Qa (fingerprint 0123456789ab) was refused with HTTP 401. Check it in the provider's console and rotate it if it was revoked or leaked.`,
        `${HEADER}The openai API key sk-proj-…Zz9q (fingerprint ba9876543210) was refused with HTTP 403. Check it in the provider's console and rotate it if it was revoked or leaked.`,
      ].sort(),
    );
  });

  it("drops a label or fingerprint that is not of the masked shape, so a whole key can never be sent", async () => {
    const { alertKeyFailure, alertDeliveries } = await load();
    const whole = ["sk", "proj", "Q".repeat(40)].join("-");
    await alertKeyFailure({ provider: "openai", fingerprint: whole, label: whole, status: 401 });
    await alertDeliveries();
    const [text] = receiver.delivered();
    expect(text).toContain("(unidentified) was refused with HTTP 401");
    expect(text).not.toContain("QQQQ");
    expect(output()).not.toContain("QQQQ");
  });
});

describe("delivery", () => {
  it("without ALERT_WEBHOOK_URL: no POST, only the log line and the audit event", async () => {
    const { alertCanaryLeak, alertDeliveries, alertEvents } = await load({ ALERT_WEBHOOK_URL: undefined });
    await alertCanaryLeak({ userId: "u1", route: "/api/chat", requestId: "r1" });
    await alertDeliveries();
    expect(receiver.hits).toEqual([]);
    const line = output()
      .split("\n")
      .find((l) => l.includes('"event":"alert.canary_leak"'));
    expect(JSON.parse(line!)).toMatchObject({ level: "warn", user: userKey("u1"), route: "/api/chat", requestId: "r1", delivery: "log" });
    expect(await alertEvents()).toMatchObject([{ kind: "alert.sent", reason: "log_only", signals: ["canary_leak"] }]);
  });

  it("retries once after a 5xx and then delivers", async () => {
    const { alertCanaryLeak, alertDeliveries, alertEvents } = await load();
    receiver.statuses = [500, 200];
    await alertCanaryLeak({ userId: "u1", route: "/api/chat", requestId: "r1" });
    await alertDeliveries();
    expect(receiver.hits.map((h) => h.status)).toEqual([500, 200]);
    expect(receiver.hits[0]?.body).toEqual(receiver.hits[1]?.body);
    expect(await alertEvents()).toMatchObject([{ kind: "alert.sent", reason: "delivered" }]);
  });

  it("gives up after the one retry, and does not retry a 4xx; the failure is audited with its status", async () => {
    const { alertCanaryLeak, alertDeliveries, alertEvents } = await load();
    receiver.statuses = [503, 502, 400];
    await alertCanaryLeak({ userId: "u1", route: "/api/chat", requestId: "r1" });
    await alertDeliveries();
    await alertCanaryLeak({ userId: "u2", route: "/api/chat", requestId: "r2" });
    await alertDeliveries();
    expect(receiver.hits.map((h) => h.status)).toEqual([503, 502, 400]);
    expect(await alertEvents()).toMatchObject([
      { kind: "alert.failed", reason: "502", signals: ["canary_leak"] },
      { kind: "alert.failed", reason: "400", signals: ["canary_leak"] },
    ]);
  });

  it("a webhook that cannot be reached fails as `network`, after one retry, and the URL stays out of the log", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { alertCanaryLeak, alertDeliveries, alertEvents } = await load({ ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T0/B0/${receiver.secret}` });
    await alertCanaryLeak({ userId: "u1", route: "/api/chat", requestId: "r1" });
    await alertDeliveries();
    expect(await alertEvents()).toMatchObject([{ kind: "alert.failed", reason: "network" }]);
    expect(output()).toContain('"event":"audit.alert.failed"');
  });

  it("a store that fails does not fail the caller", async () => {
    const { alertCanaryLeak, checkSpendThresholds, noteInjectionBlock, stores } = await load();
    const state = await stores.alertState();
    vi.spyOn(state, "claimOnce").mockRejectedValue(new Error("connection lost"));
    vi.spyOn(state, "countInWindow").mockRejectedValue(new Error("connection lost"));
    await expect(alertCanaryLeak({ userId: "u1", route: "/api/chat", requestId: "r1" })).resolves.toBeUndefined();
    await expect(checkSpendThresholds({ day: "2030-01-01", spentMicroUsd: 10, capMicroUsd: 10 })).resolves.toBeUndefined();
    await expect(noteInjectionBlock({ userId: "u1", route: "/api/chat", requestId: "r1" })).resolves.toBeUndefined();
    expect(output()).toContain('"event":"store.operation_failed","op":"alerts.claim"');
    expect(receiver.hits).toEqual([]);
  });
});
