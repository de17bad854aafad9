import { describe, expect, it } from "vitest";
import { generateRelayKey, isWellFormedRelayKey, RELAY_KEY_LENGTH, RELAY_KEY_PATTERN, relayKeyHmac, relayKeyPrefix } from "@/lib/api-keys/key-format";
import { createRelayKeyStore, type RelayKeyRecord } from "@/lib/api-keys/store";
import { maskSecrets } from "@/lib/log/redact";
import { findSecrets } from "@/lib/guard/pii";
import { EnvError, parseEnv } from "@/lib/config/schema";
import { fakeSecret } from "../support/fake-keys";

describe("the relay key format", () => {
  it("is bwk_ and 46 base62 characters, with a public prefix of 10", () => {
    const keys = Array.from({ length: 200 }, generateRelayKey);
    for (const key of keys) {
      expect(key).toMatch(/^bwk_[0-9A-Za-z]{46}$/);
      expect(key).toHaveLength(RELAY_KEY_LENGTH);
      expect(isWellFormedRelayKey(key)).toBe(true);
      expect(relayKeyPrefix(key)).toBe(key.slice(0, 10));
    }
    expect(new Set(keys).size).toBe(keys.length);
    // Every symbol of the alphabet turns up across 200 keys × 40 random characters.
    expect(new Set(keys.flatMap((k) => [...k.slice(4, 44)])).size).toBe(62);
  });

  it("refuses a key with any one character changed, by its checksum, and anything not of its shape", () => {
    const key = generateRelayKey();
    for (let i = 4; i < key.length; i++) {
      const swapped = key[i] === "a" ? "b" : "a";
      expect(isWellFormedRelayKey(`${key.slice(0, i)}${swapped}${key.slice(i + 1)}`)).toBe(false);
    }
    for (const text of ["", "bwk_", key.slice(0, -1), `${key}x`, ` ${key}`, key.replace("bwk_", "bwk-"), key.toUpperCase()]) {
      expect(isWellFormedRelayKey(text)).toBe(false);
    }
  });

  it("is stored as an HMAC that depends on the secret, and never contains the key", () => {
    const key = generateRelayKey();
    const [one, two] = [fakeSecret(), fakeSecret()];
    expect(relayKeyHmac(key, one)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(relayKeyHmac(key, one)).toBe(relayKeyHmac(key, one));
    expect(relayKeyHmac(key, one)).not.toBe(relayKeyHmac(key, two));
    expect(relayKeyHmac(key, one)).not.toContain(key.slice(4, 14));
  });

  it("is recognised by the log masker, the input guard and the scanners' pattern", () => {
    const key = generateRelayKey();
    expect(maskSecrets(`calling with ${key} now`)).toBe("calling with [REDACTED_KEY] now");
    expect(findSecrets(`my key: ${key}.`).map((s) => s.subtype)).toEqual(["bulwark_relay_key"]);
    expect(`x ${key} y`.match(RELAY_KEY_PATTERN)).toEqual([key]);
  });
});

describe("RELAY_KEY_SECRET", () => {
  const base = { NODE_ENV: "development", NEXTAUTH_SECRET: fakeSecret(), GITHUB_ID: "id", GITHUB_SECRET: fakeSecret() };
  it("takes a list of secrets of 32 characters or more; unset turns API keys off", () => {
    const [a, b] = [fakeSecret(), fakeSecret()];
    expect(parseEnv({ ...base, RELAY_KEY_SECRET: ` ${a} , ${b} ` }).relay.secrets).toEqual([a, b]);
    expect(parseEnv({ ...base, RELAY_KEY_SECRET: "" }).relay.secrets).toEqual([]);
    expect(() => parseEnv({ ...base, RELAY_KEY_SECRET: `${a},too-short` })).toThrow(EnvError);
    expect(() => parseEnv({ ...base, RELAY_KEY_SECRET: `${a},too-short` })).toThrow(/RELAY_KEY_SECRET: entry 2 must be at least 32 characters/);
  });
});

describe("the in-memory relay key store", () => {
  const record = (over: Partial<RelayKeyRecord> = {}): RelayKeyRecord => ({
    id: crypto.randomUUID(),
    owner: "owner-hash",
    ownerId: "credentials:dev@example.test",
    name: "laptop",
    prefix: "bwk_abcdef",
    hmac: crypto.randomUUID(),
    models: null,
    createdAt: Date.now(),
    expiresAt: null,
    lifetimeDays: null,
    rateLimit: null,
    dailyTokenBudget: null,
    lastUsedAt: null,
    rolledFrom: null,
    rolledTo: null,
    usage: { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 },
    ...over,
  });

  it("holds its cap and gives a key one successor, however many calls run at once", async () => {
    const store = createRelayKeyStore({ kind: "memory", prefix: "t" }, undefined);
    const made = await Promise.all(Array.from({ length: 40 }, () => store.create(record(), { maxPerOwner: 25 })));
    expect(made.filter(Boolean)).toHaveLength(25);
    expect(await store.listByOwner("owner-hash")).toHaveLength(25);
    expect(await store.create(record({ owner: "someone-else" }), { maxPerOwner: 25 })).toBe(true);
    const [first] = await store.listByOwner("owner-hash");
    const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => store.claimRoll(first!.id, `next-${i}`)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.releaseRoll(first!.id, "not-the-claim");
    expect((await store.get(first!.id))?.rolledTo).toMatch(/^next-/);
    await store.releaseRoll(first!.id, (await store.get(first!.id))!.rolledTo!);
    expect(await store.claimRoll(first!.id, "again")).toBe(true);
  });

  it("finds a key by any of its HMACs, lists it under its owner, counts its use and forgets it when removed", async () => {
    const store = createRelayKeyStore({ kind: "memory", prefix: "t" }, undefined);
    const mine = record();
    const theirs = record({ owner: "someone-else" });
    await Promise.all([store.create(mine), store.create(theirs)]);
    expect((await store.findByHmac(["nope", mine.hmac]))?.id).toBe(mine.id);
    expect((await store.listByOwner("owner-hash")).map((r) => r.id)).toEqual([mine.id]);
    expect(await store.listAll()).toHaveLength(2);
    await store.addUsage(mine.id, { requests: 1, inputTokens: 10, outputTokens: 5, costMicroUsd: 7 });
    await store.touch(mine.id, 1234);
    expect(await store.get(mine.id)).toMatchObject({ lastUsedAt: 1234, usage: { requests: 1, inputTokens: 10, outputTokens: 5, costMicroUsd: 7 } });
    const graceEnds = Date.now() + 60_000;
    await store.setExpiry(mine.id, { expiresAt: graceEnds, rolledTo: theirs.id });
    expect(await store.get(mine.id)).toMatchObject({ expiresAt: graceEnds, rolledTo: theirs.id });
    // Kept 30 days past its expiry, so its owner sees it expired; then gone.
    await store.setExpiry(theirs.id, { expiresAt: Date.now() - 31 * 86_400_000, rolledTo: mine.id });
    expect(await store.get(theirs.id)).toBeNull();
    expect(await store.remove(mine.id)).toBe(true);
    expect(await store.findByHmac([mine.hmac])).toBeNull();
    expect(await store.remove(mine.id)).toBe(false);
  });
});
