import "server-only";
import { randomUUID } from "node:crypto";
import { audit } from "../audit/audit";
import { env } from "../env";
import { ApiError } from "../errors";
import { log } from "../log/logger";
import { budgetLedger } from "../ratelimit/ledger";
import { relayKeyStore } from "./store";
import { storeBackend } from "../store/backend";
import { storeOp } from "../store/call";
import { apiKeyTokensKey, userKey, utcDay } from "../store/keys";
import type { UserControls } from "../accounts/controls";
import { generateRelayKey, isWellFormedRelayKey, relayKeyHmac, relayKeyPrefix } from "./key-format";
import { RELAY_KEY_LIMITS } from "./limits";
import type { RelayKeyRecord } from "./store";
import type { KeyLimits } from "../wire";

export { RELAY_KEY_LIMITS };

/**
 * Relay (personal API) keys: what a signed-in user can do with their own keys (create, list, roll,
 * revoke) and how a request's `Authorization: Bearer` header becomes a key record. A key is shown
 * once, when made; afterwards only its HMAC under RELAY_KEY_SECRET exists, so every check is a
 * store lookup, and revoking (deleting the lookup) holds at once on every instance.
 */
export type RelayKeyStatus = "active" | "expiring" | "expired";

/** What the owner (and an admin) sees of a key; never the key itself. */
export type RelayKeyView = {
  id: string;
  name: string;
  prefix: string;
  /** null: every model in AI_MODELS. */
  models: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  rateLimit: number | null;
  dailyTokenBudget: number | null;
  /** `expiring`: replaced in a roll and still valid until `expiresAt`. */
  status: RelayKeyStatus;
  rolledFrom: string | null;
  rolledTo: string | null;
  usage: { requests: number; inputTokens: number; outputTokens: number; costUsd: number; tokensToday: number };
};

export type NewKeyInput = { name: string; models?: string[]; expiresInDays?: number; rateLimit?: number; dailyTokenBudget?: number };

type Where = { route: string; requestId: string };

export const relayKeysEnabled = () => env().relay.secrets.length > 0;

function requireEnabled(): string[] {
  const { secrets } = env().relay;
  if (secrets.length === 0) {
    throw new ApiError("api_keys_disabled", "API keys are not enabled on this server. An administrator can enable them by setting RELAY_KEY_SECRET.");
  }
  return secrets;
}

/** The most a key may be given: its owner's own limits (a key narrows them, never widens them). */
export function ownLimits(controls: UserControls): KeyLimits {
  const { chat, budgets, ai } = env();
  return {
    maxKeys: RELAY_KEY_LIMITS.maxKeysPerUser,
    maxRateLimit: Math.max(1, Math.ceil((chat.rateLimit.requests * 60_000) / chat.rateLimit.windowMs)),
    maxDailyTokens: controls.dailyTokens ?? budgets.dailyTokens,
    maxLifetimeDays: RELAY_KEY_LIMITS.maxLifetimeDays,
    maxGraceHours: RELAY_KEY_LIMITS.maxGraceHours,
    models: ai.models.map((m) => m.id),
  };
}

// POST /api/keys
export async function createRelayKey({ userId, input, controls, where }: { userId: string; input: NewKeyInput; controls: UserControls; where: Where }) {
  const secrets = requireEnabled();
  const limits = ownLimits(controls);
  const fields: Record<string, string> = {};
  if (input.rateLimit !== undefined && input.rateLimit > limits.maxRateLimit)
    fields.rateLimit = `must be at most your own limit of ${limits.maxRateLimit} requests a minute`;
  if (input.dailyTokenBudget !== undefined && input.dailyTokenBudget > limits.maxDailyTokens) {
    fields.dailyTokenBudget = `must be at most your own daily budget of ${limits.maxDailyTokens.toLocaleString("en-US")} tokens`;
  }
  if (Object.keys(fields).length > 0) throw new ApiError("invalid_request", "Some fields are not valid.", { fields });

  const store = await storeOp("relay_keys.open", relayKeyStore);
  const owner = userKey(userId);
  const existing = await storeOp("relay_keys.list", () => store.listByOwner(owner));
  if (existing.length >= limits.maxKeys) throw tooManyKeys(limits.maxKeys);
  const now = Date.now();
  const lifetimeDays = input.expiresInDays ?? null;
  const made = await mint({
    secret: secrets[0] as string,
    // Checked again as the key is stored: requests in parallel all pass the check above.
    maxPerOwner: limits.maxKeys,
    record: {
      owner,
      ownerId: userId,
      name: input.name,
      models: input.models && input.models.length > 0 ? [...new Set(input.models)] : null,
      createdAt: now,
      expiresAt: lifetimeDays === null ? null : now + lifetimeDays * 86_400_000,
      lifetimeDays,
      rateLimit: input.rateLimit ?? null,
      dailyTokenBudget: input.dailyTokenBudget ?? null,
      rolledFrom: null,
    },
  });
  if (!made) throw tooManyKeys(limits.maxKeys);
  await audit({ kind: "apikey.created", user: owner, apiKey: made.record.id, route: where.route, requestId: where.requestId });
  return { key: made.key, view: await viewOf(made.record) };
}

const tooManyKeys = (max: number) =>
  new ApiError("too_many_api_keys", `You have ${max} API keys, the most allowed. Revoke one you no longer use, then create a new one.`);

/** A new key and its record, stored; null when its owner already holds `maxPerOwner` keys. */
async function mint({
  secret,
  record,
  id = randomUUID(),
  maxPerOwner,
}: {
  secret: string;
  record: Omit<RelayKeyRecord, "id" | "prefix" | "hmac" | "lastUsedAt" | "rolledTo" | "usage">;
  id?: string;
  maxPerOwner?: number;
}) {
  const key = generateRelayKey();
  const full: RelayKeyRecord = {
    ...record,
    id,
    prefix: relayKeyPrefix(key),
    hmac: relayKeyHmac(key, secret),
    lastUsedAt: null,
    rolledTo: null,
    usage: { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 },
  };
  const stored = await storeOp("relay_keys.create", async () => (await relayKeyStore()).create(full, { maxPerOwner }));
  return stored ? { key, record: full } : null;
}

// GET /api/keys
export async function listRelayKeys(userId: string): Promise<RelayKeyView[]> {
  const records = await storeOp("relay_keys.list", async () => (await relayKeyStore()).listByOwner(userKey(userId)));
  return viewsOf(records);
}

/** One of the user's keys, or a 404 that reads the same for a key of someone else's and no key at all. */
async function ownKeyOrThrow(userId: string, id: string): Promise<RelayKeyRecord> {
  const record = await storeOp("relay_keys.get", async () => (await relayKeyStore()).get(id));
  if (!record || record.owner !== userKey(userId)) throw new ApiError("api_key_not_found", "That API key does not exist. It may have been revoked already.");
  return record;
}

// DELETE /api/keys/:id
export async function revokeRelayKey({ userId, id, where }: { userId: string; id: string; where: Where }): Promise<void> {
  const record = await ownKeyOrThrow(userId, id);
  await storeOp("relay_keys.remove", async () => (await relayKeyStore()).remove(id));
  await audit({ kind: "apikey.revoked", user: record.owner, apiKey: id, route: where.route, requestId: where.requestId });
}

/** An admin revokes anyone's key (the dashboard); false when there was no such key. */
export async function revokeAnyRelayKey({ adminId, id, where }: { adminId: string; id: string; where: Where }): Promise<boolean> {
  const store = await storeOp("relay_keys.open", relayKeyStore);
  const record = await storeOp("relay_keys.get", () => store.get(id));
  if (!record) return false;
  await storeOp("relay_keys.remove", () => store.remove(id));
  await audit({ kind: "admin.apikey_revoked", user: record.owner, actor: userKey(adminId), apiKey: id, route: where.route, requestId: where.requestId });
  return true;
}

// POST /api/keys/:id/roll
export async function rollRelayKey({ userId, id, graceHours, where }: { userId: string; id: string; graceHours: number; where: Where }) {
  const secrets = requireEnabled();
  const old = await ownKeyOrThrow(userId, id);
  const now = Date.now();
  if (old.expiresAt !== null && old.expiresAt <= now)
    throw new ApiError("invalid_request", "This key has expired, so it cannot be rolled. Create a new key instead.");
  const rolledAlready = () => new ApiError("invalid_request", "This key has been rolled already. Roll its replacement instead.");
  if (old.rolledTo) throw rolledAlready();
  // The claim comes first and is atomic: rolls of one key in parallel make one successor, not many.
  const successor = randomUUID();
  const store = await storeOp("relay_keys.open", relayKeyStore);
  if (!(await storeOp("relay_keys.claim_roll", () => store.claimRoll(old.id, successor)))) throw rolledAlready();
  const made = await mint({
    secret: secrets[0] as string,
    id: successor,
    record: {
      owner: old.owner,
      ownerId: old.ownerId,
      name: old.name,
      models: old.models,
      createdAt: now,
      expiresAt: old.lifetimeDays === null ? null : now + old.lifetimeDays * 86_400_000,
      lifetimeDays: old.lifetimeDays,
      rateLimit: old.rateLimit,
      dailyTokenBudget: old.dailyTokenBudget,
      rolledFrom: old.id,
    },
  }).catch(async (error: unknown) => {
    await store.releaseRoll(old.id, successor).catch(() => {});
    throw error;
  });
  if (!made) throw new Error("a roll's successor was refused with no cap set");
  // The old key lives out its grace period (never longer than it would have anyway), then stops.
  const graceEnds = Math.min(now + graceHours * 3_600_000, old.expiresAt ?? Number.POSITIVE_INFINITY);
  await storeOp("relay_keys.roll", () => store.setExpiry(old.id, { expiresAt: graceEnds, rolledTo: made.record.id }));
  await audit({
    kind: "apikey.rolled",
    user: old.owner,
    apiKey: old.id,
    reason: `grace_${graceHours}h`,
    signals: [`new:${made.record.id}`],
    route: where.route,
    requestId: where.requestId,
  });
  const [view, previous] = await viewsOf([made.record, { ...old, expiresAt: graceEnds, rolledTo: made.record.id }]);
  return { key: made.key, view: view as RelayKeyView, previous: previous as RelayKeyView };
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The key a request comes with, checked: its shape and checksum (no store lookup for a made-up key),
 * then its HMAC under each RELAY_KEY_SECRET, then its expiry. Every refusal is a 401 that says what
 * to do; a revoked key reads the same as one that never existed.
 */
export async function authenticateRelayKey(authorization: string | null, where: Where): Promise<RelayKeyRecord> {
  const secrets = requireEnabled();
  const key = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
  if (!key) {
    log.info("relay.key_refused", { requestId: where.requestId, reason: "missing" });
    throw new ApiError(
      "invalid_api_key",
      "No API key was sent. Send it as the header `Authorization: Bearer bwk_…`; you can create one in Settings → API keys.",
    );
  }
  const invalid = () =>
    new ApiError(
      "invalid_api_key",
      "This API key is not valid: check that it was copied whole, or it may have been revoked. You can create a new one in Settings → API keys.",
    );
  if (!isWellFormedRelayKey(key)) {
    log.info("relay.key_refused", { requestId: where.requestId, reason: "malformed" });
    throw invalid();
  }
  const record = await storeOp("relay_keys.find", async () => (await relayKeyStore()).findByHmac(secrets.map((secret) => relayKeyHmac(key, secret))));
  if (!record) {
    log.info("relay.key_refused", { requestId: where.requestId, reason: "unknown", prefix: relayKeyPrefix(key) });
    throw invalid();
  }
  const now = Date.now();
  if (record.expiresAt !== null && record.expiresAt <= now) {
    await audit({
      kind: "apikey.rejected",
      user: record.owner,
      apiKey: record.id,
      reason: record.rolledTo ? "rolled_grace_over" : "expired",
      route: where.route,
      requestId: where.requestId,
    });
    const ended = new Date(record.expiresAt).toISOString().slice(0, 16).replace("T", " ");
    const why = record.rolledTo ? "was replaced in a roll and its grace period ended" : "expired";
    throw new ApiError("expired_api_key", `This API key ${why} on ${ended} UTC. Use its replacement, or create a new key in Settings → API keys.`);
  }
  touch(record, now);
  return record;
}

// At most one "last used" write per key per instance every 10 s: a busy key does not become a hot store key.
const TOUCH_EVERY_MS = 10_000;
const touched = new Map<string, number>();
function touch(record: RelayKeyRecord, now: number) {
  if ((touched.get(record.id) ?? 0) > now - TOUCH_EVERY_MS) return;
  if (touched.size > 10_000) touched.clear();
  touched.set(record.id, now);
  void relayKeyStore()
    .then((store) => store.touch(record.id, now))
    .catch(() => log.warn("relay.key_touch_failed", { apiKey: record.id }));
}

/** Every key of every user, for the admin dashboard, newest first, with the owner's store hash. */
export async function listAllRelayKeys(): Promise<(RelayKeyView & { owner: string })[]> {
  const records = await storeOp("relay_keys.list_all", async () => (await relayKeyStore()).listAll());
  const views = await viewsOf(records);
  return views.map((view, i) => ({ ...view, owner: (records[i] as RelayKeyRecord).owner }));
}

async function viewOf(record: RelayKeyRecord): Promise<RelayKeyView> {
  return (await viewsOf([record]))[0] as RelayKeyView;
}

async function viewsOf(records: RelayKeyRecord[], now = Date.now()): Promise<RelayKeyView[]> {
  const day = utcDay(now);
  const [ledger, { prefix }] = await storeOp("relay_keys.usage", () => Promise.all([budgetLedger(), storeBackend()]));
  const today = await storeOp("relay_keys.usage", () => Promise.all(records.map((r) => ledger.read(apiKeyTokensKey(prefix, day, r.id)))));
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return records.map((r, i) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    models: r.models,
    createdAt: new Date(r.createdAt).toISOString(),
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
    rateLimit: r.rateLimit,
    dailyTokenBudget: r.dailyTokenBudget,
    status: r.expiresAt !== null && r.expiresAt <= now ? "expired" : r.rolledTo ? "expiring" : "active",
    rolledFrom: r.rolledFrom,
    rolledTo: r.rolledTo,
    usage: {
      requests: r.usage.requests,
      inputTokens: r.usage.inputTokens,
      outputTokens: r.usage.outputTokens,
      costUsd: r.usage.costMicroUsd / 1e6,
      tokensToday: Math.max(0, today[i] ?? 0),
    },
  }));
}
