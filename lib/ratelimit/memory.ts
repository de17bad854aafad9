import type { LimitResult, Limiter } from "./types";

/**
 * An in-process sliding window with the same algorithm as @upstash/ratelimit's `slidingWindow`: the
 * count of the current fixed window plus the previous window's count weighted by how much of it
 * still overlaps the sliding window. One instance only: limits do not hold across instances.
 */
export class MemorySlidingWindow implements Limiter {
  private readonly windows = new Map<string, { index: number; current: number; previous: number }>();

  constructor(private readonly options: { requests: number; windowMs: number; now?: () => number; maxKeys?: number }) {}

  async limit(identifier: string): Promise<LimitResult> {
    const { requests, windowMs } = this.options;
    const now = this.options.now?.() ?? Date.now();
    const index = Math.floor(now / windowMs);
    const reset = (index + 1) * windowMs;

    let entry = this.windows.get(identifier);
    if (!entry || entry.index < index - 1) entry = { index, current: 0, previous: 0 };
    else if (entry.index === index - 1) entry = { index, current: 0, previous: entry.current };

    const overlap = 1 - (now % windowMs) / windowMs;
    const used = Math.floor(entry.previous * overlap) + entry.current;
    if (used >= requests) {
      this.windows.set(identifier, entry);
      return { success: false, limit: requests, remaining: 0, reset };
    }
    entry.current += 1;
    this.windows.delete(identifier); // re-insert so the Map's order is least recently used first
    this.windows.set(identifier, entry);
    this.evict();
    return { success: true, limit: requests, remaining: requests - used - 1, reset };
  }

  /** Keeps memory bounded by forgetting the least recently used identifiers. */
  private evict(): void {
    const maxKeys = this.options.maxKeys ?? 50_000;
    for (const key of this.windows.keys()) {
      if (this.windows.size <= maxKeys) break;
      this.windows.delete(key);
    }
  }
}
