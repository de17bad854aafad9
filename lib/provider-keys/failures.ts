import "server-only";
import type { Redis } from "@upstash/redis";
import type { StoreBackend } from "../store/backend";
import { storeKey } from "../store/keys";

/**
 * Provider key rejections as every instance saw them, for the dashboard's key status: when a key
 * last failed, with which status, and how often. Keyed by fingerprint; the key itself is never stored.
 *
 *   <prefix>:keys:failures  hash  <fingerprint>:at  <fingerprint>:status  <fingerprint>:count
 */
export type KeyFailure = { at: string; status: number; count: number };

export interface KeyFailureStore {
  record(fingerprint: string, status: number, now?: number): Promise<void>;
  readAll(): Promise<Map<string, KeyFailure>>;
}

export function createKeyFailureStore(backend: StoreBackend): KeyFailureStore {
  return backend.kind === "memory" ? new MemoryKeyFailureStore() : new RedisKeyFailureStore(backend.redis, storeKey(backend.prefix, "keys", "failures"));
}

class RedisKeyFailureStore implements KeyFailureStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async record(fingerprint: string, status: number, now = Date.now()) {
    const tx = this.redis.multi();
    tx.hset(this.key, { [`${fingerprint}:at`]: new Date(now).toISOString(), [`${fingerprint}:status`]: String(status) });
    tx.hincrby(this.key, `${fingerprint}:count`, 1);
    await tx.exec();
  }

  async readAll() {
    return fromFields(await this.redis.hgetall<Record<string, unknown>>(this.key));
  }
}

class MemoryKeyFailureStore implements KeyFailureStore {
  private readonly failures = new Map<string, KeyFailure>();

  async record(fingerprint: string, status: number, now = Date.now()) {
    const count = (this.failures.get(fingerprint)?.count ?? 0) + 1;
    this.failures.set(fingerprint, { at: new Date(now).toISOString(), status, count });
  }

  async readAll() {
    return new Map([...this.failures].map(([k, v]) => [k, { ...v }]));
  }
}

function fromFields(hash: Record<string, unknown> | null): Map<string, KeyFailure> {
  const failures = new Map<string, KeyFailure>();
  for (const [field, value] of Object.entries(hash ?? {})) {
    const [fingerprint, part] = field.split(":");
    if (!fingerprint || !part) continue;
    const entry = failures.get(fingerprint) ?? { at: "", status: 0, count: 0 };
    if (part === "at") entry.at = String(value);
    else if (part === "status") entry.status = Number(value);
    else if (part === "count") entry.count = Number(value);
    failures.set(fingerprint, entry);
  }
  return failures;
}
