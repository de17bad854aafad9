import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryLedger } from "@/lib/ratelimit/ledger";

const T0 = new Date("2026-03-01T12:00:00.000Z").getTime();

afterEach(() => {
  vi.useRealTimers();
});

describe("MemoryLedger: leases", () => {
  const lease = (ledger: MemoryLedger, id: string, now: number, max = 2, key = "streams:alice") => ledger.acquireLease({ key, id, max, ttlMs: 60_000, now });

  it("grants at most max live leases per key, counting the ones held", async () => {
    const ledger = new MemoryLedger();
    expect(await lease(ledger, "a", T0)).toEqual({ ok: true, held: 1 });
    expect(await lease(ledger, "b", T0)).toEqual({ ok: true, held: 2 });
    expect(await lease(ledger, "c", T0)).toEqual({ ok: false, held: 2 });
    expect(await lease(ledger, "d", T0 + 1)).toEqual({ ok: false, held: 2 });
  });

  it("keeps keys apart", async () => {
    const ledger = new MemoryLedger();
    expect(await lease(ledger, "a", T0, 1, "streams:alice")).toEqual({ ok: true, held: 1 });
    expect(await lease(ledger, "a", T0, 1, "streams:bob")).toEqual({ ok: true, held: 1 });
    expect(await lease(ledger, "b", T0, 1, "streams:alice")).toEqual({ ok: false, held: 1 });
  });

  it("frees a slot when a lease expires, so a lease held by a dead instance does not block forever", async () => {
    const ledger = new MemoryLedger();
    await lease(ledger, "a", T0);
    await lease(ledger, "b", T0 + 10_000);
    expect((await lease(ledger, "c", T0 + 59_999)).ok).toBe(false);
    // "a" expires at T0 + 60 000 exactly; "b" is still live.
    expect(await lease(ledger, "c", T0 + 60_000)).toEqual({ ok: true, held: 2 });
    expect((await lease(ledger, "d", T0 + 60_000)).ok).toBe(false);
    // All expired: the key starts empty again.
    expect(await lease(ledger, "e", T0 + 10 * 60_000)).toEqual({ ok: true, held: 1 });
  });

  it("frees a slot on release; releasing an unknown lease or key is harmless", async () => {
    const ledger = new MemoryLedger();
    await lease(ledger, "a", T0);
    await lease(ledger, "b", T0);
    await ledger.releaseLease({ key: "streams:alice", id: "a" });
    expect(await lease(ledger, "c", T0)).toEqual({ ok: true, held: 2 });
    await ledger.releaseLease({ key: "streams:alice", id: "a" });
    await ledger.releaseLease({ key: "streams:alice", id: "never-held" });
    await ledger.releaseLease({ key: "streams:nobody", id: "x" });
    expect((await lease(ledger, "d", T0)).ok).toBe(false);
    await ledger.releaseLease({ key: "streams:alice", id: "b" });
    await ledger.releaseLease({ key: "streams:alice", id: "c" });
    expect(await lease(ledger, "d", T0)).toEqual({ ok: true, held: 1 });
  });

  it("refreshes a lease acquired again under the same id instead of counting it twice", async () => {
    const ledger = new MemoryLedger();
    expect(await lease(ledger, "a", T0)).toEqual({ ok: true, held: 1 });
    expect(await lease(ledger, "a", T0 + 30_000)).toEqual({ ok: true, held: 1 });
    // Its expiry moved: still held just after the first grant would have run out.
    expect(await lease(ledger, "b", T0 + 60_000)).toEqual({ ok: true, held: 2 });
  });
});

describe("MemoryLedger: reserve", () => {
  it("admits while the counter is below the cap, so the last one admitted overshoots by at most its own amount", async () => {
    const ledger = new MemoryLedger();
    const key = "tokens:alice:2026-03-01";
    expect(await ledger.reserve({ key, amount: 40, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 40 });
    expect(await ledger.reserve({ key, amount: 40, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 80 });
    // 80 < 100: admitted, and the counter goes past the cap by less than this amount.
    expect(await ledger.reserve({ key, amount: 50, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 130 });
    expect(130 - 100).toBeLessThanOrEqual(50);
    // At or over the cap: refused, and the counter is left as it was.
    expect(await ledger.reserve({ key, amount: 1, cap: 100, ttlSeconds: 60 })).toEqual({ ok: false, used: 130 });
    expect(await ledger.read(key)).toBe(130);
  });

  it("refuses at exactly the cap and leaves the counter unchanged", async () => {
    const ledger = new MemoryLedger();
    const key = "k";
    expect(await ledger.reserve({ key, amount: 100, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 100 });
    expect(await ledger.reserve({ key, amount: 1, cap: 100, ttlSeconds: 60 })).toEqual({ ok: false, used: 100 });
    expect(await ledger.reserve({ key, amount: 0, cap: 100, ttlSeconds: 60 })).toEqual({ ok: false, used: 100 });
    expect(await ledger.read(key)).toBe(100);
  });

  it("admits one reservation larger than the whole cap when the counter is empty", async () => {
    const ledger = new MemoryLedger();
    expect(await ledger.reserve({ key: "k", amount: 500, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 500 });
    expect((await ledger.reserve({ key: "k", amount: 1, cap: 100, ttlSeconds: 60 })).ok).toBe(false);
  });

  it("admits concurrent reservations one at a time: they cannot all pass on the same reading", async () => {
    const ledger = new MemoryLedger();
    const results = await Promise.all(Array.from({ length: 10 }, () => ledger.reserve({ key: "k", amount: 30, cap: 100, ttlSeconds: 60 })));
    expect(results.filter((r) => r.ok)).toHaveLength(4); // 0, 30, 60, 90 are below 100
    expect(await ledger.read("k")).toBe(120);
  });

  it("keeps counters apart by key", async () => {
    const ledger = new MemoryLedger();
    await ledger.reserve({ key: "tokens:alice", amount: 100, cap: 100, ttlSeconds: 60 });
    expect(await ledger.reserve({ key: "tokens:bob", amount: 10, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 10 });
    expect(await ledger.read("tokens:alice")).toBe(100);
    expect(await ledger.read("tokens:nobody")).toBe(0);
  });
});

describe("MemoryLedger: adjust", () => {
  it("settles a reservation up or down to what was actually used", async () => {
    const ledger = new MemoryLedger();
    const key = "tokens:alice";
    await ledger.reserve({ key, amount: 1_000, cap: 5_000, ttlSeconds: 60 });
    // The reply used 600 of the 1000 reserved: give 400 back.
    expect(await ledger.adjust({ key, delta: -400, ttlSeconds: 60 })).toBe(600);
    await ledger.reserve({ key, amount: 1_000, cap: 5_000, ttlSeconds: 60 });
    // This one used 1 300: charge the extra 300.
    expect(await ledger.adjust({ key, delta: 300, ttlSeconds: 60 })).toBe(1_900);
    expect(await ledger.read(key)).toBe(1_900);
  });

  it("can take a counter over its cap (usage reported after the fact is still counted), and then reserve refuses", async () => {
    const ledger = new MemoryLedger();
    await ledger.reserve({ key: "k", amount: 90, cap: 100, ttlSeconds: 60 });
    expect(await ledger.adjust({ key: "k", delta: 50, ttlSeconds: 60 })).toBe(140);
    expect(await ledger.reserve({ key: "k", amount: 1, cap: 100, ttlSeconds: 60 })).toEqual({ ok: false, used: 140 });
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
    await ledger.reserve({ key: "k", amount: 100, cap: 100, ttlSeconds: 60 });
    expect((await ledger.reserve({ key: "k", amount: 1, cap: 100, ttlSeconds: 60 })).ok).toBe(false);

    vi.setSystemTime(T0 + 59_999);
    expect(await ledger.read("k")).toBe(100);
    vi.setSystemTime(T0 + 60_000);
    expect(await ledger.read("k")).toBe(0);
    expect(await ledger.reserve({ key: "k", amount: 10, cap: 100, ttlSeconds: 60 })).toEqual({ ok: true, used: 10 });
  });

  it("restarts the clock on every write, adjust included", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await ledger.reserve({ key: "k", amount: 50, cap: 100, ttlSeconds: 60 });
    vi.setSystemTime(T0 + 50_000);
    await ledger.adjust({ key: "k", delta: -10, ttlSeconds: 60 });
    vi.setSystemTime(T0 + 100_000); // 100 s after the reserve, 50 s after the adjust
    expect(await ledger.read("k")).toBe(40);
    vi.setSystemTime(T0 + 110_000);
    expect(await ledger.read("k")).toBe(0);
  });

  it("does not restart the clock on a refused reservation", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await ledger.reserve({ key: "k", amount: 100, cap: 100, ttlSeconds: 60 });
    vi.setSystemTime(T0 + 30_000);
    expect((await ledger.reserve({ key: "k", amount: 1, cap: 100, ttlSeconds: 60 })).ok).toBe(false);
    vi.setSystemTime(T0 + 60_000);
    expect(await ledger.read("k")).toBe(0);
  });

  it("adjusting an expired counter starts from zero", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const ledger = new MemoryLedger();
    await ledger.reserve({ key: "k", amount: 80, cap: 100, ttlSeconds: 1 });
    vi.setSystemTime(T0 + 1_000);
    expect(await ledger.adjust({ key: "k", delta: -30, ttlSeconds: 1 })).toBe(-30);
  });
});
