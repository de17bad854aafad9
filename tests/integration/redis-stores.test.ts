/**
 * The Redis implementations on their own, against a real redis-server, through both ways the app
 * reaches Redis: @upstash/redis over TCP (lib/store/tcp-requester.ts on ioredis) and @upstash/redis
 * over HTTP (the Upstash-compatible gateway). The multi-instance behaviour is in shared-store.test.ts.
 */
import { randomBytes } from "node:crypto";
import IORedis from "ioredis";
import { Redis } from "@upstash/redis";
import { Ratelimit } from "@upstash/ratelimit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedger } from "../../lib/ratelimit/ledger";
import { tcpRequester, StoreConnectionError } from "../../lib/store/tcp-requester";
import { createUsageStore } from "../../lib/store/usage";
import { startRedisRig, type RedisRig } from "../support/redis-clients";

let rig: RedisRig;
const clients: IORedis[] = [];

beforeAll(async () => {
  rig = await startRedisRig();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await rig?.stop();
});

const overTcp = () => rig.overTcp();
const overHttp = () => rig.overHttp();

const prefix = () => `rs-${randomBytes(4).toString("hex")}`;

describe.each([
  { name: "TCP (ioredis requester)", make: overTcp },
  { name: "HTTP (Upstash API)", make: overHttp },
])("Redis stores over $name", ({ make }) => {
  it("runs @upstash/ratelimit's scripts, whose #!lua flags= header stock Redis refuses", async () => {
    const limiter = new Ratelimit({ redis: make(), limiter: Ratelimit.slidingWindow(3, "1 h"), prefix: prefix(), timeout: 0, analytics: false, enableTelemetry: false });
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await limiter.limit("u")).success);
    expect(results).toEqual([true, true, true, false, false]);
  });

  it("leases: at most `max` at once, freed on release, and by expiry", async () => {
    const ledger = createLedger({ kind: "redis", prefix: "x", redis: make() });
    const key = `${prefix()}:streams`;
    const now = Date.now();
    const take = (id: string, at = now) => ledger.acquireLease({ key, id, max: 2, ttlMs: 1_000, now: at });
    expect(await take("a")).toEqual({ ok: true, held: 1 });
    expect(await take("b")).toEqual({ ok: true, held: 2 });
    expect(await take("c")).toEqual({ ok: false, held: 2 });
    await ledger.releaseLease({ key, id: "a" });
    expect((await take("c")).ok).toBe(true);
    // Past their expiry, leases of a dead instance no longer count.
    expect(await take("d", now + 5_000)).toEqual({ ok: true, held: 1 });
  });

  it("capped counters: 30 reservations at once against a cap of 10 units of 3 → exactly 4 admitted", async () => {
    const ledger = createLedger({ kind: "redis", prefix: "x", redis: make() });
    const key = `${prefix()}:tokens`;
    const results = await Promise.all(Array.from({ length: 30 }, () => ledger.reserve({ key, amount: 3, cap: 10, ttlSeconds: 60 })));
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(await ledger.read(key)).toBe(12); // overshoot by less than one reservation
    expect(await ledger.adjust({ key, delta: -5, ttlSeconds: 60 })).toBe(7);
    expect(await ledger.read(key)).toBe(7);
  });

  it("usage records: sums, refusals by reason and the day's users by cost", async () => {
    const usage = createUsageStore({ kind: "redis", prefix: prefix(), redis: make() }, { retentionDays: 90 });
    const day = "2030-01-01";
    await usage.record({ userKey: "a", day, delta: { requests: 1, inputTokens: 10, outputTokens: 20, costMicroUsd: 30 } });
    await usage.record({ userKey: "a", day, delta: { refused: "too_many_streams" } });
    await usage.record({ userKey: "b", day, delta: { requests: 1, inputTokens: 100, outputTokens: 200, costMicroUsd: 300 } });
    expect(await usage.readUser({ userKey: "a", day })).toEqual({ requests: 1, inputTokens: 10, outputTokens: 20, costMicroUsd: 30, refusals: { too_many_streams: 1 } });
    expect(await usage.readTotals(day)).toMatchObject({ requests: 2, costMicroUsd: 330, refusals: { too_many_streams: 1 } });
    expect(await usage.topUsers({ day, limit: 5 })).toEqual([
      { userKey: "b", costMicroUsd: 300 },
      { userKey: "a", costMicroUsd: 30 },
    ]);
  });
});

describe("the TCP requester", () => {
  it("recovers when Redis forgets its scripts (SCRIPT FLUSH after a restart)", async () => {
    const redis = overTcp();
    const limiter = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(10, "1 h"), prefix: prefix(), timeout: 0, analytics: false, enableTelemetry: false });
    expect((await limiter.limit("u")).success).toBe(true);
    await redis.scriptFlush();
    expect((await limiter.limit("u")).success).toBe(true);
  });

  it("returns a command error as Upstash does, and throws when Redis cannot be reached", async () => {
    const redis = overTcp();
    await redis.set(`${prefix()}:s`, "text");
    await expect(redis.eval("return redis.call('INCR', KEYS[1])", [`${prefix()}:s`], [])).resolves.toBe(1);
    const key = `${prefix()}:str`;
    await redis.set(key, "not a number");
    await expect(redis.incr(key)).rejects.toThrow(/not an integer/);

    const unreachable = new IORedis("redis://127.0.0.1:9", { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => 200 });
    unreachable.on("error", () => {});
    clients.push(unreachable);
    const started = Date.now();
    await expect(new Redis(tcpRequester(unreachable, { readyTimeoutMs: 500 })).get("k")).rejects.toBeInstanceOf(StoreConnectionError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
