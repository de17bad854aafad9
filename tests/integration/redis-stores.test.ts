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
import { generateKey, Keyring, parseKeyList } from "../../lib/crypto/keyring";
import { ApiError } from "../../lib/errors";
import { NOTE_LIMITS } from "../../lib/notes/store";
import { RedisNoteStore } from "../../lib/notes/redis-store";
import { type PendingApproval, RedisApprovalStore } from "../../lib/tools/approvals";
import { createLedger, type Reservation } from "../../lib/ratelimit/ledger";
import { userKey } from "../../lib/store/keys";
import { tcpRequester, StoreConnectionError } from "../../lib/store/tcp-requester";
import { createUsageStore } from "../../lib/usage/store";
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
    const limiter = new Ratelimit({
      redis: make(),
      limiter: Ratelimit.slidingWindow(3, "1 h"),
      prefix: prefix(),
      timeout: 0,
      analytics: false,
      enableTelemetry: false,
    });
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await limiter.limit("u")).success);
    expect(results).toEqual([true, true, true, false, false]);
  });

  const lease = ({ key, id, max = 2, ttlMs = 1_000, now = Date.now() }: { key: string; id: string; max?: number; ttlMs?: number; now?: number }) => ({
    key,
    id,
    max,
    ttlMs,
    now,
  });
  const counter = (key: string, amount: number, cap: number, ttlSeconds = 60): Reservation => ({ key, amount, cap, ttlSeconds });

  /** Every key under `base` with its value and time to live, to prove a refusal wrote nothing. */
  async function snapshot(redis: Redis, base: string) {
    const keys = (await redis.keys(`${base}:*`)).sort();
    return Promise.all(
      keys.map(async (key) => {
        const type = await redis.type(key);
        const value = type === "zset" ? await redis.zrange(key, 0, -1, { withScores: true }) : await redis.get(key);
        return { key, type, value, pttl: await redis.pttl(key) };
      }),
    );
  }

  it("leases: at most `max` at once, freed on release, and by expiry", async () => {
    const ledger = createLedger({ kind: "redis", prefix: "x", redis: make() });
    const key = `${prefix()}:streams`;
    const now = Date.now();
    const take = (id: string, at = now) => ledger.admit({ lease: lease({ key, id, now: at }), reservations: [] });
    expect(await take("a")).toEqual({ ok: true, held: 1, used: [] });
    expect(await take("b")).toEqual({ ok: true, held: 2, used: [] });
    expect(await take("c")).toEqual({ ok: false, refused: "lease", held: 2 });
    // A live lease id at the cap is renewed, not refused: a reply reserving for its next step keeps its slot.
    expect(await take("a")).toEqual({ ok: true, held: 2, used: [] });
    await ledger.releaseLease({ key, id: "a" });
    // The same id again refreshes its lease instead of counting twice.
    expect(await take("b", now + 1)).toEqual({ ok: true, held: 1, used: [] });
    expect(await take("c")).toEqual({ ok: true, held: 2, used: [] });
    // Past their expiry, leases of a dead instance no longer count.
    expect(await take("d", now + 5_000)).toEqual({ ok: true, held: 1, used: [] });
  });

  it("admit: takes the lease and makes every reservation in one step", async () => {
    const redis = make();
    const ledger = createLedger({ kind: "redis", prefix: "x", redis });
    const base = prefix();
    const reservations = [counter(`${base}:tokens`, 40, 100), counter(`${base}:key`, 40, 50), counter(`${base}:spend`, 7, 1_000, 120)];
    expect(await ledger.admit({ lease: lease({ key: `${base}:streams`, id: "a", ttlMs: 60_000 }), reservations })).toEqual({
      ok: true,
      held: 1,
      used: [40, 40, 7],
    });
    expect(await ledger.admit({ lease: lease({ key: `${base}:streams`, id: "b", ttlMs: 60_000 }), reservations })).toEqual({
      ok: true,
      held: 2,
      used: [80, 80, 14],
    });
    expect(await Promise.all(reservations.map((r) => ledger.read(r.key)))).toEqual([80, 80, 14]);
    expect(await redis.zrange(`${base}:streams`, 0, -1)).toEqual(["a", "b"]);
    // Every key written expires: the counters after their ttlSeconds, the lease set after its ttlMs.
    const ttls = await Promise.all([`${base}:tokens`, `${base}:spend`, `${base}:streams`].map((key) => redis.pttl(key)));
    expect(ttls[0]).toBeGreaterThan(55_000);
    expect(ttls[0]).toBeLessThanOrEqual(60_000);
    expect(ttls[1]).toBeGreaterThan(115_000);
    expect(ttls[2]).toBeGreaterThan(55_000);
    expect(ttls[2]).toBeLessThanOrEqual(60_000);
  });

  const CAPS = { tokens: 100, key: 50, spend: 1_000 };
  const COUNTERS = ["tokens", "key", "spend"] as const;
  const refusals: { refused: "lease" | number; full: "streams" | (typeof COUNTERS)[number] }[] = [
    { refused: "lease", full: "streams" },
    { refused: 0, full: "tokens" },
    { refused: 1, full: "key" },
    { refused: 2, full: "spend" },
  ];

  it.each(refusals)("admit refused at $full: names that limit and changes no key, not even a time to live", async ({ refused, full }) => {
    const redis = make();
    const ledger = createLedger({ kind: "redis", prefix: "x", redis });
    const base = prefix();
    const now = Date.now();
    // One live lease and the counters at 10, 20, 30, or the one under test at its cap.
    const seed = { tokens: 10, key: 20, spend: 30 };
    await ledger.admit({
      lease: lease({ key: `${base}:streams`, id: "live", ttlMs: 60_000, now }),
      reservations: COUNTERS.map((name) => counter(`${base}:${name}`, name === full ? CAPS[name] : seed[name], 10_000)),
    });
    // And an expired lease, which a refusal must not sweep either.
    await redis.zadd(`${base}:streams`, { score: now - 1_000, member: "expired" });
    const before = await snapshot(redis, base);
    expect(before.map((k) => k.key)).toEqual([`${base}:key`, `${base}:spend`, `${base}:streams`, `${base}:tokens`]);

    // Longer times to live than the keys have, so a stray EXPIRE or PEXPIRE would show.
    const result = await ledger.admit({
      lease: lease({ key: `${base}:streams`, id: "new", max: full === "streams" ? 1 : 5, ttlMs: 600_000, now }),
      reservations: COUNTERS.map((name) => counter(`${base}:${name}`, 5, CAPS[name], 3_600)),
    });
    expect(result).toEqual(full === "streams" ? { ok: false, refused, held: 1 } : { ok: false, refused, used: CAPS[full] });

    const after = await snapshot(redis, base);
    expect(after.map(({ pttl, ...rest }) => rest)).toEqual(before.map(({ pttl, ...rest }) => rest));
    for (const [i, key] of after.entries()) expect(key.pttl).toBeLessThanOrEqual(before[i]?.pttl ?? -1);
  });

  it("admit: a counter named twice sees its first reservation when the second is checked", async () => {
    const ledger = createLedger({ kind: "redis", prefix: "x", redis: make() });
    const base = prefix();
    const twice = [counter(`${base}:k`, 60, 100), counter(`${base}:k`, 10, 100)];
    expect(await ledger.admit({ lease: lease({ key: `${base}:streams`, id: "a" }), reservations: twice })).toEqual({ ok: true, held: 1, used: [60, 70] });
    expect(await ledger.admit({ lease: lease({ key: `${base}:streams`, id: "b" }), reservations: twice })).toEqual({ ok: false, refused: 1, used: 130 });
    expect(await ledger.read(`${base}:k`)).toBe(70);
  });

  it("capped counters: 30 admissions at once against a cap of 10 units of 3 → exactly 4 admitted", async () => {
    const ledger = createLedger({ kind: "redis", prefix: "x", redis: make() });
    const key = `${prefix()}:tokens`;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        ledger.admit({ lease: lease({ key: `${key}:streams`, id: `r${i}`, max: 100 }), reservations: [counter(key, 3, 10)] }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    expect(await ledger.read(key)).toBe(12); // overshoot by less than one reservation
    expect(await ledger.adjust({ key, delta: -5, ttlSeconds: 60 })).toBe(7);
    expect(await ledger.read(key)).toBe(7);
  });

  it("two instances admitting at once never pass the stream cap or a budget, and refusals take nothing", async () => {
    const redis = make();
    const [one, two] = [createLedger({ kind: "redis", prefix: "x", redis }), createLedger({ kind: "redis", prefix: "x", redis: make() })];
    const base = prefix();
    const admitAll = (count: number, max: number, reservation: Reservation) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          (i % 2 ? two : one).admit({
            lease: lease({ key: `${base}:streams`, id: `${reservation.key}-${i}`, max, ttlMs: 60_000 }),
            reservations: [reservation],
          }),
        ),
      );

    const capped = await admitAll(80, 6, counter(`${base}:tokens`, 10, 10_000));
    expect(capped.filter((r) => r.ok)).toHaveLength(6);
    expect(await redis.zcard(`${base}:streams`)).toBe(6);
    expect(await two.read(`${base}:tokens`)).toBe(60);

    await redis.del(`${base}:streams`);
    const budgeted = await admitAll(80, 1_000, counter(`${base}:spend`, 7, 50));
    expect(budgeted.filter((r) => r.ok)).toHaveLength(8); // 0, 7, …, 49 are below 50
    expect(await one.read(`${base}:spend`)).toBe(56);
    // Only the admitted hold a stream slot: the refused never took one, not even for a moment.
    expect(await redis.zcard(`${base}:streams`)).toBe(8);
  });

  it("usage records: sums, refusals by reason and the day's users by cost", async () => {
    const usage = createUsageStore({ kind: "redis", prefix: prefix(), redis: make() }, { retentionDays: 90 });
    const day = "2030-01-01";
    await usage.record({ userKey: "a", day, delta: { requests: 1, inputTokens: 10, outputTokens: 20, costMicroUsd: 30 } });
    await usage.record({ userKey: "a", day, delta: { refused: "too_many_streams" } });
    await usage.record({ userKey: "b", day, delta: { requests: 1, inputTokens: 100, outputTokens: 200, costMicroUsd: 300 } });
    expect(await usage.readUser({ userKey: "a", day })).toEqual({
      requests: 1,
      inputTokens: 10,
      outputTokens: 20,
      costMicroUsd: 30,
      refusals: { too_many_streams: 1 },
    });
    expect(await usage.readTotals(day)).toMatchObject({ requests: 2, costMicroUsd: 330, refusals: { too_many_streams: 1 } });
    expect(await usage.topUsers({ day, limit: 5 })).toEqual([
      { userKey: "b", costMicroUsd: 300 },
      { userKey: "a", costMicroUsd: 30 },
    ]);
  });
});

describe.each([
  { name: "TCP (ioredis requester)", make: overTcp },
  { name: "HTTP (Upstash API)", make: overHttp },
])("the notes store on Redis over $name", ({ make }) => {
  const ALICE = "credentials:alice@example.test";
  // Starts with Alice's id: a store that matched owners by prefix would mix the two up.
  const MALLORY = "credentials:alice@example.test.evil";
  const keyringOf = (...keys: string[]) => new Keyring(parseKeyList(keys.join(",")) as Buffer[]);
  const notesOn = (redis: Redis, keyPrefix: string, keyring = keyringOf(generateKey())) => new RedisNoteStore(redis, { prefix: keyPrefix, keyring });

  /** Every key of the server, whatever wrote it, with its type and every value, read with ioredis: what someone holding the raw store sees. */
  async function dumpEverything(): Promise<{ key: string; type: string; values: string[] }[]> {
    const client = new IORedis(rig.server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on("error", () => {});
    clients.push(client);
    await client.connect();
    const dump = [];
    for (const key of await client.keys("*")) {
      const type = await client.type(key);
      const values =
        type === "string"
          ? [(await client.get(key)) ?? ""]
          : type === "hash"
            ? Object.entries(await client.hgetall(key)).flat()
            : type === "list"
              ? await client.lrange(key, 0, -1)
              : type === "set"
                ? await client.smembers(key)
                : type === "zset"
                  ? await client.zrange(key, 0, -1, "WITHSCORES")
                  : type === "none"
                    ? []
                    : [`unread type ${type}`];
      dump.push({ key, type, values });
    }
    return dump;
  }

  it("saves, lists newest first, and removes a note; removeAll says how many went", async () => {
    const notes = notesOn(make(), prefix());
    expect(await notes.list({ userId: ALICE })).toEqual([]);
    const saved = [];
    for (const title of ["first", "second", "third"]) {
      saved.push(await notes.add({ userId: ALICE, title, body: `the ${title} body` }));
      await new Promise((resolve) => setTimeout(resolve, 3)); // each its own millisecond
    }
    for (const note of saved) expect(note.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(saved.map((n) => n.id)).size).toBe(3);
    expect(await notes.list({ userId: ALICE })).toEqual([...saved].reverse());

    expect(await notes.remove({ userId: ALICE, noteId: saved[1]!.id })).toBe(true);
    expect(await notes.remove({ userId: ALICE, noteId: saved[1]!.id })).toBe(false);
    expect((await notes.list({ userId: ALICE })).map((n) => n.title)).toEqual(["third", "first"]);
    expect(await notes.removeAll({ userId: ALICE })).toBe(2);
    expect(await notes.list({ userId: ALICE })).toEqual([]);
    expect(await notes.removeAll({ userId: ALICE })).toBe(0);
  });

  it("never lists, removes or counts another user's note, whatever id is passed", async () => {
    const keyPrefix = prefix();
    const notes = notesOn(make(), keyPrefix);
    const secret = await notes.add({ userId: ALICE, title: "Alice's door code", body: "4711" });
    const aliceKey = `${keyPrefix}:notes:${userKey(ALICE)}`;
    for (const userId of ["mallory", MALLORY, "credentials:alice", ""]) {
      expect(await notes.list({ userId }), userId).toEqual([]);
      for (const noteId of [secret.id, secret.id.toUpperCase(), aliceKey, `${aliceKey}:${secret.id}`, "*", ""]) {
        expect(await notes.remove({ userId, noteId }), `${userId} removing ${noteId}`).toBe(false);
      }
      expect(await notes.removeAll({ userId }), userId).toBe(0);
    }
    expect(await notes.list({ userId: ALICE })).toEqual([secret]);
  });

  it("a ciphertext copied into another user's notes, or under another id, does not open there", async () => {
    const redis = make();
    const keyPrefix = prefix();
    const notes = notesOn(redis, keyPrefix);
    const secret = await notes.add({ userId: ALICE, title: "Alice's door code", body: "4711" });
    const sealed = await redis.hget<string>(`${keyPrefix}:notes:${userKey(ALICE)}`, secret.id);
    expect(sealed).toMatch(/^v1\./);
    await redis.hset(`${keyPrefix}:notes:${userKey(MALLORY)}`, { [secret.id]: sealed });
    await redis.hset(`${keyPrefix}:notes:${userKey(ALICE)}`, { "00000000-0000-4000-8000-000000000000": sealed });
    expect(await notes.list({ userId: MALLORY })).toEqual([]);
    expect(await notes.list({ userId: ALICE })).toEqual([secret]);
  });

  it("keeps at most maxPerUser notes a user, also when saves race: exactly the room left is taken", async () => {
    const notes = notesOn(make(), prefix());
    const room = 5;
    const before = NOTE_LIMITS.maxPerUser - room;
    for (let done = 0; done < before; done += 25) {
      await Promise.all(Array.from({ length: Math.min(25, before - done) }, (_, i) => notes.add({ userId: ALICE, title: `note ${done + i}`, body: "" })));
    }
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => notes.add({ userId: ALICE, title: `race ${i}`, body: "" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(room);
    for (const refused of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(refused.reason).toBeInstanceOf(ApiError);
      expect((refused.reason as ApiError).code).toBe("note_limit_reached");
    }
    expect(await notes.list({ userId: ALICE })).toHaveLength(NOTE_LIMITS.maxPerUser);
    // Another user has their own room.
    await expect(notes.add({ userId: MALLORY, title: "mine", body: "" })).resolves.toMatchObject({ title: "mine" });
    // Too long is refused before the store is asked.
    await expect(notes.add({ userId: MALLORY, title: "t".repeat(NOTE_LIMITS.titleMaxChars + 1), body: "" })).rejects.toMatchObject({
      code: "invalid_request",
    });
  });

  it("a dump of the whole store holds no note title, body or user id, only ciphertexts; a rotated key still reads them", async () => {
    const redis = make();
    const keyPrefix = prefix();
    const [k1, k2] = [generateKey(), generateKey()];
    const marker = randomBytes(6).toString("hex");
    const title = `Title ${marker} for the dump`;
    const body = `Body ${marker}: the spare key is under the blue flowerpot.`;
    const saved = await notesOn(redis, keyPrefix, keyringOf(k1)).add({ userId: ALICE, title, body });

    const dump = await dumpEverything();
    const everything = JSON.stringify(dump);
    for (const plaintext of [marker, "blue flowerpot", "for the dump", ALICE, "alice@example.test", "example.test"]) {
      expect(everything).not.toContain(plaintext);
    }
    const record = dump.find((d) => d.key === `${keyPrefix}:notes:${userKey(ALICE)}`);
    expect(record?.type).toBe("hash");
    expect(record?.values[0]).toBe(saved.id);
    expect(record?.values[1]).toMatch(/^v1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    // No expiry: a note stays until its owner deletes it.
    expect(await redis.pttl(record!.key)).toBe(-1);

    // The new key first and the old one still listed: the note opens; with the old key gone it is left out.
    expect(await notesOn(redis, keyPrefix, keyringOf(k2, k1)).list({ userId: ALICE })).toEqual([saved]);
    expect(await notesOn(redis, keyPrefix, keyringOf(k2)).list({ userId: ALICE })).toEqual([]);
    expect(await notesOn(redis, keyPrefix, keyringOf(k2)).removeAll({ userId: ALICE })).toBe(1);
    expect(await redis.exists(record!.key)).toBe(0);
  });
});

describe.each([
  { name: "TCP (ioredis requester)", make: overTcp },
  { name: "HTTP (Upstash API)", make: overHttp },
])("tool calls held for approval on Redis over $name", ({ make }) => {
  const ALICE = "credentials:alice@example.test";
  const MALLORY = "credentials:mallory@example.test";
  const keyring = new Keyring(parseKeyList(generateKey()) as Buffer[]);
  const held = (id: string, expiresAt = Date.now() + 60_000): PendingApproval => ({
    id,
    conversationId: "c0ffee00-0000-4000-8000-000000000001",
    name: "save_note",
    args: { title: "Door code", body: `the code is ${id}-4711` },
    argsHash: "hash",
    model: "demo:demo",
    before: [{ role: "user", content: `please remember ${id}-4711` }],
    after: [],
    boundary: "b",
    canary: undefined,
    placeholders: { version: 1, entries: [] },
    callsSoFar: 1,
    expiresAt,
  });

  it("hands a held call out once, only to its user and conversation, and encrypted at rest", async () => {
    const redis = make();
    const store = new RedisApprovalStore(redis, { prefix: prefix(), keyring });
    const call = held("call_1");
    await store.hold({ userId: ALICE, pending: call });
    const raw = JSON.stringify(await Promise.all((await redis.keys("*")).map((k) => redis.get(k).catch(() => null))));
    expect(raw).not.toContain("4711");
    const owned = { userId: ALICE, conversationId: call.conversationId, id: call.id };
    expect(await store.take({ ...owned, userId: MALLORY })).toBeNull();
    expect(await store.take({ ...owned, conversationId: "c0ffee00-0000-4000-8000-000000000002" })).toBeNull();
    expect(await store.take(owned)).toEqual(call);
    expect(await store.take(owned)).toBeNull();
  });

  it("forgets an expired call, and every call of a user on delete-all", async () => {
    const store = new RedisApprovalStore(make(), { prefix: prefix(), keyring });
    const late = held("call_late", Date.now() + 50);
    await store.hold({ userId: ALICE, pending: late });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await store.take({ userId: ALICE, conversationId: late.conversationId, id: late.id })).toBeNull();
    await store.hold({ userId: ALICE, pending: held("call_a") });
    await store.hold({ userId: ALICE, pending: held("call_b") });
    await store.hold({ userId: MALLORY, pending: held("call_m") });
    expect(await store.removeAll({ userId: ALICE })).toBe(2);
    expect(await store.take({ userId: MALLORY, conversationId: held("x").conversationId, id: "call_m" })).not.toBeNull();
  });
});

describe("the TCP requester", () => {
  it("recovers when Redis forgets its scripts (SCRIPT FLUSH after a restart)", async () => {
    const redis = overTcp();
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(10, "1 h"),
      prefix: prefix(),
      timeout: 0,
      analytics: false,
      enableTelemetry: false,
    });
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
