import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryLedger, type Reservation } from "@/lib/ratelimit/ledger";

const T0 = new Date("2026-03-01T12:00:00.000Z").getTime();

afterEach(() => {
  vi.useRealTimers();
});

const lease = ({ id, now = T0, max = 2, key = "streams:alice" }: { id: string; now?: number; max?: number; key?: string }) => ({
  key,
  id,
  max,
  ttlMs: 60_000,
  now,
});
const counter = (key: string, amount: number, cap = 100, ttlSeconds = 60): Reservation => ({ key, amount, cap, ttlSeconds });

/** A lease alone, as the concurrency cap uses it. */
const take = (ledger: MemoryLedger, args: Parameters<typeof lease>[0]) => ledger.admit({ lease: lease(args), reservations: [] });

let spare = 0;
/** One reservation behind a lease that always has room, so only the counter decides; answered as `{ ok, used }`. */
async function reserve(ledger: MemoryLedger, reservation: Reservation): Promise<{ ok: boolean; used: number }> {
  const result = await ledger.admit({ lease: { key: "streams:spare", id: `spare-${++spare}`, max: 1e9, ttlMs: 1, now: 0 }, reservations: [reservation] });
  if (result.ok) return { ok: true, used: result.used[0] ?? NaN };
  if (result.refused === "lease") throw new Error("the spare lease refused");
  return { ok: false, used: result.used };
}

/** How many leases of `key` are live, read by a probe lease that is released again. */
async function leasesHeld(ledger: MemoryLedger, key = "streams:alice", now = T0): Promise<number> {
  const probe = await ledger.admit({ lease: { key, id: "probe", max: 1e9, ttlMs: 1, now }, reservations: [] });
  await ledger.releaseLease({ key, id: "probe" });
  if (!probe.ok) throw new Error("the probe was refused");
  return probe.held - 1;
}

describe("MemoryLedger.admit: leases", () => {
  it("grants at most max live leases per key, counting the ones held", async () => {
    const ledger = new MemoryLedger();
    expect(await take(ledger, { id: "a" })).toEqual({ ok: true, held: 1, used: [] });
    expect(await take(ledger, { id: "b" })).toEqual({ ok: true, held: 2, used: [] });
    expect(await take(ledger, { id: "c" })).toEqual({ ok: false, refused: "lease", held: 2 });
    expect(await take(ledger, { id: "d", now: T0 + 1 })).toEqual({ ok: false, refused: "lease", held: 2 });
  });

  it("keeps keys apart", async () => {
    const ledger = new MemoryLedger();
    expect(await take(ledger, { id: "a", max: 1, key: "streams:alice" })).toMatchObject({ ok: true, held: 1 });
    expect(await take(ledger, { id: "a", max: 1, key: "streams:bob" })).toMatchObject({ ok: true, held: 1 });
    expect(await take(ledger, { id: "b", max: 1, key: "streams:alice" })).toEqual({ ok: false, refused: "lease", held: 1 });
  });

  it("frees a slot when a lease expires, so a lease held by a dead instance does not block forever", async () => {
    const ledger = new MemoryLedger();
    await take(ledger, { id: "a" });
    await take(ledger, { id: "b", now: T0 + 10_000 });
    expect((await take(ledger, { id: "c", now: T0 + 59_999 })).ok).toBe(false);
    // "a" expires at T0 + 60 000 exactly; "b" is still live.
    expect(await take(ledger, { id: "c", now: T0 + 60_000 })).toMatchObject({ ok: true, held: 2 });
    expect((await take(ledger, { id: "d", now: T0 + 60_000 })).ok).toBe(false);
    // All expired: the key starts empty again.
    expect(await take(ledger, { id: "e", now: T0 + 10 * 60_000 })).toMatchObject({ ok: true, held: 1 });
  });

  it("does not count expired leases when it refuses either", async () => {
    const ledger = new MemoryLedger();
    await take(ledger, { id: "a", max: 1 });
    // "a" has expired: "b" is admitted although "a" was never released.
    expect(await take(ledger, { id: "b", max: 1, now: T0 + 60_000 })).toMatchObject({ ok: true, held: 1 });
    expect(await take(ledger, { id: "c", max: 1, now: T0 + 60_001 })).toEqual({ ok: false, refused: "lease", held: 1 });
  });

  it("frees a slot on release; releasing an unknown lease or key is harmless", async () => {
    const ledger = new MemoryLedger();
    await take(ledger, { id: "a" });
    await take(ledger, { id: "b" });
    await ledger.releaseLease({ key: "streams:alice", id: "a" });
    expect(await take(ledger, { id: "c" })).toMatchObject({ ok: true, held: 2 });
    await ledger.releaseLease({ key: "streams:alice", id: "a" });
    await ledger.releaseLease({ key: "streams:alice", id: "never-held" });
    await ledger.releaseLease({ key: "streams:nobody", id: "x" });
    expect((await take(ledger, { id: "d" })).ok).toBe(false);
    await ledger.releaseLease({ key: "streams:alice", id: "b" });
    await ledger.releaseLease({ key: "streams:alice", id: "c" });
    expect(await take(ledger, { id: "d" })).toMatchObject({ ok: true, held: 1 });
  });

  it("refreshes a lease acquired again under the same id instead of counting it twice", async () => {
    const ledger = new MemoryLedger();
    expect(await take(ledger, { id: "a" })).toMatchObject({ ok: true, held: 1 });
    expect(await take(ledger, { id: "a", now: T0 + 30_000 })).toMatchObject({ ok: true, held: 1 });
    // Its expiry moved: still held just after the first grant would have run out.
    expect(await take(ledger, { id: "b", now: T0 + 60_000 })).toMatchObject({ ok: true, held: 2 });
  });
});

describe("MemoryLedger.admit: a reply's next step (a tool call) renews its own lease", () => {
  it("admits a live lease id again at the cap without counting it twice, and renews its expiry", async () => {
    const ledger = new MemoryLedger();
    await take(ledger, { id: "a", max: 1 });
    expect(await take(ledger, { id: "b", max: 1 })).toMatchObject({ ok: false, refused: "lease" });
    expect(await ledger.admit({ lease: lease({ id: "a", max: 1, now: T0 + 50_000 }), reservations: [counter("tokens:alice", 30)] })).toEqual({
      ok: true,
      held: 1,
      used: [30],
    });
    // Renewed at T0 + 50 s for 60 s: still held at T0 + 100 s, when the first lease would have expired.
    expect(await take(ledger, { id: "b", max: 1, now: T0 + 100_000 })).toMatchObject({ ok: false, refused: "lease" });
  });

  it("still refuses the next step on a spent budget, and an expired lease id is a new request", async () => {
    const ledger = new MemoryLedger();
    await ledger.admit({ lease: lease({ id: "a", max: 1 }), reservations: [counter("tokens:alice", 100)] });
    expect(await ledger.admit({ lease: lease({ id: "a", max: 1 }), reservations: [counter("tokens:alice", 10)] })).toEqual({
      ok: false,
      refused: 0,
      used: 100,
    });
    await take(ledger, { id: "b", max: 2, now: T0 + 61_000 });
    expect(await take(ledger, { id: "a", max: 1, now: T0 + 61_000 })).toMatchObject({ ok: false, refused: "lease" });
  });
});

describe("MemoryLedger.admit: a lease and reservations together", () => {
  const reservations = [counter("tokens:alice", 40, 100), counter("tokens:key", 40, 50), counter("spend", 7, 1_000)];

  it("takes the lease and makes every reservation, answering each counter after it", async () => {
    const ledger = new MemoryLedger();
    expect(await ledger.admit({ lease: lease({ id: "a" }), reservations })).toEqual({ ok: true, held: 1, used: [40, 40, 7] });
    expect(await ledger.admit({ lease: lease({ id: "b" }), reservations })).toEqual({ ok: true, held: 2, used: [80, 80, 14] });
    expect(await Promise.all(["tokens:alice", "tokens:key", "spend"].map((key) => ledger.read(key)))).toEqual([80, 80, 14]);
    expect(await leasesHeld(ledger)).toBe(2);
  });

  it("refused at the lease: no counter moves", async () => {
    const ledger = new MemoryLedger();
    await ledger.admit({ lease: lease({ id: "a", max: 1 }), reservations });
    expect(await ledger.admit({ lease: lease({ id: "b", max: 1 }), reservations })).toEqual({ ok: false, refused: "lease", held: 1 });
    expect(await Promise.all(["tokens:alice", "tokens:key", "spend"].map((key) => ledger.read(key)))).toEqual([40, 40, 7]);
    expect(await leasesHeld(ledger)).toBe(1);
  });

  it.each([
    { at: 0, key: "tokens:alice", full: 100 },
    { at: 1, key: "tokens:key", full: 50 },
    { at: 2, key: "spend", full: 1_000 },
  ])("refused at reservation $at: says which and on what reading, and neither takes the lease nor moves any counter", async ({ at, key, full }) => {
    const ledger = new MemoryLedger();
    const before = { "tokens:alice": 10, "tokens:key": 20, spend: 30, [key]: full };
    for (const [k, value] of Object.entries(before)) await ledger.adjust({ key: k, delta: value, ttlSeconds: 60 });

    expect(await ledger.admit({ lease: lease({ id: "a" }), reservations })).toEqual({ ok: false, refused: at, used: full });
    expect(await Promise.all(["tokens:alice", "tokens:key", "spend"].map((k) => ledger.read(k)))).toEqual(Object.values(before));
    expect(await leasesHeld(ledger)).toBe(0);
  });

  it("checks the lease first: a full lease set is what it reports, even when a budget is spent too", async () => {
    const ledger = new MemoryLedger();
    await take(ledger, { id: "a", max: 1 });
    await ledger.adjust({ key: "spend", delta: 5_000, ttlSeconds: 60 });
    expect(await ledger.admit({ lease: lease({ id: "b", max: 1 }), reservations })).toMatchObject({ refused: "lease" });
  });

  it("reports the first reservation that refuses, in the order given", async () => {
    const ledger = new MemoryLedger();
    await ledger.adjust({ key: "tokens:key", delta: 50, ttlSeconds: 60 });
    await ledger.adjust({ key: "spend", delta: 1_000, ttlSeconds: 60 });
    expect(await ledger.admit({ lease: lease({ id: "a" }), reservations })).toEqual({ ok: false, refused: 1, used: 50 });
  });

  it("a counter named twice sees its first reservation when the second is checked, as two reservations in a row would", async () => {
    const ledger = new MemoryLedger();
    expect(await ledger.admit({ lease: lease({ id: "a" }), reservations: [counter("k", 60), counter("k", 10)] })).toEqual({
      ok: true,
      held: 1,
      used: [60, 70],
    });
    // 70 → the first passes (70 < 100) and reads 130 for the second, which refuses; nothing is written.
    expect(await ledger.admit({ lease: lease({ id: "b" }), reservations: [counter("k", 60), counter("k", 10)] })).toEqual({ ok: false, refused: 1, used: 130 });
    expect(await ledger.read("k")).toBe(70);
    expect(await leasesHeld(ledger)).toBe(1);
  });

  it("admits concurrent requests one at a time: never more than max leases, never past a budget by more than one reservation", async () => {
    const ledger = new MemoryLedger();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.admit({ lease: lease({ id: `r${i}`, max: 7 }), reservations: [counter("tokens", 10, 1_000)] })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    expect(results.filter((r) => !r.ok)).toEqual(Array.from({ length: 43 }, () => ({ ok: false, refused: "lease", held: 7 })));
    expect(await ledger.read("tokens")).toBe(70);
    expect(await leasesHeld(ledger)).toBe(7);

    const budgeted = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ledger.admit({ lease: lease({ id: `s${i}`, max: 1_000, key: "streams:bob" }), reservations: [counter("spend", 30)] }),
      ),
    );
    expect(budgeted.filter((r) => r.ok)).toHaveLength(4); // 0, 30, 60, 90 are below 100
    expect(await ledger.read("spend")).toBe(120);
    expect(await leasesHeld(ledger, "streams:bob")).toBe(4);
  });
});

describe("MemoryLedger.admit: capped counters", () => {
  it("admits while the counter is below the cap, so the last one admitted overshoots by at most its own amount", async () => {
    const ledger = new MemoryLedger();
    const key = "tokens:alice:2026-03-01";
    expect(await reserve(ledger, counter(key, 40))).toEqual({ ok: true, used: 40 });
    expect(await reserve(ledger, counter(key, 40))).toEqual({ ok: true, used: 80 });
    // 80 < 100: admitted, and the counter goes past the cap by less than this amount.
    expect(await reserve(ledger, counter(key, 50))).toEqual({ ok: true, used: 130 });
    expect(130 - 100).toBeLessThanOrEqual(50);
    // At or over the cap: refused, and the counter is left as it was.
    expect(await reserve(ledger, counter(key, 1))).toEqual({ ok: false, used: 130 });
    expect(await ledger.read(key)).toBe(130);
  });

  it("refuses at exactly the cap and leaves the counter unchanged", async () => {
    const ledger = new MemoryLedger();
    expect(await reserve(ledger, counter("k", 100))).toEqual({ ok: true, used: 100 });
    expect(await reserve(ledger, counter("k", 1))).toEqual({ ok: false, used: 100 });
    expect(await reserve(ledger, counter("k", 0))).toEqual({ ok: false, used: 100 });
    expect(await ledger.read("k")).toBe(100);
  });

  it("admits one reservation larger than the whole cap when the counter is empty", async () => {
    const ledger = new MemoryLedger();
    expect(await reserve(ledger, counter("k", 500))).toEqual({ ok: true, used: 500 });
    expect((await reserve(ledger, counter("k", 1))).ok).toBe(false);
  });

  it("keeps counters apart by key", async () => {
    const ledger = new MemoryLedger();
    await reserve(ledger, counter("tokens:alice", 100));
    expect(await reserve(ledger, counter("tokens:bob", 10))).toEqual({ ok: true, used: 10 });
    expect(await ledger.read("tokens:alice")).toBe(100);
    expect(await ledger.read("tokens:nobody")).toBe(0);
  });
});

describe("MemoryLedger: adjust", () => {
  it("settles a reservation up or down to what was actually used", async () => {
    const ledger = new MemoryLedger();
    const key = "tokens:alice";
    await reserve(ledger, counter(key, 1_000, 5_000));
    // The reply used 600 of the 1000 reserved: give 400 back.
    expect(await ledger.adjust({ key, delta: -400, ttlSeconds: 60 })).toBe(600);
    await reserve(ledger, counter(key, 1_000, 5_000));
    // This one used 1 300: charge the extra 300.
    expect(await ledger.adjust({ key, delta: 300, ttlSeconds: 60 })).toBe(1_900);
    expect(await ledger.read(key)).toBe(1_900);
  });

  it("can take a counter over its cap (usage reported after the fact is still counted), and then a reservation refuses", async () => {
    const ledger = new MemoryLedger();
    await reserve(ledger, counter("k", 90));
    expect(await ledger.adjust({ key: "k", delta: 50, ttlSeconds: 60 })).toBe(140);
    expect(await reserve(ledger, counter("k", 1))).toEqual({ ok: false, used: 140 });
  });

  it("starts a missing counter from zero", async () => {
    const ledger = new MemoryLedger();
    expect(await ledger.adjust({ key: "fresh", delta: 25, ttlSeconds: 60 })).toBe(25);
  });
});

describe("MemoryLedger: expiry", () => {
  it("forgets a counter ttlSeconds after its last write", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await reserve(ledger, counter("k", 100));
    expect((await reserve(ledger, counter("k", 1))).ok).toBe(false);

    vi.setSystemTime(T0 + 59_999);
    expect(await ledger.read("k")).toBe(100);
    vi.setSystemTime(T0 + 60_000);
    expect(await ledger.read("k")).toBe(0);
    expect(await reserve(ledger, counter("k", 10))).toEqual({ ok: true, used: 10 });
  });

  it("restarts the clock on every write, adjust included", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await reserve(ledger, counter("k", 50));
    vi.setSystemTime(T0 + 50_000);
    await ledger.adjust({ key: "k", delta: -10, ttlSeconds: 60 });
    vi.setSystemTime(T0 + 100_000); // 100 s after the reserve, 50 s after the adjust
    expect(await ledger.read("k")).toBe(40);
    vi.setSystemTime(T0 + 110_000);
    expect(await ledger.read("k")).toBe(0);
  });

  it("does not restart the clock of any counter on a refused admission", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await ledger.admit({ lease: lease({ id: "a" }), reservations: [counter("a", 10, 100, 60), counter("b", 100, 100, 60)] });
    vi.setSystemTime(T0 + 30_000);
    // "a" has room, "b" does not: the refusal writes neither, with a longer time to live or otherwise.
    expect(await ledger.admit({ lease: lease({ id: "b" }), reservations: [counter("a", 10, 100, 3_600), counter("b", 1, 100, 3_600)] })).toEqual({
      ok: false,
      refused: 1,
      used: 100,
    });
    vi.setSystemTime(T0 + 60_000);
    expect(await ledger.read("a")).toBe(0);
    expect(await ledger.read("b")).toBe(0);
  });

  it("adjusting an expired counter starts from zero", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await reserve(ledger, counter("k", 80, 100, 1));
    vi.setSystemTime(T0 + 1_000);
    expect(await ledger.adjust({ key: "k", delta: -30, ttlSeconds: 1 })).toBe(-30);
  });
});
