import "server-only";
import type { Redis } from "@upstash/redis";
import type { StoreBackend } from "../store/backend";

/**
 * The two atomic primitives behind the concurrency cap and the budgets, on either backend:
 * - leases: at most `max` live members of a set; each expires on its own, so a lease held by an
 *   instance that died frees itself;
 * - capped counters: `reserve` adds an amount only while the counter is below its cap, so that
 *   concurrent requests cannot all pass on the same stale reading; `adjust` settles it later.
 * On Redis each operation is one Lua script (atomic across instances); in memory, one
 * synchronous step (atomic within the process).
 */
export interface Ledger {
  acquireLease(args: { key: string; id: string; max: number; ttlMs: number; now: number }): Promise<{ ok: boolean; held: number }>;
  releaseLease(args: { key: string; id: string }): Promise<void>;
  reserve(args: { key: string; amount: number; cap: number; ttlSeconds: number }): Promise<{ ok: boolean; used: number }>;
  adjust(args: { key: string; delta: number; ttlSeconds: number }): Promise<number>;
  read(key: string): Promise<number>;
}

// KEYS[1] a sorted set of lease ids scored by expiry; ARGV: now, ttl, max, id.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local held = redis.call('ZCARD', KEYS[1])
if held >= tonumber(ARGV[3]) then return {0, held} end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, held + 1}`;

// KEYS[1] a counter; ARGV: amount, cap, ttl in seconds. Adds only while the counter is below the cap.
const RESERVE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, used}`;

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
    this.scripts = { acquire: redis.createScript<[number, number]>(ACQUIRE), reserve: redis.createScript<[number, number]>(RESERVE), adjust: redis.createScript<number>(ADJUST) };
  }

  async acquireLease({ key, id, max, ttlMs, now }: { key: string; id: string; max: number; ttlMs: number; now: number }) {
    const [ok, held] = await this.scripts.acquire.exec([key], [String(now), String(ttlMs), String(max), id]);
    return { ok: Number(ok) === 1, held: Number(held) };
  }

  async releaseLease({ key, id }: { key: string; id: string }) {
    await this.redis.zrem(key, id);
  }

  async reserve({ key, amount, cap, ttlSeconds }: { key: string; amount: number; cap: number; ttlSeconds: number }) {
    const [ok, used] = await this.scripts.reserve.exec([key], [String(amount), String(cap), String(ttlSeconds)]);
    return { ok: Number(ok) === 1, used: Number(used) };
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

  async acquireLease({ key, id, max, ttlMs, now }: { key: string; id: string; max: number; ttlMs: number; now: number }) {
    const live = this.leases.get(key) ?? new Map<string, number>();
    for (const [lease, expiresAt] of live) if (expiresAt <= now) live.delete(lease);
    this.leases.set(key, live);
    if (live.size >= max) return { ok: false, held: live.size };
    live.set(id, now + ttlMs);
    return { ok: true, held: live.size };
  }

  async releaseLease({ key, id }: { key: string; id: string }) {
    const live = this.leases.get(key);
    live?.delete(id);
    if (live?.size === 0) this.leases.delete(key);
  }

  async reserve({ key, amount, cap, ttlSeconds }: { key: string; amount: number; cap: number; ttlSeconds: number }) {
    const used = this.value(key);
    if (used >= cap) return { ok: false, used };
    return { ok: true, used: this.set(key, used + amount, ttlSeconds) };
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
