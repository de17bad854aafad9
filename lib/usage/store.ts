import "server-only";
import type { Redis } from "@upstash/redis";
import { env } from "../env";
import { storeBackend, type StoreBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";
import { storeKey } from "../store/keys";

/**
 * Usage per user and per UTC day, and the day's totals: requests, tokens in and out, cost, and
 * refusals by reason. Laid out for a dashboard to read cheaply: one hash per user-day, one hash of
 * totals per day, and a per-day sorted set of users by cost (the top spenders are one ZRANGE).
 *
 *   <prefix>:usage:<day>:user:<userKey>  hash  requests inputTokens outputTokens costMicroUsd refused:<reason>
 *   <prefix>:usage:<day>:total           hash  the same fields, summed
 *   <prefix>:usage:<day>:users           zset  userKey → costMicroUsd
 *
 * Costs are in millionths of a dollar, so every field is an integer counter.
 */
export type RefusalReason = "rate_limited" | "too_many_streams" | "token_budget_exhausted" | "spend_cap_reached" | "prompt_rejected" | "personal_data_rejected";

export type UsageDelta = { requests?: number; inputTokens?: number; outputTokens?: number; costMicroUsd?: number; refused?: RefusalReason };

export type UsageRecord = {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  refusals: Partial<Record<RefusalReason, number>>;
};

export interface UsageStore {
  record(args: { userKey: string; day: string; delta: UsageDelta }): Promise<void>;
  readUser(args: { userKey: string; day: string }): Promise<UsageRecord>;
  readTotals(day: string): Promise<UsageRecord>;
  /** The day's users, highest cost first. */
  topUsers(args: { day: string; limit: number }): Promise<{ userKey: string; costMicroUsd: number }[]>;
}

export function createUsageStore(backend: StoreBackend, { retentionDays }: { retentionDays: number }): UsageStore {
  return backend.kind === "memory" ? new MemoryUsageStore() : new RedisUsageStore(backend.redis, backend.prefix, retentionDays);
}

const FIELDS = ["requests", "inputTokens", "outputTokens", "costMicroUsd"] as const;

function increments(delta: UsageDelta): [string, number][] {
  const pairs: [string, number][] = FIELDS.filter((f) => delta[f]).map((f) => [f, delta[f] ?? 0]);
  if (delta.refused) pairs.push([`refused:${delta.refused}`, 1]);
  return pairs;
}

function toRecord(hash: Record<string, unknown> | null): UsageRecord {
  const record: UsageRecord = { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, refusals: {} };
  for (const [field, value] of Object.entries(hash ?? {})) {
    if ((FIELDS as readonly string[]).includes(field)) record[field as (typeof FIELDS)[number]] = Number(value);
    else if (field.startsWith("refused:")) record.refusals[field.slice(8) as RefusalReason] = Number(value);
  }
  return record;
}

class RedisUsageStore implements UsageStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionDays: number,
  ) {}

  private key(day: string, ...rest: string[]) {
    return storeKey(this.prefix, "usage", day, ...rest);
  }

  async record({ userKey, day, delta }: { userKey: string; day: string; delta: UsageDelta }) {
    const pairs = increments(delta);
    const ttl = (this.retentionDays + 1) * 86_400;
    const tx = this.redis.multi();
    for (const hash of [this.key(day, "user", userKey), this.key(day, "total")]) {
      for (const [field, by] of pairs) tx.hincrby(hash, field, by);
      tx.expire(hash, ttl);
    }
    tx.zincrby(this.key(day, "users"), delta.costMicroUsd ?? 0, userKey);
    tx.expire(this.key(day, "users"), ttl);
    await tx.exec();
  }

  async readUser({ userKey, day }: { userKey: string; day: string }) {
    return toRecord(await this.redis.hgetall(this.key(day, "user", userKey)));
  }

  async readTotals(day: string) {
    return toRecord(await this.redis.hgetall(this.key(day, "total")));
  }

  async topUsers({ day, limit }: { day: string; limit: number }) {
    const flat = await this.redis.zrange<(string | number)[]>(this.key(day, "users"), 0, limit - 1, { rev: true, withScores: true });
    const users: { userKey: string; costMicroUsd: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) users.push({ userKey: String(flat[i]), costMicroUsd: Number(flat[i + 1]) });
    return users;
  }
}

/** In this process; kept for the retention period like the Redis one, pruned when days are added. */
class MemoryUsageStore implements UsageStore {
  private readonly days = new Map<string, { users: Map<string, UsageRecord>; total: UsageRecord }>();

  async record({ userKey, day, delta }: { userKey: string; day: string; delta: UsageDelta }) {
    let entry = this.days.get(day);
    if (!entry) {
      entry = { users: new Map(), total: toRecord(null) };
      this.days.set(day, entry);
      for (const old of [...this.days.keys()].sort().slice(0, -400)) this.days.delete(old);
    }
    const user = entry.users.get(userKey) ?? toRecord(null);
    entry.users.set(userKey, user);
    for (const record of [user, entry.total]) {
      for (const field of FIELDS) record[field] += delta[field] ?? 0;
      if (delta.refused) record.refusals[delta.refused] = (record.refusals[delta.refused] ?? 0) + 1;
    }
  }

  async readUser({ userKey, day }: { userKey: string; day: string }) {
    return structuredClone(this.days.get(day)?.users.get(userKey) ?? toRecord(null));
  }

  async readTotals(day: string) {
    return structuredClone(this.days.get(day)?.total ?? toRecord(null));
  }

  async topUsers({ day, limit }: { day: string; limit: number }) {
    const users = [...(this.days.get(day)?.users ?? new Map<string, UsageRecord>()).entries()];
    return users
      .map(([userKey, r]) => ({ userKey, costMicroUsd: r.costMicroUsd }))
      .sort((a, b) => b.costMicroUsd - a.costMicroUsd)
      .slice(0, limit);
  }
}

/** The usage records of this process, on the configured backend (kept USAGE_RETENTION_DAYS). */
export function usageStore(): Promise<UsageStore> {
  return oncePerProcess("store.usage", async () => createUsageStore(await storeBackend(), { retentionDays: env().usage.retentionDays }));
}
