import { isRecord, toListOf } from "@/components/chat/api-shapes";
import type { IssuedKey, KeyLimits, KeysOverview, RelayKeyView } from "./types";

// The answers of /api/keys, checked field by field like the chat's (components/chat/api-shapes.ts):
// an unexpected shape becomes a clear "unexpected response", not a crash in the page.

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;
const isTime = (value: unknown): value is string => typeof value === "string" && !Number.isNaN(Date.parse(value));
const isTimeOrNull = (value: unknown): value is string | null => value === null || isTime(value);
const isCountOrNull = (value: unknown): value is number | null => value === null || isCount(value);
const isIdOrNull = (value: unknown): value is string | null => value === null || typeof value === "string";
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");
const STATUSES: readonly RelayKeyView["status"][] = ["active", "expiring", "expired"];

function toUsage(value: unknown): RelayKeyView["usage"] | undefined {
  if (!isRecord(value)) return undefined;
  const { requests, inputTokens, outputTokens, costUsd, tokensToday } = value;
  if (!isCount(requests) || !isCount(inputTokens) || !isCount(outputTokens) || !isCount(costUsd) || !isCount(tokensToday)) return undefined;
  return { requests, inputTokens, outputTokens, costUsd, tokensToday };
}

export function toKeyView(value: unknown): RelayKeyView | undefined {
  if (!isRecord(value)) return undefined;
  const { id, name, prefix, models, createdAt, expiresAt, lastUsedAt, rateLimit, dailyTokenBudget, status, rolledFrom, rolledTo } = value;
  const usage = toUsage(value.usage);
  if (typeof id !== "string" || typeof name !== "string" || typeof prefix !== "string" || !usage) return undefined;
  if (!(models === null || isStrings(models)) || !isTime(createdAt) || !isTimeOrNull(expiresAt) || !isTimeOrNull(lastUsedAt)) return undefined;
  if (!isCountOrNull(rateLimit) || !isCountOrNull(dailyTokenBudget) || !isIdOrNull(rolledFrom) || !isIdOrNull(rolledTo)) return undefined;
  const known = STATUSES.find((s) => s === status);
  if (!known) return undefined;
  return { id, name, prefix, models, createdAt, expiresAt, lastUsedAt, rateLimit, dailyTokenBudget, status: known, rolledFrom, rolledTo, usage };
}

function toLimits(value: unknown): KeyLimits | undefined {
  if (!isRecord(value)) return undefined;
  const { maxKeys, maxRateLimit, maxDailyTokens, maxLifetimeDays, maxGraceHours, models } = value;
  if (!isCount(maxKeys) || !isCount(maxRateLimit) || !isCount(maxDailyTokens) || !isCount(maxLifetimeDays) || !isCount(maxGraceHours)) return undefined;
  return isStrings(models) ? { maxKeys, maxRateLimit, maxDailyTokens, maxLifetimeDays, maxGraceHours, models } : undefined;
}

export function toKeysOverview(value: unknown): KeysOverview | undefined {
  if (!isRecord(value) || typeof value.enabled !== "boolean") return undefined;
  const keys = toListOf(value.keys, toKeyView);
  const limits = toLimits(value.limits);
  return keys && limits ? { enabled: value.enabled, keys, limits } : undefined;
}

/** The 201 of a create: the view plus the key, which is in no other answer. */
export function toIssuedKey(value: unknown): IssuedKey | undefined {
  const view = toKeyView(value);
  if (!view || !isRecord(value) || typeof value.key !== "string") return undefined;
  return { key: value.key, view };
}

/** The 201 of a roll: the new key as for a create, and the old one as it now stands. */
export function toRolledKey(value: unknown): (IssuedKey & { previous: RelayKeyView }) | undefined {
  const issued = toIssuedKey(value);
  const previous = isRecord(value) ? toKeyView(value.previous) : undefined;
  return issued && previous ? { ...issued, previous } : undefined;
}
