import { createHash } from "node:crypto";

/**
 * Provider keys as configured: `OPENAI_API_KEYS` / `ANTHROPIC_API_KEYS` (a list, the first preferred)
 * and the single-key `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`, each also as a `*_FILE`. A key may carry
 * the day it was created, `key@2026-09-01`, so the dashboard and the log can say when it is due for
 * rotation (KEY_MAX_AGE_DAYS). Pure: used by the environment check and by the live key pool.
 */
export type ProviderKey = { value: string; createdAt: string | undefined };

// A trailing `@YYYY-MM-DD`; provider keys never contain `@`.
const DATED = /^(.+)@(\d{4}-\d{2}-\d{2})$/;

/** Keys separated by commas or new lines (a file may hold one a line, with `#` comments); or a problem. */
export function parseProviderKeys(text: string): ProviderKey[] | string {
  const keys: ProviderKey[] = [];
  const entries = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith("#"))
    .flatMap((line) => line.split(","))
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const dated = DATED.exec(entry);
    const value = (dated ? dated[1] : entry)!.trim();
    const createdAt = dated?.[2];
    if (createdAt && !isCalendarDay(createdAt)) return `entry ${index + 1} has a creation date that is not a real day (use key@YYYY-MM-DD)`;
    if (/\s/.test(value)) return `entry ${index + 1} contains a space; separate keys with commas or new lines`;
    if (!keys.some((k) => k.value === value)) keys.push({ value, createdAt });
  }
  return keys;
}

function isCalendarDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/**
 * A key's public identity: a short SHA-256 fingerprint (for logs, audit events and the store) and
 * a masked label for people (`sk-proj-…x4Qa`: the kind and the last four characters, as providers'
 * own consoles show them). Neither lets anyone rebuild the key.
 */
export function keyFingerprint(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 12);
}

export function maskedKey(value: string): string {
  const kind = /^(sk-(?:proj|ant-api\d+|ant|svcacct|admin)-|sk-)/.exec(value)?.[1] ?? "";
  return value.length < 12 ? "…" : `${kind}…${value.slice(-4)}`;
}

/** Whole days since the key's creation date, or undefined when it carries none. */
export function keyAgeDays(key: ProviderKey, now: number = Date.now()): number | undefined {
  if (!key.createdAt) return undefined;
  return Math.floor((now - Date.parse(`${key.createdAt}T00:00:00Z`)) / 86_400_000);
}
