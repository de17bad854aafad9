import "server-only";
import type { Redis } from "@upstash/redis";
import { storeBackend, type StoreBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";
import { storeKey } from "../store/keys";

/**
 * What alerts remember between requests, shared by every instance so that a burst spread over many
 * of them still sends one message:
 *
 *   <prefix>:alerts:<name>  string  a claim ("1", SET NX PX) or a counter (INCR), with its TTL
 *
 * `name` is chosen by the caller (lib/alerts/index.ts) and names a user only as `userKey(...)`.
 */
export interface AlertState {
  /** True for exactly one caller of `name` until the claim expires `ttlMs` later, across instances. */
  claimOnce(name: string, ttlMs: number): Promise<boolean>;
  /** Adds one to a counter that lives `ttlMs` from its first count (a fixed window); the new count. */
  countInWindow(name: string, ttlMs: number): Promise<number>;
}

export function createAlertState(backend: StoreBackend): AlertState {
  return backend.kind === "memory" ? new MemoryAlertState() : new RedisAlertState(backend.redis, backend.prefix);
}

class RedisAlertState implements AlertState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key = (name: string) => storeKey(this.prefix, "alerts", name);

  async claimOnce(name: string, ttlMs: number) {
    return (await this.redis.set(this.key(name), "1", { nx: true, px: Math.max(1, Math.round(ttlMs)) })) === "OK";
  }

  async countInWindow(name: string, ttlMs: number) {
    const key = this.key(name);
    // One transaction: the SET NX starts the window (with its expiry) only for the first count, and
    // INCR keeps that expiry, so a counter can never be left without one.
    const [, count] = await this.redis
      .multi()
      .set(key, 0, { nx: true, px: Math.max(1, Math.round(ttlMs)) })
      .incr(key)
      .exec<[unknown, number]>();
    return Number(count);
  }
}

/** In this process, expiry checked on access; expired entries are swept now and then so the map stays small. */
class MemoryAlertState implements AlertState {
  private readonly entries = new Map<string, { value: number; expiresAt: number }>();
  private swept = 0;

  async claimOnce(name: string, ttlMs: number) {
    if (this.live(name)) return false;
    this.entries.set(name, { value: 1, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async countInWindow(name: string, ttlMs: number) {
    const entry = this.live(name) ?? { value: 0, expiresAt: Date.now() + ttlMs };
    entry.value += 1;
    this.entries.set(name, entry);
    return entry.value;
  }

  private live(name: string) {
    const now = Date.now();
    if (this.entries.size > 10_000 && now - this.swept > 60_000) {
      this.swept = now;
      for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    }
    const entry = this.entries.get(name);
    return entry && entry.expiresAt > now ? entry : undefined;
  }
}

/** The dedup claims and counters behind alerts, on the configured backend. */
export function alertState(): Promise<AlertState> {
  return oncePerProcess("store.alerts", async () => createAlertState(await storeBackend()));
}
