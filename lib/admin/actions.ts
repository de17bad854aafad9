import "server-only";
import { z } from "zod";
import { audit } from "../audit/audit";
import type { AuditKind } from "../audit/types";
import type { SessionUser } from "../auth/types";
import { ApiError } from "../errors";
import { revokeAnyRelayKey } from "../api-keys/api-keys";
import { storeOp } from "../store/call";
import { relayKeyStore } from "../api-keys/store";
import { userControlStore } from "../accounts/controls";
import { userKey } from "../store/keys";
import type { UserControlStore } from "../accounts/controls";
import { NOTICES, type NoticeKey } from "./notices";

/**
 * What an admin can change about a user: block them (every session and API request of theirs is
 * refused from the next request, on every instance, since each request reads the store), set their
 * own daily token budget, and revoke any of their API keys. Each change is checked here, whoever
 * calls, and audited with the admin as actor; users appear only as their store hash, never by address.
 */

/** A user as the store names them: `userKey(userId)`, 22 characters of base64url (lib/store/keys.ts). */
export const userKeySchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

/** A user's own budget has the range of DAILY_TOKEN_BUDGET. */
const DAILY_TOKENS = { min: 1_000, max: 1_000_000_000 } as const;

/** A form sends text, so "25,000" is read as 25000; empty or null resets. */
const budgetSchema = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text === "") return null;
  return /^[\d,_ ]+$/.test(text) ? Number(text.replace(/[,_ ]/g, "")) : Number.NaN;
}, z.number().int().min(DAILY_TOKENS.min).max(DAILY_TOKENS.max).nullable());

const blockActionSchema = z.enum(["block", "unblock"]);

/** A refused action: a 400 whose message is the dashboard's notice of the same key, naming the field at fault. */
export class ActionRefused extends ApiError {
  constructor(
    readonly notice: NoticeKey,
    fields: Record<string, string>,
  ) {
    super("invalid_request", NOTICES[notice].text, { fields });
  }
}

/** An API key as its routes name it: the UUID it was made with (lib/api-keys/api-keys.ts). */
export const apiKeyIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export type ActionOutcome = { notice: NoticeKey; user: { userKey: string; blocked: boolean; dailyTokens: number | null } };

/** Who acts, on whom (`target`, unchecked: it comes from the URL), and the request, for the audit event. */
type Target = { admin: SessionUser; target: unknown; requestId?: string };

export function parseBlockAction(value: unknown): "block" | "unblock" {
  const parsed = blockActionSchema.safeParse(value);
  if (!parsed.success) throw new ActionRefused("invalid_action", { action: "must be block or unblock" });
  return parsed.data;
}

export async function blockUser({ admin, target, requestId }: Target): Promise<ActionOutcome> {
  const key = parseUserKey(target);
  if (key === userKey(admin.id)) throw new ActionRefused("self_block", { userKey: "is your own account" });
  return change({ admin, key, requestId, kind: "admin.user_blocked", notice: "user_blocked", apply: (store) => store.setBlocked(key, true) });
}

export async function unblockUser({ admin, target, requestId }: Target): Promise<ActionOutcome> {
  const key = parseUserKey(target);
  return change({ admin, key, requestId, kind: "admin.user_unblocked", notice: "user_unblocked", apply: (store) => store.setBlocked(key, false) });
}

/** `dailyTokens` empty, null or absent returns the user to DAILY_TOKEN_BUDGET. */
export async function setUserBudget({ admin, target, requestId, dailyTokens }: Target & { dailyTokens: unknown }): Promise<ActionOutcome> {
  const key = parseUserKey(target);
  const parsed = budgetSchema.safeParse(dailyTokens ?? null);
  if (!parsed.success) throw new ActionRefused("invalid_budget", { dailyTokens: "must be a whole number from 1000 to 1000000000, or empty" });
  const tokens = parsed.data ?? undefined;
  return change({
    admin,
    key,
    requestId,
    kind: "admin.budget_changed",
    notice: tokens === undefined ? "budget_reset" : "budget_set",
    apply: (store) => store.setDailyTokens(key, tokens),
    detail: { reason: tokens === undefined ? "reset" : "set", count: tokens },
  });
}

function parseUserKey(value: unknown): string {
  const parsed = userKeySchema.safeParse(value);
  if (!parsed.success) throw new ActionRefused("invalid_user", { userKey: "must be 22 letters, digits, - or _" });
  return parsed.data;
}

async function change({
  admin,
  key,
  requestId,
  kind,
  notice,
  apply,
  detail = {},
}: {
  admin: SessionUser;
  key: string;
  requestId: string | undefined;
  kind: AuditKind;
  notice: NoticeKey;
  apply: (store: UserControlStore) => Promise<void>;
  detail?: { reason?: string; count?: number };
}): Promise<ActionOutcome> {
  const controls = await storeOp("user_controls.update", async () => {
    const store = await userControlStore();
    await apply(store);
    return store.read(key);
  });
  await audit({ kind, actor: userKey(admin.id), user: key, route: "admin", requestId, ...detail });
  return { notice, user: { userKey: key, blocked: controls.blocked, dailyTokens: controls.dailyTokens ?? null } };
}

export type ApiKeyOutcome = { notice: NoticeKey; apiKey: { id: string; owner: string; revoked: true } };

/**
 * Revokes anyone's API key: its lookup is deleted, so it is refused from the next request on every
 * instance. Audited by revokeAnyRelayKey as `admin.apikey_revoked`, with the admin as actor and the
 * owner as user. The record is read first only to name the owner in the answer and the notice.
 */
export async function revokeApiKey({ admin, target, requestId }: Target & { requestId: string }): Promise<ApiKeyOutcome> {
  const parsed = apiKeyIdSchema.safeParse(target);
  if (!parsed.success) throw new ActionRefused("invalid_apikey", { id: "must be an API key id (a UUID)" });
  const id = parsed.data;
  const record = await storeOp("relay_keys.get", async () => (await relayKeyStore()).get(id));
  // No record, or revoked by someone else in between: either way, nothing was changed here.
  const revoked = record !== null && (await revokeAnyRelayKey({ adminId: admin.id, id, where: { route: "admin", requestId } }));
  if (!record || !revoked) throw new ApiError("api_key_not_found", NOTICES.apikey_not_found.text);
  return { notice: "apikey_revoked", apiKey: { id, owner: record.owner, revoked: true } };
}
