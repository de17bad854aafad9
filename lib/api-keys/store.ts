import "server-only";
import type { Redis } from "@upstash/redis";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { storeBackend, type StoreBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";
import { storeKey } from "../store/keys";

/**
 * Where relay keys are recorded. A record holds what the owner chose (name, models, limits, expiry),
 * the key's public prefix and its HMAC, never the key. On Redis the owner's user id (which can be an
 * email address) and the name they gave the key are sealed with the conversation keyring; the owner
 * also appears as the store's user hash, for listing.
 *
 *   <prefix>:relaykey:<id>              hash    the record, plus usage counters
 *   <prefix>:relaykey:hmac:<hmac>       string  id: the lookup a request makes
 *   <prefix>:relaykeys:owner:<userKey>  set     ids of one owner's keys
 *   <prefix>:relaykeys:all              set     every id, for the admin list
 *
 * A record with an expiry is deleted by Redis 30 days after it (its set entries are dropped on the
 * next listing), so expired keys stay visible for a while and then go.
 */
export type RelayKeyUsage = { requests: number; inputTokens: number; outputTokens: number; costMicroUsd: number };

export type RelayKeyRecord = {
  id: string;
  /** The store's hash of the owner's user id (`userKey`). */
  owner: string;
  /** The owner's user id, which the chat pipeline runs as. */
  ownerId: string;
  name: string;
  prefix: string;
  hmac: string;
  /** Model ids the key may use; null: every model in AI_MODELS. */
  models: string[] | null;
  createdAt: number;
  expiresAt: number | null;
  /** The lifetime chosen at creation, in days, so a rolled key gets the same. */
  lifetimeDays: number | null;
  /** Requests per minute; null: only the owner's own limit. */
  rateLimit: number | null;
  /** Tokens per UTC day; null: only the owner's own budget. */
  dailyTokenBudget: number | null;
  lastUsedAt: number | null;
  /** The key this one replaced, or was replaced by, in a roll. */
  rolledFrom: string | null;
  rolledTo: string | null;
  usage: RelayKeyUsage;
};

export interface RelayKeyStore {
  /**
   * Stores a new key unless its owner would then hold more than `maxPerOwner` (false, nothing kept).
   * The count and the insert are one step, so parallel creations cannot pass the cap together.
   */
  create(record: RelayKeyRecord, options?: { maxPerOwner?: number }): Promise<boolean>;
  /** Marks the key as replaced by `successor` unless it has been already (false): one successor per key, whatever runs in parallel. */
  claimRoll(id: string, successor: string): Promise<boolean>;
  /** Undoes a claim whose successor could not be stored. */
  releaseRoll(id: string, successor: string): Promise<void>;
  /** The record whose HMAC is one of these (one per configured secret), or null. */
  findByHmac(hmacs: readonly string[]): Promise<RelayKeyRecord | null>;
  get(id: string): Promise<RelayKeyRecord | null>;
  listByOwner(owner: string): Promise<RelayKeyRecord[]>;
  listAll(): Promise<RelayKeyRecord[]>;
  /** Shortens a key's life (a roll's grace period) and links it to its successor. */
  setExpiry(id: string, args: { expiresAt: number; rolledTo: string }): Promise<void>;
  touch(id: string, at: number): Promise<void>;
  addUsage(id: string, delta: RelayKeyUsage): Promise<void>;
  /** Deletes the record and its lookup at once; false when there was none. */
  remove(id: string): Promise<boolean>;
}

const KEEP_EXPIRED_MS = 30 * 86_400_000;

/** An expired key kept past KEEP_EXPIRED_MS: gone (Redis lets such a record expire by itself). */
const pastKeeping = (record: RelayKeyRecord) => record.expiresAt !== null && record.expiresAt + KEEP_EXPIRED_MS < Date.now();
const NO_USAGE: RelayKeyUsage = { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 };
const USAGE_FIELDS = ["requests", "inputTokens", "outputTokens", "costMicroUsd"] as const;

export function createRelayKeyStore(backend: StoreBackend, keyring: Keyring | undefined): RelayKeyStore {
  if (backend.kind === "memory") return new MemoryRelayKeyStore();
  if (!keyring) throw new Error("a Redis store needs CONVERSATION_ENCRYPTION_KEY");
  return new RedisRelayKeyStore(backend.redis, backend.prefix, keyring);
}

const optionalNumber = (value: unknown): number | null => {
  const n = Number(value);
  return value === undefined || value === null || value === "" || !Number.isFinite(n) ? null : n;
};

/** Sets `rolledTo` if the record exists and has none yet: 1, else 0. */
const CLAIM_ROLL = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], 'rolledTo')
if current and current ~= '' then return 0 end
redis.call('HSET', KEYS[1], 'rolledTo', ARGV[1])
return 1`;

/** Clears `rolledTo` if it still names this successor. */
const RELEASE_ROLL = `
if redis.call('HGET', KEYS[1], 'rolledTo') == ARGV[1] then redis.call('HSET', KEYS[1], 'rolledTo', '') end
return 1`;

class RedisRelayKeyStore implements RelayKeyStore {
  private readonly claimScript;
  private readonly releaseScript;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly keyring: Keyring,
  ) {
    this.claimScript = redis.createScript<number>(CLAIM_ROLL);
    this.releaseScript = redis.createScript<number>(RELEASE_ROLL);
  }

  private recordKey = (id: string) => storeKey(this.prefix, "relaykey", id);
  private hmacKey = (hmac: string) => storeKey(this.prefix, "relaykey", "hmac", hmac);
  private ownerKey = (owner: string) => storeKey(this.prefix, "relaykeys", "owner", owner);
  private readonly allKey = () => storeKey(this.prefix, "relaykeys", "all");

  async create(record: RelayKeyRecord, { maxPerOwner = Number.POSITIVE_INFINITY }: { maxPerOwner?: number } = {}) {
    const fields: Record<string, string> = {
      id: record.id,
      owner: record.owner,
      ownerId: this.keyring.encrypt(record.ownerId, `relaykey:${record.id}`),
      name: this.keyring.encrypt(record.name, `relaykey-name:${record.id}`),
      prefix: record.prefix,
      hmac: record.hmac,
      // Plain text that is not JSON: @upstash/redis parses values that look like JSON on the way back.
      models: record.models ? record.models.join(",") : "",
      createdAt: String(record.createdAt),
      expiresAt: record.expiresAt === null ? "" : String(record.expiresAt),
      lifetimeDays: record.lifetimeDays === null ? "" : String(record.lifetimeDays),
      rateLimit: record.rateLimit === null ? "" : String(record.rateLimit),
      dailyTokenBudget: record.dailyTokenBudget === null ? "" : String(record.dailyTokenBudget),
      rolledFrom: record.rolledFrom ?? "",
      rolledTo: "",
    };
    const tx = this.redis.multi();
    tx.hset(this.recordKey(record.id), fields);
    tx.set(this.hmacKey(record.hmac), record.id);
    if (record.expiresAt !== null) this.expireAt(tx, record.id, record.hmac, record.expiresAt);
    tx.sadd(this.ownerKey(record.owner), record.id);
    tx.sadd(this.allKey(), record.id);
    // Counted in the same transaction as the insert: each creation sees every one before it. One
    // that finds itself past the cap takes itself out again (its secret was never handed out).
    // Ids whose record has expired are dropped from the set whenever it is listed (load), which the
    // caller does first.
    tx.scard(this.ownerKey(record.owner));
    const results = (await tx.exec()) as unknown[];
    if (Number(results.at(-1)) <= maxPerOwner) return true;
    await this.remove(record.id);
    return false;
  }

  async claimRoll(id: string, successor: string) {
    return (await this.claimScript.exec([this.recordKey(id)], [successor])) === 1;
  }

  async releaseRoll(id: string, successor: string) {
    await this.releaseScript.exec([this.recordKey(id)], [successor]);
  }

  private expireAt(tx: ReturnType<Redis["multi"]>, id: string, hmac: string, expiresAt: number) {
    // The lookup lives as long as the record, so an expired key is told that it expired.
    tx.pexpireat(this.recordKey(id), expiresAt + KEEP_EXPIRED_MS);
    tx.pexpireat(this.hmacKey(hmac), expiresAt + KEEP_EXPIRED_MS);
  }

  async findByHmac(hmacs: readonly string[]) {
    for (const hmac of hmacs) {
      const id = await this.redis.get<string>(this.hmacKey(hmac));
      if (id) return this.get(String(id));
    }
    return null;
  }

  async get(id: string) {
    return this.toRecord(await this.redis.hgetall(this.recordKey(id)));
  }

  async listByOwner(owner: string) {
    return this.load(this.ownerKey(owner));
  }

  async listAll() {
    return this.load(this.allKey());
  }

  private async load(setKey: string) {
    const ids = (await this.redis.smembers(setKey)).map(String);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.recordKey(id));
    const hashes = (await pipeline.exec()) as (Record<string, unknown> | null)[];
    const records = hashes.map((hash) => this.toRecord(hash));
    const gone = ids.filter((_, i) => !records[i]);
    if (gone.length > 0) await this.redis.srem(setKey, ...gone);
    return records.filter((r): r is RelayKeyRecord => r !== null).sort((a, b) => b.createdAt - a.createdAt);
  }

  async setExpiry(id: string, { expiresAt, rolledTo }: { expiresAt: number; rolledTo: string }) {
    const record = await this.get(id);
    if (!record) return;
    const tx = this.redis.multi();
    tx.hset(this.recordKey(id), { expiresAt: String(expiresAt), rolledTo });
    this.expireAt(tx, id, record.hmac, expiresAt);
    await tx.exec();
  }

  async touch(id: string, at: number) {
    // HSET only if the record is still there: a touch racing a revoke must not resurrect a stub.
    if (await this.redis.exists(this.recordKey(id))) await this.redis.hset(this.recordKey(id), { lastUsedAt: String(at) });
  }

  async addUsage(id: string, delta: RelayKeyUsage) {
    if (!(await this.redis.exists(this.recordKey(id)))) return;
    const tx = this.redis.multi();
    for (const field of USAGE_FIELDS) if (delta[field]) tx.hincrby(this.recordKey(id), `usage:${field}`, delta[field]);
    await tx.exec();
  }

  async remove(id: string) {
    const record = await this.get(id);
    if (!record) return false;
    const tx = this.redis.multi();
    tx.del(this.hmacKey(record.hmac), this.recordKey(id));
    tx.srem(this.ownerKey(record.owner), id);
    tx.srem(this.allKey(), id);
    await tx.exec();
    return true;
  }

  private toRecord(hash: Record<string, unknown> | null): RelayKeyRecord | null {
    if (!hash?.id || !hash.hmac) return null;
    const s = (field: string) => (hash[field] === undefined || hash[field] === null ? "" : String(hash[field]));
    const id = s("id");
    const models = s("models");
    return {
      id,
      owner: s("owner"),
      ownerId: this.keyring.decrypt(s("ownerId"), `relaykey:${id}`),
      name: this.keyring.decrypt(s("name"), `relaykey-name:${id}`),
      prefix: s("prefix"),
      hmac: s("hmac"),
      models: models ? models.split(",") : null,
      createdAt: Number(s("createdAt")),
      expiresAt: optionalNumber(hash.expiresAt),
      lifetimeDays: optionalNumber(hash.lifetimeDays),
      rateLimit: optionalNumber(hash.rateLimit),
      dailyTokenBudget: optionalNumber(hash.dailyTokenBudget),
      lastUsedAt: optionalNumber(hash.lastUsedAt),
      rolledFrom: s("rolledFrom") || null,
      rolledTo: s("rolledTo") || null,
      usage: Object.fromEntries(USAGE_FIELDS.map((f) => [f, optionalNumber(hash[`usage:${f}`]) ?? 0])) as RelayKeyUsage,
    };
  }
}

/** In this process; bounded like the other in-memory stores. */
class MemoryRelayKeyStore implements RelayKeyStore {
  private readonly records = new Map<string, RelayKeyRecord>();
  private readonly byHmac = new Map<string, string>();

  async create(record: RelayKeyRecord, { maxPerOwner = Number.POSITIVE_INFINITY }: { maxPerOwner?: number } = {}) {
    // Counted and inserted with no await between: nothing else runs in this process meanwhile.
    let held = 0;
    for (const r of this.records.values()) if (r.owner === record.owner && !pastKeeping(r)) held++;
    if (held >= maxPerOwner) return false;
    this.records.set(record.id, structuredClone({ ...record, usage: { ...NO_USAGE } }));
    this.byHmac.set(record.hmac, record.id);
    return true;
  }

  async claimRoll(id: string, successor: string) {
    const record = this.records.get(id);
    if (!record || record.rolledTo) return false;
    record.rolledTo = successor;
    return true;
  }

  async releaseRoll(id: string, successor: string) {
    const record = this.records.get(id);
    if (record?.rolledTo === successor) record.rolledTo = null;
  }

  async findByHmac(hmacs: readonly string[]) {
    for (const hmac of hmacs) {
      const id = this.byHmac.get(hmac);
      if (id) return this.get(id);
    }
    return null;
  }

  async get(id: string) {
    const record = this.records.get(id);
    if (record && pastKeeping(record)) await this.remove(id);
    return this.records.has(id) ? structuredClone(this.records.get(id) as RelayKeyRecord) : null;
  }

  async listByOwner(owner: string) {
    return (await this.listAll()).filter((r) => r.owner === owner);
  }

  async listAll() {
    const all = await Promise.all([...this.records.keys()].map((id) => this.get(id)));
    return all.filter((r): r is RelayKeyRecord => r !== null).sort((a, b) => b.createdAt - a.createdAt);
  }

  async setExpiry(id: string, { expiresAt, rolledTo }: { expiresAt: number; rolledTo: string }) {
    const record = this.records.get(id);
    if (record) Object.assign(record, { expiresAt, rolledTo });
  }

  async touch(id: string, at: number) {
    const record = this.records.get(id);
    if (record) record.lastUsedAt = at;
  }

  async addUsage(id: string, delta: RelayKeyUsage) {
    const record = this.records.get(id);
    if (record) for (const field of USAGE_FIELDS) record.usage[field] += delta[field];
  }

  async remove(id: string) {
    const record = this.records.get(id);
    if (!record) return false;
    this.records.delete(id);
    this.byHmac.delete(record.hmac);
    return true;
  }
}

/** Relay (personal API) keys of this process, stored as HMACs, on the configured backend. */
export function relayKeyStore(): Promise<RelayKeyStore> {
  return oncePerProcess("store.relay_keys", async () => {
    const backend = await storeBackend();
    const keys = env().conversations.encryptionKeys;
    return createRelayKeyStore(backend, keys.length > 0 ? new Keyring(keys) : undefined);
  });
}
