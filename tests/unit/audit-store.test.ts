import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AUDIT_QUERY_MAX, createAuditLog, matchesQuery } from "@/lib/audit/store";
import type { AuditEvent, AuditLog } from "@/lib/audit/types";
import { userKey } from "@/lib/store/keys";

const DAY = 86_400_000;
const T0 = Date.parse("2030-01-01T00:00:00Z");
const memory = (retentionDays = 90) => createAuditLog({ kind: "memory", prefix: "t" }, { retentionDays });

async function collect(events: AsyncIterable<AuditEvent>): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** A small history: alternating users, kinds from three families, one event a second from T0. */
async function seed(log: AuditLog, n: number): Promise<AuditEvent[]> {
  const kinds = ["guard.injection", "limit.refused", "auth.signin_failed", "guard.pii"] as const;
  const events: AuditEvent[] = [];
  for (let i = 0; i < n; i++) events.push(await log.append({ kind: kinds[i % kinds.length]!, user: i % 2 ? "odd" : "even", count: i }, T0 + i * 1000));
  return events;
}

describe("the audit log in memory (lib/audit/store.ts)", () => {
  it("stamps a unique, time-ordered id and the time it encodes, and keeps only the vocabulary's fields", async () => {
    const log = memory();
    const a = await log.append({ kind: "limit.refused", user: "u1", route: "/api/chat", requestId: "r1", reason: "rate_limited" }, T0);
    const b = await log.append({ kind: "limit.refused", user: "u1" }, T0);
    const c = await log.append({ kind: "guard.canary", signals: ["canary_leak"], score: 1, extra: "not stored" } as never, T0 + 5);
    expect(a).toEqual({
      id: `${T0}-0`,
      time: "2030-01-01T00:00:00.000Z",
      kind: "limit.refused",
      user: "u1",
      route: "/api/chat",
      requestId: "r1",
      reason: "rate_limited",
    });
    expect(b.id).toBe(`${T0}-1`);
    expect(c).toEqual({ id: `${T0 + 5}-0`, time: "2030-01-01T00:00:00.005Z", kind: "guard.canary", signals: ["canary_leak"], score: 1 });
    // A clock that steps back never makes an id go backwards.
    expect((await log.append({ kind: "alert.sent" }, T0 + 1)).id).toBe(`${T0 + 5}-1`);
  });

  it("recent: newest first, filtered by exact kind, by family prefix, by user and by time", async () => {
    const log = memory();
    const all = await seed(log, 12);
    const ids = (events: AuditEvent[]) => events.map((e) => e.count);
    expect(ids(await log.recent({ limit: 3 }))).toEqual([11, 10, 9]);
    expect(ids(await log.recent({ limit: 100, kinds: ["limit.refused"] }))).toEqual([9, 5, 1]);
    expect(ids(await log.recent({ limit: 100, kinds: ["guard."] }))).toEqual([11, 8, 7, 4, 3, 0]);
    expect(ids(await log.recent({ limit: 100, kinds: ["guard.pii", "auth."] }))).toEqual([11, 10, 7, 6, 3, 2]);
    // "guard" without the dot is an exact kind, which no event has.
    expect(await log.recent({ limit: 100, kinds: ["guard"] })).toEqual([]);
    expect(ids(await log.recent({ limit: 100, user: "odd", kinds: ["guard."] }))).toEqual([11, 7, 3]);
    expect(ids(await log.recent({ limit: 100, since: T0 + 4000, until: T0 + 6000 }))).toEqual([6, 5, 4]);
    expect(ids(await log.recent({ limit: 2, since: T0 + 4000, until: T0 + 9000, kinds: ["guard."] }))).toEqual([8, 7]);
    expect(await log.recent({ limit: 0 })).toEqual([]);
    expect((await log.recent({ limit: 1 }))[0]).toEqual(all[11]);
  });

  it("caps a query at 1,000 events", async () => {
    const log = memory();
    for (let i = 0; i < AUDIT_QUERY_MAX + 50; i++) await log.append({ kind: "alert.sent", count: i }, T0 + i);
    const events = await log.recent({ limit: 5_000 });
    expect(events).toHaveLength(AUDIT_QUERY_MAX);
    expect(events[0]?.count).toBe(AUDIT_QUERY_MAX + 49);
  });

  it("range: every event in [since, until], oldest first, across many pages", async () => {
    const log = memory();
    for (let i = 0; i < 1_234; i++) await log.append({ kind: "guard.pii", count: i }, T0 + i);
    const events = await collect(log.range({ since: T0 + 10, until: T0 + 1_200 }));
    expect(events.map((e) => e.count)).toEqual(Array.from({ length: 1_191 }, (_, i) => i + 10));
    expect(await collect(log.range({ since: T0 + 5_000, until: T0 + 6_000 }))).toEqual([]);
  });

  it("forgets events older than the retention as new ones arrive", async () => {
    const log = memory(2);
    await log.append({ kind: "limit.refused", count: 1 }, T0);
    await log.append({ kind: "limit.refused", count: 2 }, T0 + DAY);
    expect((await log.recent({ limit: 10 })).map((e) => e.count)).toEqual([2, 1]);
    await log.append({ kind: "limit.refused", count: 3 }, T0 + 2 * DAY + 1);
    expect((await log.recent({ limit: 10 })).map((e) => e.count)).toEqual([3, 2]);
    expect((await collect(log.range({ since: 0, until: T0 + 10 * DAY }))).map((e) => e.count)).toEqual([2, 3]);
  });

  it("keeps at most 100,000 events in memory, dropping the oldest", async () => {
    const log = memory();
    for (let i = 0; i < 100_010; i++) await log.append({ kind: "alert.sent", count: i }, T0 + i);
    const kept = await collect(log.range({ since: 0, until: T0 + 200_000 }));
    expect(kept).toHaveLength(100_000);
    expect(kept[0]?.count).toBe(10);
  });

  it("hands out copies: a caller cannot change the log", async () => {
    const log = memory();
    await log.append({ kind: "guard.injection", signals: ["override"] }, T0);
    const [event] = await log.recent({ limit: 1 });
    event!.signals!.push("tampered");
    expect((await log.recent({ limit: 1 }))[0]?.signals).toEqual(["override"]);
  });
});

describe("matchesQuery", () => {
  const event: AuditEvent = { id: `${T0}-3`, time: new Date(T0).toISOString(), kind: "guard.output_links", user: "u" };
  it("treats since and until as inclusive, by the time in the id", () => {
    expect(matchesQuery(event, { since: T0, until: T0 })).toBe(true);
    expect(matchesQuery(event, { since: T0 + 1 })).toBe(false);
    expect(matchesQuery(event, { until: T0 - 1 })).toBe(false);
  });
  it("matches a family only with its trailing dot", () => {
    expect(matchesQuery(event, { kinds: ["guard."] })).toBe(true);
    expect(matchesQuery(event, { kinds: ["guard.output"] })).toBe(false);
    expect(matchesQuery(event, { kinds: [] })).toBe(true);
    expect(matchesQuery(event, { user: "v" })).toBe(false);
  });
});

describe("audit() and auditGuard() (lib/audit/audit.ts)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  /** Fresh modules over a fresh in-memory store; everything written to stdout and stderr is kept. */
  async function load() {
    for (const [name, value] of Object.entries({
      NODE_ENV: "test",
      NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
      GITHUB_ID: "Iv1.abc",
      GITHUB_SECRET: randomBytes(20).toString("hex"),
      AI_MODELS: "demo:demo",
    })) {
      vi.stubEnv(name, value);
    }
    for (const name of ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "REDIS_URL"]) vi.stubEnv(name, undefined);
    (await import("@/lib/singleton")).resetProcessSingletonsForTests();
    vi.resetModules();
    const lines: { stream: string; record: Record<string, unknown> }[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      vi.spyOn(process[stream], "write").mockImplementation((chunk) => {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push({ stream, record: JSON.parse(line) as Record<string, unknown> });
        return true;
      });
    }
    return { ...(await import("@/lib/audit/audit")), stores: await import("@/lib/audit/store"), lines };
  }

  it("stores a guard decision under the user's store hash and logs it as a warning, without any text", async () => {
    const { auditGuard, stores, lines } = await load();
    await auditGuard(
      { userId: "credentials:alice@example.test", route: "/api/chat", requestId: "req-1" },
      { stage: "injection", action: "blocked", signals: ["override", "exfil"], score: 0.91234 },
    );
    const [event] = await (await stores.auditLog()).recent({ limit: 10 });
    expect(event).toMatchObject({
      kind: "guard.injection",
      user: userKey("credentials:alice@example.test"),
      route: "/api/chat",
      requestId: "req-1",
      reason: "blocked",
      signals: ["override", "exfil"],
      score: 0.912,
    });
    const line = lines.find((l) => l.record.event === "audit.guard.injection");
    expect(line?.stream).toBe("stderr");
    const { hashId } = await import("@/lib/log/hash-id");
    expect(line?.record).toMatchObject({
      level: "warn",
      user: hashId(userKey("credentials:alice@example.test")),
      action: "blocked",
      reason: "blocked",
      signals: "override,exfil",
      score: 0.912,
    });
    expect(JSON.stringify(lines)).not.toContain("alice");
  });

  it("logs routine events at info level", async () => {
    const { audit, lines } = await load();
    await audit({ kind: "auth.signin_succeeded", user: "u", route: "signin", reason: "github" });
    expect(lines.find((l) => l.record.event === "audit.auth.signin_succeeded")).toMatchObject({
      stream: "stdout",
      record: { level: "info", reason: "github" },
    });
  });

  it("never rejects: a store that fails loses the event, says so in the log, and the caller goes on", async () => {
    const { audit, stores, lines } = await load();
    vi.spyOn(await stores.auditLog(), "append").mockRejectedValue(new Error("connection lost"));
    await expect(audit({ kind: "limit.refused", user: "u", reason: "rate_limited", requestId: "req-9" })).resolves.toBeUndefined();
    expect(lines.map((l) => l.record.event)).toEqual(["audit.limit.refused", "store.operation_failed", "audit.not_stored"]);
    expect(lines.at(-1)?.record).toMatchObject({ kind: "limit.refused", requestId: "req-9" });
  });
});
