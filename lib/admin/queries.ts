import "server-only";
import { z } from "zod";
import { AUDIT_QUERY_MAX } from "../audit/store";
import { AUDIT_KINDS, type AuditEvent, type AuditQuery } from "../audit/types";
import { env } from "../env";
import { ApiError } from "../errors";
import { zodToApiError } from "../zod-error";
import { providerKeyStatus } from "../provider-keys/pool";
import { listAllRelayKeys, relayKeysEnabled, type RelayKeyView } from "../api-keys/api-keys";
import type { KeyStatus } from "../provider-keys/status";
import { storeOp } from "../store/call";
import { auditLog } from "../audit/store";
import { usageStore } from "../usage/store";
import { userControlStore } from "../accounts/controls";
import { userKey, utcDay } from "../store/keys";
import { userKeySchema } from "./actions";
import type { UsageRecord } from "../usage/store";

/**
 * The dashboard's figures, as plain functions that both the page and the JSON API call, so the two
 * can never disagree. Money is in millionths of a dollar (micro-USD) as in the usage records; days
 * are UTC days, as budgets and usage records reset at 00:00 UTC. Each function is one store
 * operation with its deadline: a store that does not answer is a 503 store_unavailable.
 */
export const HISTORY_DAYS = 30;
export const TOP_USERS = 100;
export const EVENTS_DEFAULT_LIMIT = 100;
export const EXPORT_DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;

export type DayTotals = { day: string; costMicroUsd: number; requests: number; tokens: number };

export type SpendOverview = {
  /** Today's settled spend against DAILY_SPEND_CAP_USD. */
  spend: { day: string; costMicroUsd: number; capMicroUsd: number };
  /** Today's totals over every user, refusals included. */
  today: UsageRecord;
  /** The last HISTORY_DAYS days, oldest first, today last. */
  days: DayTotals[];
};

export async function spendOverview(now: number = Date.now()): Promise<SpendOverview> {
  const days = lastDays(HISTORY_DAYS, now);
  // One round trip's worth of reads at once, not thirty in a row.
  const totals = await storeOp("admin.spend", async () => {
    const store = await usageStore();
    return Promise.all(days.map((day) => store.readTotals(day)));
  });
  const today = totals[totals.length - 1] ?? emptyRecord();
  return {
    spend: { day: utcDay(now), costMicroUsd: today.costMicroUsd, capMicroUsd: Math.round(env().budgets.dailySpendCapUsd * 1e6) },
    today,
    days: days.map((day, i) => {
      const record = totals[i] ?? emptyRecord();
      return { day, costMicroUsd: record.costMicroUsd, requests: record.requests, tokens: record.inputTokens + record.outputTokens };
    }),
  };
}

export type UserRow = {
  userKey: string;
  /** The address they signed in with, from the directory; null for someone it does not know. */
  email: string | null;
  usage: UsageRecord;
  blocked: boolean;
  /** Their own daily token budget, when an admin set one (else DAILY_TOKEN_BUDGET applies). */
  dailyTokens: number | null;
};

/**
 * A day's users: the TOP_USERS highest spenders (refused-only users count, at zero cost), then
 * everyone blocked or on their own budget who is not among them, so a block can always be lifted.
 */
export async function usersForDay(day: string): Promise<UserRow[]> {
  return storeOp("admin.users", async () => {
    const [usage, controls] = await Promise.all([usageStore(), userControlStore()]);
    const [top, controlled] = await Promise.all([usage.topUsers({ day, limit: TOP_USERS }), controls.listControlled()]);
    const keys = [...new Set([...top.map((u) => u.userKey), ...controlled.map((c) => c.userKey)])];
    const [records, emails] = await Promise.all([Promise.all(keys.map((key) => usage.readUser({ userKey: key, day }))), controls.lookup(keys)]);
    const controlsOf = new Map(controlled.map((c) => [c.userKey, c.controls]));
    return keys.map((key, i) => ({
      userKey: key,
      email: emails.get(key) ?? null,
      usage: records[i] ?? emptyRecord(),
      blocked: controlsOf.get(key)?.blocked ?? false,
      dailyTokens: controlsOf.get(key)?.dailyTokens ?? null,
    }));
  });
}

/** One user's row for a day, whether or not they are among its top users: for the events filtered by user. */
export async function userRowFor({ userKey: key, day }: { userKey: string; day: string }): Promise<UserRow> {
  return storeOp("admin.user", async () => {
    const [usage, controls] = await Promise.all([usageStore(), userControlStore()]);
    const [record, own, emails] = await Promise.all([usage.readUser({ userKey: key, day }), controls.read(key), controls.lookup([key])]);
    return { userKey: key, email: emails.get(key) ?? null, usage: record, blocked: own.blocked, dailyTokens: own.dailyTokens ?? null };
  });
}

/** The addresses the directory knows for these users (for display to an admin only). */
export async function namesFor(userKeys: readonly string[]): Promise<Map<string, string>> {
  const keys = [...new Set(userKeys)];
  if (keys.length === 0) return new Map();
  return storeOp("admin.names", async () => (await userControlStore()).lookup(keys));
}

export async function recentEvents(query: AuditQuery): Promise<AuditEvent[]> {
  return storeOp("admin.events", async () => (await auditLog()).recent(query));
}

export type KeyReport = { maxAgeDays: number; keys: KeyStatus[] };

export async function keyReport(): Promise<KeyReport> {
  return { maxAgeDays: env().keys.maxAgeDays, keys: await storeOp("admin.keys", () => providerKeyStatus()) };
}

/** A personal API key as an admin sees it: what its owner sees (never the key), whose it is, and their address. */
export type AdminApiKey = RelayKeyView & {
  /** The owner's store hash (`userKey`). */
  owner: string;
  /** The owner's address, from the same directory as the users table; null for someone it does not know. */
  ownerEmail: string | null;
};

/** `enabled`: RELAY_KEY_SECRET is set, so keys can be made and used (without it, none of these work). */
export type ApiKeysReport = { enabled: boolean; keys: AdminApiKey[] };

/** Every user's API keys: the most recently used first, then those never used, newest first. */
export async function allApiKeys(): Promise<ApiKeysReport> {
  const keys = await listAllRelayKeys();
  const names = await namesFor(keys.map((key) => key.owner));
  return {
    enabled: relayKeysEnabled(),
    keys: keys.map((key) => ({ ...key, ownerEmail: names.get(key.owner) ?? null })).sort(byRecentUse),
  };
}

// ISO 8601 times in one format sort as text; a key never used ("") sorts after every used one.
const byRecentUse = (a: AdminApiKey, b: AdminApiKey) => (b.lastUsedAt ?? "").localeCompare(a.lastUsedAt ?? "") || b.createdAt.localeCompare(a.createdAt);

/* ── Reading filters from a URL: the page's search params and the API's query string alike ── */

/** A URL's parameters, as `URLSearchParams` (routes) or Next's `searchParams` object (pages). */
export type UrlParams = URLSearchParams | Record<string, string | string[] | undefined>;

function param(params: UrlParams, name: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() ? first.trim() : undefined;
}

/** `guard.`, `auth.`…: the families of event kinds, for the filter. */
export const EVENT_FAMILIES = [...new Set(AUDIT_KINDS.map((kind) => `${kind.slice(0, kind.indexOf("."))}.`))];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
/** A real calendar day: `2026-02-30` and `2026-13-01` are not. */
const isDay = (value: string) => DAY.test(value) && !Number.isNaN(dayStart(value)) && utcDay(dayStart(value)) === value;
const isUserKey = (value: string) => userKeySchema.safeParse(value).success;

const LIMIT_RULE = `must be a whole number from 1 to ${AUDIT_QUERY_MAX}`;

const eventFilterSchema = z.object({
  kind: z
    .string()
    .refine((v) => (AUDIT_KINDS as readonly string[]).includes(v) || EVENT_FAMILIES.includes(v), { error: "must be an event kind, or a family such as guard." })
    .optional(),
  user: z
    .string()
    .max(320, { error: "is too long" })
    .refine((v) => isUserKey(v) || v.includes(":") || v.includes("@"), {
      error: "must be a user hash (22 characters), a user id such as github:42, or a local account's email address",
    })
    .optional(),
  since: z
    .string()
    .refine((v) => isDay(v) || (v.includes("T") && !Number.isNaN(Date.parse(v))), { error: "must be a day (YYYY-MM-DD) or an ISO 8601 time" })
    .optional(),
  limit: z.coerce.number().int({ error: LIMIT_RULE }).min(1, { error: LIMIT_RULE }).max(AUDIT_QUERY_MAX, { error: LIMIT_RULE }).optional(),
});

/**
 * The events filter from `?kind=&user=&since=&limit=`; unknown parameters are ignored (the page has
 * its own). A user may be given as the store's hash, a user id, or a local account's address.
 */
export function eventQueryFrom(params: UrlParams, { defaultLimit = EVENTS_DEFAULT_LIMIT } = {}): AuditQuery {
  const parsed = eventFilterSchema.safeParse({
    kind: param(params, "kind"),
    user: param(params, "user"),
    since: param(params, "since"),
    limit: param(params, "limit"),
  });
  if (!parsed.success) throw zodToApiError(parsed.error);
  const { kind, user, since, limit } = parsed.data;
  return {
    limit: limit ?? defaultLimit,
    ...(kind && { kinds: [kind] }),
    ...(user && { user: toUserKey(user) }),
    ...(since && { since: isDay(since) ? dayStart(since) : Date.parse(since) }),
  };
}

function toUserKey(user: string): string {
  if (isUserKey(user)) return user;
  // Local accounts' ids are `credentials:<address>` (lib/auth/options.ts); OAuth users are found by id.
  return user.includes(":") ? userKey(user) : userKey(`credentials:${user.toLowerCase()}`);
}

export type ExportRange = { since: string; until: string; sinceMs: number; untilMs: number };

/** `?since=&until=` (UTC days, both included) for the audit export; the last EXPORT_DEFAULT_DAYS days by default. */
export function exportRangeFrom(params: UrlParams, now: number = Date.now()): ExportRange {
  const until = param(params, "until") ?? utcDay(now);
  if (!isDay(until)) throw rangeError({ until: "must be a day, YYYY-MM-DD" });
  const since = param(params, "since") ?? utcDay(dayStart(until) - (EXPORT_DEFAULT_DAYS - 1) * DAY_MS);
  if (!isDay(since)) throw rangeError({ since: "must be a day, YYYY-MM-DD" });
  if (since > until) throw rangeError({ since: "must not be after until" });
  return { since, until, sinceMs: dayStart(since), untilMs: dayStart(until) + DAY_MS - 1 };
}

function rangeError(fields: Record<string, string>): ApiError {
  const summary = Object.entries(fields)
    .map(([name, problem]) => `"${name}" ${problem}`)
    .join("; ");
  return new ApiError("invalid_request", `The export range was not accepted: ${summary}.`, { fields });
}

/** The `count` UTC days ending with today's, oldest first. */
function lastDays(count: number, now: number = Date.now()): string[] {
  return Array.from({ length: count }, (_, i) => utcDay(now - (count - 1 - i) * DAY_MS));
}

const emptyRecord = (): UsageRecord => ({ requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, refusals: {} });
