import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../support/redis-server";
import { startUpstashGateway, type UpstashGateway } from "../support/upstash-gateway";

// The gateway stands in for Upstash in integration tests, so it is checked here against the real
// clients: if an upgrade of @upstash/redis or @upstash/ratelimit changes the protocol, this file says so first.

let server: RedisServer;
let gateway: UpstashGateway;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  gateway = await startUpstashGateway({ redisUrl: server.url, token: randomBytes(16).toString("hex") });
  redis = new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false });
});

afterAll(async () => {
  await gateway?.close();
  await server?.stop();
});

/** POSTs a raw Upstash REST request, for checks the client would hide. */
async function post({
  path = "",
  body,
  token = gateway.token,
  headers = {},
}: {
  path?: string;
  body: string;
  token?: string;
  headers?: Record<string, string>;
}) {
  const res = await fetch(`${gateway.url}/${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, ...headers }, body });
  return { status: res.status, json: (await res.json()) as unknown };
}

describe("startRedis", () => {
  it("starts a redis-server that ioredis can PING directly", async () => {
    const client = new IORedis(server.url);
    try {
      expect(await client.ping()).toBe("PONG");
      expect(server.running()).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});

// With auto-pipelining (the client's default) every command goes to POST /pipeline; without it, to POST /.
describe.each([
  { mode: "auto-pipelined", enableAutoPipelining: true },
  { mode: "one request per command", enableAutoPipelining: false },
])("Upstash gateway with @upstash/redis, $mode", ({ mode, enableAutoPipelining }) => {
  let client: Redis;
  /** Keys of this mode only, so both modes start from empty keys. */
  const key = (name: string) => `${mode}:${name}`;

  beforeAll(() => {
    client = new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false, enableAutoPipelining });
  });

  it("sets and gets a string and an object", async () => {
    const before = gateway.requests();
    expect(await client.set(key("str"), "hello")).toBe("OK");
    expect(await client.get(key("str"))).toBe("hello");
    await client.set(key("obj"), { a: 1, list: ["x", null], nested: { ok: true } });
    expect(await client.get(key("obj"))).toEqual({ a: 1, list: ["x", null], nested: { ok: true } });
    expect(gateway.requests()).toBeGreaterThan(before);
  });

  it("increments, and reads hashes and sorted sets with scores", async () => {
    expect(await client.incr(key("counter"))).toBe(1);
    expect(await client.incr(key("counter"))).toBe(2);
    expect(await client.hset(key("hash"), { name: "ada", visits: 3 })).toBe(2);
    expect(await client.hgetall(key("hash"))).toEqual({ name: "ada", visits: 3 });
    expect(await client.zadd(key("scores"), { score: 1, member: "a" }, { score: 2.5, member: "b" })).toBe(2);
    expect(await client.zrange(key("scores"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2.5]);
    expect(await client.get(key("missing"))).toBeNull();
  });

  it("surfaces a Redis error reply as a rejection with its message", async () => {
    await client.set(key("text"), "not a number");
    await expect(client.incr(key("text"))).rejects.toThrow(/ERR value is not an integer or out of range/);
  });

  it("runs a pipeline and a transaction", async () => {
    const pipeline = client.pipeline();
    pipeline.set(key("p:a"), "1").incr(key("p:b")).get(key("p:a")).lrange(key("p:none"), 0, -1);
    expect(await pipeline.exec()).toEqual(["OK", 1, 1, []]);

    const multi = client.multi();
    multi.set(key("m:a"), "x").incr(key("m:b")).get(key("m:a"));
    expect(await multi.exec()).toEqual(["OK", 1, "x"]);
  });

  it("reports a command error in a pipeline per command", async () => {
    await client.set(key("p:text"), "not a number");
    const pipeline = client.pipeline();
    pipeline.incr(key("p:text")).get(key("p:text"));
    const results = await pipeline.exec({ keepErrors: true });
    expect(results[0]?.error).toMatch(/^ERR value is not an integer/);
    expect(results[1]).toEqual({ error: undefined, result: "not a number" });
  });

  it("evaluates a Lua script returning a table", async () => {
    const result = await client.eval("return {KEYS[1], ARGV[1], 42, {ARGV[2]}}", [key("the-key")], ["an-arg", "deep"]);
    expect(result).toEqual([key("the-key"), "an-arg", 42, ["deep"]]);
  });

  it("round-trips UTF-8 with emoji and CJK", async () => {
    const text = "héllo 👋🏽 你好, 世界 — ✓";
    await client.set(key("utf8"), text);
    expect(await client.get(key("utf8"))).toBe(text);
    await client.hset(key("utf8:hash"), { [text]: text });
    expect(await client.hgetall(key("utf8:hash"))).toEqual({ [text]: text });
  });

  it("rejects a wrong token as Unauthorized", async () => {
    const intruder = new Redis({ url: gateway.url, token: "wrong-token", enableTelemetry: false, enableAutoPipelining });
    await expect(intruder.get(key("str"))).rejects.toThrow(/Unauthorized/);
  });
});

describe("Upstash REST protocol details", () => {
  it("base64-encodes every string of the result only when asked to", async () => {
    await post({ body: JSON.stringify(["RPUSH", "raw:list", "ü", "2"]) });
    const plain = await post({ body: JSON.stringify(["LRANGE", "raw:list", "0", "-1"]) });
    expect(plain).toEqual({ status: 200, json: { result: ["ü", "2"] } });
    const encoded = await post({ body: JSON.stringify(["LRANGE", "raw:list", "0", "-1"]), headers: { "Upstash-Encoding": "base64" } });
    expect(encoded).toEqual({ status: 200, json: { result: ["w7w=", "Mg=="] } });
    expect(await post({ body: JSON.stringify(["LLEN", "raw:list"]), headers: { "Upstash-Encoding": "base64" } })).toEqual({ status: 200, json: { result: 2 } });
  });

  it("answers errors with the status codes Upstash uses", async () => {
    expect(await post({ body: JSON.stringify(["PING"]), token: "nope" })).toEqual({ status: 401, json: { error: "Unauthorized" } });
    expect(await post({ body: JSON.stringify(["NOSUCHCOMMAND"]) })).toMatchObject({
      status: 400,
      json: { error: expect.stringMatching(/^ERR unknown command/) },
    });
    expect(await post({ body: "{not json" })).toMatchObject({ status: 400, json: { error: expect.any(String) } });
    expect((await post({ body: "x".repeat(10 * 1024 * 1024 + 1) })).status).toBe(413);
    expect(
      await post({
        path: "multi-exec",
        body: JSON.stringify([
          ["SET", "k", "v"],
          ["INCR", "k"],
        ]),
      }),
    ).toEqual({
      status: 200,
      json: [{ result: "OK" }, { error: "ERR value is not an integer or out of range" }],
    });
  });
});

describe("Upstash gateway with @upstash/ratelimit", () => {
  it("allows three requests in the sliding window, then denies", async () => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(3, "1 h"),
      prefix: "t:rl",
      timeout: 0,
      analytics: false,
      enableTelemetry: false,
    });
    const before = gateway.requests();
    const successes: boolean[] = [];
    for (let i = 0; i < 5; i++) successes.push((await ratelimit.limit("u1")).success);
    expect(successes).toEqual([true, true, true, false, false]);
    expect(gateway.requests() - before).toBeGreaterThanOrEqual(5);
  });
});

describe("Redis restarts", () => {
  it("fails fast while Redis is down and recovers once it is back", async () => {
    await server.stop();
    expect(server.running()).toBe(false);
    const started = Date.now();
    await expect(redis.set("during-outage", "x")).rejects.toThrow(/Service Unavailable/);
    expect(Date.now() - started).toBeLessThan(3_000);

    await server.restart();
    expect(server.running()).toBe(true);
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        expect(await redis.set("after-outage", "back")).toBe("OK");
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
    expect(await redis.get("after-outage")).toBe("back");
  });
});
