import "server-only";
import type { Redis } from "@upstash/redis";
import { storeBackend, type StoreBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";

/**
 * The atomic step behind the concurrency cap and the budgets, on either backend, built from two
 * primitives:
 * - leases: at most `max` live members of a set; each expires on its own, so a lease held by an
 *   instance that died frees itself;
 * - capped counters: a reservation adds its amount only while the counter is below its cap, so
 *   that concurrent requests cannot all pass on the same stale reading; `adjust` settles it later.
 * `admit` takes a lease and makes every reservation, or refuses and changes nothing: on Redis it is
 * one Lua script (one round trip, atomic across instances); in memory, one synchronous step
 * (atomic within the process).
 */
export interface Ledger {
  admit(args: { lease: LeaseRequest; reservations: readonly Reservation[] }): Promise<Admission>;
  releaseLease(args: { key: string; id: string }): Promise<void>;
  adjust(args: { key: string; delta: number; ttlSeconds: number }): Promise<number>;
  read(key: string): Promise<number>;
}

/** A lease `id` in the set `key`, live until `now + ttlMs`, granted while fewer than `max` are live. */
export type LeaseRequest = { key: string; id: string; max: number; ttlMs: number; now: number };

/** Adds `amount` to the counter `key` if it is below `cap`; the counter lives `ttlSeconds` after its last write. */
export type Reservation = { key: string; amount: number; cap: number; ttlSeconds: number };

/**
 * The outcome of `admit` (a live lease `id` is renewed rather than taken again), as if the lease and then each reservation in order had been tried one by
 * one, stopping at the first refusal. Admitted: the live leases now held and each counter after its
 * reservation. Refused: which limit refused (`"lease"`, or the index of the reservation), with the
 * reading it refused on; nothing was written.
 */
export type Admission =
  | { ok: true; held: number; used: number[] }
  | { ok: false; refused: "lease"; held: number }
  | { ok: false; refused: number; used: number };

/*
 * KEYS[1] a sorted set of lease ids scored by expiry, KEYS[2..] the counters.
 * ARGV: now, ttl in ms, max, id, then amount, cap, ttl in seconds for each counter.
 * Everything is checked before anything is written, so a refusal leaves every key as it was (expired
 * leases are not counted, and are removed only by an admission). A lease id already live is renewed,
 * not counted again: a reply that reserves for its next step (a tool call) keeps its own slot. A counter named twice sees its
 * first reservation when the second is checked, as sequential reservations would.
 * Replies {1, held, used...} or {0, 0, held} (lease refused) or {0, i, used} (counter i refused).
 */
const ADMIT = `
local held = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
local mine = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[4]) or '0') > tonumber(ARGV[1])
if not mine and held >= tonumber(ARGV[3]) then return {0, 0, held} end
local pending = {}
for i = 2, #KEYS do
  local arg = 3 * i - 1
  local used = pending[KEYS[i]] or tonumber(redis.call('GET', KEYS[i]) or '0')
  if used >= tonumber(ARGV[arg + 1]) then return {0, i - 1, used} end
  pending[KEYS[i]] = used + tonumber(ARGV[arg])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
held = held + redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local reply = {1, held}
for i = 2, #KEYS do
  local arg = 3 * i - 1
  reply[i + 1] = redis.call('INCRBY', KEYS[i], ARGV[arg])
  redis.call('EXPIRE', KEYS[i], ARGV[arg + 2])
end
return reply`;

// KEYS[1] a counter; ARGV: delta, ttl in seconds.
const ADJUST = `
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return used`;

export function createLedger(backend: StoreBackend): Ledger {
  return backend.kind === "memory" ? new MemoryLedger() : new RedisLedger(backend.redis);
}

class RedisLedger implements Ledger {
  private readonly scripts;
  constructor(private readonly redis: Redis) {
    this.scripts = { admit: redis.createScript<number[]>(ADMIT), adjust: redis.createScript<number>(ADJUST) };
  }

  async admit({ lease, reservations }: { lease: LeaseRequest; reservations: readonly Reservation[] }): Promise<Admission> {
    const keys = [lease.key, ...reservations.map((r) => r.key)];
    const args = [
      String(lease.now),
      String(lease.ttlMs),
      String(lease.max),
      lease.id,
      ...reservations.flatMap((r) => [String(r.amount), String(r.cap), String(r.ttlSeconds)]),
    ];
    const [ok, which, ...values] = (await this.scripts.admit.exec(keys, args)).map(Number);
    if (ok === 1) return { ok: true, held: Number(which), used: values };
    const reading = Number(values[0]);
    return which === 0 ? { ok: false, refused: "lease", held: reading } : { ok: false, refused: Number(which) - 1, used: reading };
  }

  async releaseLease({ key, id }: { key: string; id: string }) {
    await this.redis.zrem(key, id);
  }

  async adjust({ key, delta, ttlSeconds }: { key: string; delta: number; ttlSeconds: number }) {
    return Number(await this.scripts.adjust.exec([key], [String(delta), String(ttlSeconds)]));
  }

  async read(key: string) {
    return Number((await this.redis.get(key)) ?? 0);
  }
}

/** The same semantics in this process, with expiry checked on access. */
export class MemoryLedger implements Ledger {
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly counters = new Map<string, { value: number; expiresAt: number }>();
  private swept = 0;

  // No await inside: the checks and the writes run as one step, so no other admission interleaves.
  async admit({ lease, reservations }: { lease: LeaseRequest; reservations: readonly Reservation[] }): Promise<Admission> {
    const { key, id, max, ttlMs, now } = lease;
    const live = this.leases.get(key) ?? new Map<string, number>();
    const held = [...live.values()].filter((expiresAt) => expiresAt > now).length;
    const mine = (live.get(id) ?? 0) > now;
    if (!mine && held >= max) return { ok: false, refused: "lease", held };
    // What each counter reads before its reservation; a counter named twice reads its first one.
    const pending = new Map<string, number>();
    const readings: number[] = [];
    for (const [index, { key: counter, amount, cap }] of reservations.entries()) {
      const used = pending.get(counter) ?? this.value(counter);
      if (used >= cap) return { ok: false, refused: index, used };
      readings.push(used);
      pending.set(counter, used + amount);
    }

    for (const [other, expiresAt] of live) if (expiresAt <= now) live.delete(other);
    live.set(id, now + ttlMs);
    this.leases.set(key, live);
    const used = reservations.map(({ key: counter, amount, ttlSeconds }, index) => this.set(counter, (readings[index] ?? 0) + amount, ttlSeconds));
    return { ok: true, held: live.size, used };
  }

  async releaseLease({ key, id }: { key: string; id: string }) {
    const live = this.leases.get(key);
    live?.delete(id);
    if (live?.size === 0) this.leases.delete(key);
  }

  async adjust({ key, delta, ttlSeconds }: { key: string; delta: number; ttlSeconds: number }) {
    return this.set(key, this.value(key) + delta, ttlSeconds);
  }

  async read(key: string) {
    return this.value(key);
  }

  private value(key: string): number {
    const entry = this.counters.get(key);
    if (!entry || entry.expiresAt <= Date.now()) {
      this.counters.delete(key);
      return 0;
    }
    return entry.value;
  }

  private set(key: string, value: number, ttlSeconds: number): number {
    const now = Date.now();
    this.counters.set(key, { value, expiresAt: now + ttlSeconds * 1000 });
    // Counters of past days are dropped now and then, so memory does not grow with every user ever seen.
    if (this.counters.size > 10_000 && now - this.swept > 60_000) {
      this.swept = now;
      for (const [k, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(k);
    }
    return value;
  }
}

/** The ledger of this process, on the configured backend. */
export function budgetLedger(): Promise<Ledger> {
  return oncePerProcess("store.ledger", async () => createLedger(await storeBackend()));
}
