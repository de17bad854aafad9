/**
 * The audit log (lib/audit/store.ts) and the alerts' dedup state (lib/alerts/state.ts) on a real
 * redis-server, through both ways the app reaches Redis: @upstash/redis over TCP (the ioredis
 * requester) and over HTTP (the Upstash-compatible gateway). The memory versions and the shared
 * contract are in tests/unit/audit-store.test.ts and tests/unit/alerts.test.ts.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_QUERY_MAX, createAuditLog } from "../../lib/audit/store";
import type { AuditEvent, AuditLog } from "../../lib/audit/types";
import { createAlertState } from "../../lib/alerts/state";
import { startRedisRig, type RedisRig } from "../support/redis-clients";

let rig: RedisRig;
let raw: IORedis;

beforeAll(async () => {
  rig = await startRedisRig();
  raw = new IORedis(rig.server.url);
});

afterAll(async () => {
  raw?.disconnect();
  await rig?.stop();
});

const overTcp = () => rig.overTcp();
const overHttp = () => rig.overHttp();
const prefix = () => `asr-${randomBytes(4).toString("hex")}`;
const DAY = 86_400_000;

async function collect(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** Appends in parallel batches (order within a batch is the server's), returning the events by id. */
async function seed(log: AuditLog, n: number): Promise<AuditEvent[]> {
  const kinds = ["guard.injection", "limit.refused", "auth.signin_failed", "guard.pii"] as const;
  const events: AuditEvent[] = [];
  for (let start = 0; start < n; start += 100) {
    const batch = Array.from({ length: Math.min(100, n - start) }, (_, j) => start + j);
    events.push(...(await Promise.all(batch.map((i) => log.append({ kind: kinds[i % 4]!, user: i % 2 ? "odd" : "even", count: i })))));
  }
  return events.sort((a, b) => compareIds(a.id, b.id));
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am - bm || as - bs;
}

describe.each([
  { name: "TCP (ioredis requester)", make: overTcp },
  { name: "HTTP (Upstash API)", make: overHttp },
])("on Redis over $name", ({ make }) => {
  it("audit: one stream entry per event, with the event as JSON and the id and time from the stream", async () => {
    const p = prefix();
    const log = createAuditLog({ kind: "redis", prefix: p, redis: make() }, { retentionDays: 90 });
    const before = Date.now();
    const event = await log.append({
      kind: "guard.injection",
      user: "u1",
      route: "/api/chat",
      requestId: "r1",
      reason: "blocked",
      signals: ["override", "exfil"],
      score: 0.913,
      count: 2,
    });
    expect(event).toMatchObject({
      kind: "guard.injection",
      user: "u1",
      route: "/api/chat",
      requestId: "r1",
      reason: "blocked",
      signals: ["override", "exfil"],
      score: 0.913,
      count: 2,
    });
    expect(event.id).toMatch(/^\d+-\d+$/);
    expect(Date.parse(event.time)).toBe(Number(event.id.split("-")[0]));
    expect(Math.abs(Date.parse(event.time) - before)).toBeLessThan(5_000);

    const entries = (await raw.xrange(`${p}:audit`, "-", "+")) as [string, string[]][];
    expect(entries).toHaveLength(1);
    const [id, fields] = entries[0]!;
    expect(id).toBe(event.id);
    expect(fields[0]).toBe("e");
    expect(JSON.parse(fields[1]!)).toEqual({
      kind: "guard.injection",
      user: "u1",
      route: "/api/chat",
      requestId: "r1",
      reason: "blocked",
      signals: ["override", "exfil"],
      score: 0.913,
      count: 2,
    });
    expect(await log.recent({ limit: 10 })).toEqual([event]);
  });

  it("audit: recent pages through the stream newest first, with every filter, and caps the limit", async () => {
    const log = createAuditLog({ kind: "redis", prefix: prefix(), redis: make() }, { retentionDays: 90 });
    const all = await seed(log, 1_100);
    const newestFirst = [...all].reverse();

    expect((await log.recent({ limit: 5 })).map((e) => e.id)).toEqual(newestFirst.slice(0, 5).map((e) => e.id));
    expect(await log.recent({ limit: 5_000 })).toHaveLength(AUDIT_QUERY_MAX);
    // 250 matches of one kind in four need more than one page of 500.
    const pii = await log.recent({ limit: 250, kinds: ["guard.pii"] });
    expect(pii.map((e) => e.id)).toEqual(
      newestFirst
        .filter((e) => e.kind === "guard.pii")
        .slice(0, 250)
        .map((e) => e.id),
    );
    const family = await log.recent({ limit: 1_000, kinds: ["guard."], user: "odd" });
    expect(family.map((e) => e.id)).toEqual(newestFirst.filter((e) => e.kind.startsWith("guard.") && e.user === "odd").map((e) => e.id));

    const since = Date.parse(all[200]!.time);
    const until = Date.parse(all[900]!.time);
    const window = await log.recent({ limit: 1_000, since, until, kinds: ["auth."] });
    const expected = newestFirst.filter((e) => e.kind.startsWith("auth.") && Date.parse(e.time) >= since && Date.parse(e.time) <= until);
    expect(window.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(await log.recent({ limit: 0 })).toEqual([]);
  });

  it("audit: range reads every event in the window oldest first, page after page, none twice", async () => {
    const log = createAuditLog({ kind: "redis", prefix: prefix(), redis: make() }, { retentionDays: 90 });
    const all = await seed(log, 1_100);
    const everything = await collect(log.range({ since: 0, until: Date.now() + 60_000 }));
    expect(everything.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const since = Date.parse(all[100]!.time);
    const until = Date.parse(all[1_000]!.time);
    const part = await collect(log.range({ since, until }));
    expect(part.map((e) => e.id)).toEqual(all.filter((e) => Date.parse(e.time) >= since && Date.parse(e.time) <= until).map((e) => e.id));
  });

  it("audit: trims events past the retention as it appends (in whole stream nodes)", async () => {
    const p = prefix();
    const log = createAuditLog({ kind: "redis", prefix: p, redis: make() }, { retentionDays: 1 });
    // 250 events from three days ago, as an instance running then would have left them.
    const old = Date.now() - 3 * DAY;
    for (let i = 0; i < 250; i++) await raw.xadd(`${p}:audit`, `${old + i}-0`, "e", JSON.stringify({ kind: "limit.refused", count: i }));
    expect((await log.recent({ limit: 1_000 })).length).toBe(250);
    const latest = await log.append({ kind: "alert.sent" });
    // Approximate trimming drops whole nodes (100 entries each by default): the last, partly old, may stay.
    expect(await raw.xlen(`${p}:audit`)).toBeLessThanOrEqual(101);
    expect((await log.recent({ limit: 1 }))[0]?.id).toBe(latest.id);
  });

  it("alerts: a claim is won once, by one of many concurrent callers, until it expires", async () => {
    const state = createAlertState({ kind: "redis", prefix: prefix(), redis: make() });
    const claims = await Promise.all(Array.from({ length: 50 }, () => state.claimOnce("canary:u1", 300)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await state.claimOnce("canary:u2", 300)).toBe(true);
    await sleep(400);
    expect(await state.claimOnce("canary:u1", 300)).toBe(true);
  });

  it("alerts: a window counter counts every call once and starts again after its window", async () => {
    const p = prefix();
    const state = createAlertState({ kind: "redis", prefix: p, redis: make() });
    const counts = await Promise.all(Array.from({ length: 20 }, () => state.countInWindow("injections:u1", 400)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const ttl = await raw.pttl(`${p}:alerts:injections:u1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(400);
    await sleep(500);
    expect(await state.countInWindow("injections:u1", 400)).toBe(1);
  });
});

describe("alerts across instances", () => {
  it("one claim between an instance on TCP and one over HTTP", async () => {
    const p = prefix();
    const [a, b] = [createAlertState({ kind: "redis", prefix: p, redis: overTcp() }), createAlertState({ kind: "redis", prefix: p, redis: overHttp() })];
    const claims = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).claimOnce("spend:2030-01-01:80", 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
