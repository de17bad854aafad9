import "server-only";
import type { Redis } from "@upstash/redis";
import { DecryptError, Keyring } from "../crypto/keyring";
import { env } from "../env";
import { storeBackend, type StoreBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";
import { storeKey } from "../store/keys";

/**
 * What an admin has set for one user, read on every request so it holds at once on every instance:
 * a block (every session and API request of theirs is refused) and their own daily token budget in
 * place of DAILY_TOKEN_BUDGET. Also a small directory from the store's user hash to the address the
 * user signed in with, so the dashboard can name people; on Redis the address is encrypted with the
 * conversation keyring, so a raw dump of the store still shows no email address.
 *
 *   <prefix>:user:<userKey>:controls  hash  blocked "1", dailyTokens n, sessionsEndedAt ms (sign-out)
 *   <prefix>:users:controlled         set   userKeys with any control set
 *   <prefix>:users:directory          hash  userKey → email (encrypted on Redis)
 */
export type UserControls = { blocked: boolean; dailyTokens: number | undefined };

export interface UserControlStore {
  read(userKey: string): Promise<UserControls>;
  /** The controls, and when the user last signed out (every session begun before then has ended). */
  readWithSessions(userKey: string): Promise<{ controls: UserControls; sessionsEndedAt: number | undefined }>;
  /** Ends every session of the user begun before `at` (ms): what signing out records. */
  endSessions(userKey: string, at: number): Promise<void>;
  setBlocked(userKey: string, blocked: boolean): Promise<void>;
  /** `undefined` returns the user to DAILY_TOKEN_BUDGET. */
  setDailyTokens(userKey: string, tokens: number | undefined): Promise<void>;
  /** Every user with a control set (blocked or their own budget). */
  listControlled(): Promise<{ userKey: string; controls: UserControls }[]>;
  remember(userKey: string, email: string): Promise<void>;
  /** The addresses known for these users; unknown ones are absent. */
  lookup(userKeys: readonly string[]): Promise<Map<string, string>>;
}

const NONE: UserControls = { blocked: false, dailyTokens: undefined };

export function createUserControlStore(backend: StoreBackend, keyring: Keyring | undefined): UserControlStore {
  if (backend.kind === "memory") return new MemoryUserControlStore();
  if (!keyring) throw new Error("a Redis store needs CONVERSATION_ENCRYPTION_KEY");
  return new RedisUserControlStore(backend.redis, backend.prefix, keyring);
}

function sessionsEnded(hash: Record<string, unknown> | null): number | undefined {
  const at = Number(hash?.sessionsEndedAt);
  return Number.isSafeInteger(at) && at > 0 ? at : undefined;
}

function toControls(hash: Record<string, unknown> | null): UserControls {
  const tokens = Number(hash?.dailyTokens);
  return { blocked: String(hash?.blocked ?? "") === "1", dailyTokens: Number.isSafeInteger(tokens) && tokens > 0 ? tokens : undefined };
}

class RedisUserControlStore implements UserControlStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly keyring: Keyring,
  ) {}

  private controlsKey = (userKey: string) => storeKey(this.prefix, "user", userKey, "controls");
  private readonly controlledKey = () => storeKey(this.prefix, "users", "controlled");
  private readonly directoryKey = () => storeKey(this.prefix, "users", "directory");

  async read(userKey: string) {
    return toControls(await this.redis.hgetall(this.controlsKey(userKey)));
  }

  async readWithSessions(userKey: string) {
    const hash = await this.redis.hgetall(this.controlsKey(userKey));
    return { controls: toControls(hash), sessionsEndedAt: sessionsEnded(hash) };
  }

  async endSessions(userKey: string, at: number) {
    // Not an admin's control: the index of controlled users is left as it is.
    await this.redis.hset(this.controlsKey(userKey), { sessionsEndedAt: String(at) });
  }

  async setBlocked(userKey: string, blocked: boolean) {
    await this.update(userKey, "blocked", blocked ? "1" : undefined);
  }

  async setDailyTokens(userKey: string, tokens: number | undefined) {
    await this.update(userKey, "dailyTokens", tokens === undefined ? undefined : String(tokens));
  }

  private async update(userKey: string, field: string, value: string | undefined) {
    const key = this.controlsKey(userKey);
    if (value === undefined) await this.redis.hdel(key, field);
    else await this.redis.hset(key, { [field]: value });
    // The index follows the admin's fields: a user with none left set drops out of it.
    const [blocked, dailyTokens] = await Promise.all([this.redis.hexists(key, "blocked"), this.redis.hexists(key, "dailyTokens")]);
    if (blocked || dailyTokens) await this.redis.sadd(this.controlledKey(), userKey);
    else await this.redis.srem(this.controlledKey(), userKey);
  }

  async listControlled() {
    const userKeys = (await this.redis.smembers(this.controlledKey())).map(String).sort();
    if (userKeys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const userKey of userKeys) pipeline.hgetall(this.controlsKey(userKey));
    const hashes = (await pipeline.exec()) as (Record<string, unknown> | null)[];
    return userKeys.map((userKey, i) => ({ userKey, controls: toControls(hashes[i] ?? null) }));
  }

  async remember(userKey: string, email: string) {
    await this.redis.hset(this.directoryKey(), { [userKey]: this.keyring.encrypt(email, `directory:${userKey}`) });
  }

  async lookup(userKeys: readonly string[]) {
    const found = new Map<string, string>();
    if (userKeys.length === 0) return found;
    const values = await this.redis.hmget<Record<string, string | null>>(this.directoryKey(), ...userKeys);
    for (const userKey of userKeys) {
      const sealed = values?.[userKey];
      if (!sealed) continue;
      try {
        found.set(userKey, this.keyring.decrypt(String(sealed), `directory:${userKey}`));
      } catch (error) {
        // Sealed under a key that has since been retired: the person shows as their hash.
        if (!(error instanceof DecryptError)) throw error;
      }
    }
    return found;
  }
}

/** In this process; bounded, like the other in-memory stores. */
class MemoryUserControlStore implements UserControlStore {
  private readonly controls = new Map<string, UserControls>();
  private readonly directory = new Map<string, string>();
  private readonly sessionsEnded = new Map<string, number>();

  async read(userKey: string) {
    return { ...(this.controls.get(userKey) ?? NONE) };
  }

  async readWithSessions(userKey: string) {
    return { controls: await this.read(userKey), sessionsEndedAt: this.sessionsEnded.get(userKey) };
  }

  async endSessions(userKey: string, at: number) {
    if (!this.sessionsEnded.has(userKey) && this.sessionsEnded.size >= 100_000) this.sessionsEnded.delete(this.sessionsEnded.keys().next().value as string);
    this.sessionsEnded.set(userKey, at);
  }

  async setBlocked(userKey: string, blocked: boolean) {
    this.set(userKey, { ...(await this.read(userKey)), blocked });
  }

  async setDailyTokens(userKey: string, dailyTokens: number | undefined) {
    this.set(userKey, { ...(await this.read(userKey)), dailyTokens });
  }

  private set(userKey: string, controls: UserControls) {
    if (!controls.blocked && controls.dailyTokens === undefined) this.controls.delete(userKey);
    else this.controls.set(userKey, controls);
  }

  async listControlled() {
    return [...this.controls.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([userKey, controls]) => ({ userKey, controls: { ...controls } }));
  }

  async remember(userKey: string, email: string) {
    if (!this.directory.has(userKey) && this.directory.size >= 100_000) this.directory.delete(this.directory.keys().next().value as string);
    this.directory.set(userKey, email);
  }

  async lookup(userKeys: readonly string[]) {
    return new Map(userKeys.flatMap((k) => (this.directory.has(k) ? [[k, this.directory.get(k) as string] as const] : [])));
  }
}

/** The user controls of this process (blocks, budgets, the directory), on the configured backend. */
export function userControlStore(): Promise<UserControlStore> {
  return oncePerProcess("store.user_controls", async () => {
    const backend = await storeBackend();
    const keys = env().conversations.encryptionKeys;
    return createUserControlStore(backend, keys.length > 0 ? new Keyring(keys) : undefined);
  });
}
