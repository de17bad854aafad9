import "server-only";
import { statSync } from "node:fs";
import type { KeySource, ProviderConfig } from "../config/schema";
import { mergeKeys, readSecretFile } from "../config/schema";
import { env } from "../env";
import { log } from "../log/logger";
import { storeBackend } from "../store/backend";
import { forgetProcessSingleton, processSingleton } from "../singleton";
import { createKeyFailureStore, type KeyFailureStore } from "./failures";
import { keyAgeDays, keyFingerprint, maskedKey, parseProviderKeys, type ProviderKey } from "../config/provider-keys";
import type { KeyStatus } from "./status";

/**
 * A provider's keys, live. Keys come from the environment or from files a secret manager keeps up
 * to date (`*_FILE`); a file is re-read when it changes (checked on use, one `stat`) and at once when
 * the provider rejects a key, so a key rotated in the secret manager takes effect without a restart.
 * The first key is preferred; a rejected one sits out KEY_COOLDOWN_SECONDS while the next is used.
 * Cooldowns are per instance (each finds out with one rejected call, which its request survives);
 * rejections are also recorded in the store for the dashboard.
 */
export type KeyProvider = "openai" | "anthropic";

type Live = { source: KeySource; signature: string | undefined; keys: ProviderKey[] };

export class KeyPool {
  private readonly live: Live[];
  private readonly benchedUntil = new Map<string, number>();
  private readonly warnedOld = new Set<string>();

  constructor(
    readonly provider: KeyProvider,
    config: ProviderConfig,
    private readonly options: { cooldownMs: number; maxAgeDays: number; now?: () => number },
  ) {
    this.live = config.sources.map((source) => ({ source, signature: source.kind === "file" ? signatureOf(source.path) : undefined, keys: source.keys }));
    this.warnAboutOldKeys();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Every configured key, in order of preference, after picking up changed files. */
  keys(): ProviderKey[] {
    let changed = false;
    for (const entry of this.live) changed = this.reload(entry, false) || changed;
    if (changed) this.warnAboutOldKeys();
    return mergeKeys(this.live);
  }

  /** Re-reads every file source now, changed or not (after a rejection: the manager may have rotated). */
  refresh(): void {
    for (const entry of this.live) this.reload(entry, true);
    this.warnAboutOldKeys();
  }

  /**
   * The key to try next, skipping those already tried in this request: the first not cooling down,
   * else (every key is cooling down) the one whose cooldown ends first, since refusing outright
   * would fail the request for certain.
   */
  next(tried: ReadonlySet<string>): ProviderKey | undefined {
    const now = this.now();
    const untried = this.keys().filter((k) => !tried.has(k.value));
    return (
      untried.find((k) => (this.benchedUntil.get(k.value) ?? 0) <= now) ??
      untried.sort((a, b) => this.benchedUntil.get(a.value)! - this.benchedUntil.get(b.value)!)[0]
    );
  }

  /** Takes a key out of rotation for the cooldown. */
  bench(key: ProviderKey): void {
    this.benchedUntil.set(key.value, this.now() + this.options.cooldownMs);
  }

  inRotation(key: ProviderKey): boolean {
    return (this.benchedUntil.get(key.value) ?? 0) <= this.now();
  }

  /** Where each current key comes from, for the dashboard. */
  sourcesOf(): { key: ProviderKey; source: string }[] {
    this.keys();
    const seen = new Set<string>();
    return this.live.flatMap(({ source, keys }) =>
      keys
        .filter((k) => !seen.has(k.value) && seen.add(k.value))
        .map((key) => ({ key, source: source.kind === "file" ? `${source.variable}_FILE` : source.variable })),
    );
  }

  private reload(entry: Live, force: boolean): boolean {
    if (entry.source.kind !== "file") return false;
    const signature = signatureOf(entry.source.path);
    if (!force && signature === entry.signature) return false;
    entry.signature = signature;
    try {
      const parsed = parseProviderKeys(readSecretFile(entry.source.path));
      if (typeof parsed === "string") throw new Error(parsed);
      if (parsed.length === 0) throw new Error("the file holds no key");
      const changed = parsed.map((k) => k.value).join("\n") !== entry.keys.map((k) => k.value).join("\n");
      if (changed) log.info("keys.reloaded", { provider: this.provider, source: `${entry.source.variable}_FILE`, keys: parsed.length });
      entry.keys = parsed;
      return changed;
    } catch (error) {
      // Mid-rotation a file can be briefly missing or half written: keep serving the last good keys.
      log.error("keys.file_unreadable", { provider: this.provider, source: `${entry.source.variable}_FILE`, problem: problemOf(error) });
      return false;
    }
  }

  private warnAboutOldKeys(): void {
    for (const key of mergeKeys(this.live)) {
      const age = keyAgeDays(key, this.now());
      if (age === undefined || age <= this.options.maxAgeDays || this.warnedOld.has(key.value)) continue;
      this.warnedOld.add(key.value);
      log.warn("keys.too_old", { provider: this.provider, key: keyFingerprint(key.value), ageDays: age, maxAgeDays: this.options.maxAgeDays });
    }
  }
}

/** Changes whenever the file is replaced or rewritten (Kubernetes swaps a symlink; editors rename). */
function signatureOf(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return undefined;
  }
}

function problemOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code) return code;
  return error instanceof Error && !/[A-Za-z0-9_-]{20,}/.test(error.message) ? error.message : "unreadable";
}

/** The process's pool for a provider, or undefined when it has no keys configured. */
export function keyPool(provider: KeyProvider): KeyPool | undefined {
  return processSingleton(`keys.pool.${provider}`, () => {
    const { ai, keys } = env();
    const config = ai[provider];
    return config ? new KeyPool(provider, config, { cooldownMs: keys.cooldownSeconds * 1000, maxAgeDays: keys.maxAgeDays }) : undefined;
  });
}

export function keyFailureStore(): Promise<KeyFailureStore> {
  return processSingleton("keys.failures", () =>
    storeBackend()
      .then(createKeyFailureStore)
      .catch((error: unknown) => {
        forgetProcessSingleton("keys.failures");
        throw error;
      }),
  );
}

/** Every provider key's status for the dashboard: identity, age, rotation and the last failure seen anywhere. */
export async function providerKeyStatus(now: number = Date.now()): Promise<KeyStatus[]> {
  const failures = await (await keyFailureStore()).readAll();
  const { maxAgeDays } = env().keys;
  return (["openai", "anthropic"] as const).flatMap((provider) => {
    const pool = keyPool(provider);
    if (!pool) return [];
    return pool.sourcesOf().map(({ key, source }, index) => {
      const fingerprint = keyFingerprint(key.value);
      const ageDays = keyAgeDays(key, now);
      const failure = failures.get(fingerprint);
      return {
        provider,
        fingerprint,
        label: maskedKey(key.value),
        source,
        position: index + 1,
        createdAt: key.createdAt,
        ageDays,
        tooOld: ageDays !== undefined && ageDays > maxAgeDays,
        inRotation: pool.inRotation(key),
        lastFailure: failure?.at ? { at: failure.at, status: failure.status } : undefined,
        failures: failure?.count ?? 0,
      } satisfies KeyStatus;
    });
  });
}
