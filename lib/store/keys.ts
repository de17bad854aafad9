import { createHash } from "node:crypto";

/**
 * Key names in the store. Users, accounts and IP addresses appear only as a hash, so a raw dump of
 * the store shows no email address; the hash is unkeyed on purpose, so that rotating a secret never
 * orphans anyone's conversations or resets their budget.
 */
export function hashKey(identifier: string): string {
  return createHash("sha256").update(`bulwark:${identifier}`).digest("base64url").slice(0, 22);
}

/** The UTC day a moment falls in, `2026-11-22`: daily budgets and usage records reset at 00:00 UTC. */
export function utcDay(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** The next 00:00 UTC after `now`, in ms. */
export function nextUtcMidnight(now: number = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

/** Joins a key from the deployment's prefix (STORE_KEY_PREFIX) and its parts. */
export const storeKey = (prefix: string, ...parts: string[]) => [prefix, ...parts].join(":");

/** A user's part of a key. */
export const userKey = (userId: string) => hashKey(`user:${userId}`);

/** Tokens a relay key used on one UTC day: its own budget, and what its owner sees per key. */
export const apiKeyTokensKey = (prefix: string, day: string, keyId: string) => storeKey(prefix, "tokens", day, "apikey", keyId);
