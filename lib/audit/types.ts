/**
 * The audit log's vocabulary. An event is metadata only: when, what kind, whose (the store's hash of
 * the user id, `userKey` in lib/store/keys.ts, the same hash the usage records use, so the dashboard
 * can join them), where, why and which signals fired. No field ever holds a prompt, a reply, an
 * email address or a key; a key appears only as its fingerprint.
 */
export const AUDIT_KINDS = [
  "auth.signin_succeeded",
  "auth.signin_failed",
  "auth.signin_limited",
  "auth.signed_out",
  "auth.blocked_user",
  "limit.refused",
  "guard.normalize",
  "guard.pii",
  "guard.injection",
  "guard.canary",
  "guard.output_secrets",
  "guard.output_links",
  "tool.called",
  "tool.approved",
  "tool.denied",
  "tool.refused",
  "tool.blocked",
  "key.rejected",
  "apikey.created",
  "apikey.rolled",
  "apikey.revoked",
  "apikey.rejected",
  "admin.user_blocked",
  "admin.user_unblocked",
  "admin.budget_changed",
  "admin.apikey_revoked",
  "admin.audit_exported",
  "alert.sent",
  "alert.failed",
] as const;

export type AuditKind = (typeof AUDIT_KINDS)[number];

export type AuditEvent = {
  /** Unique and time-ordered (the store's id). */
  id: string;
  /** ISO 8601, UTC. */
  time: string;
  kind: AuditKind;
  /** The user the event is about, as `userKey(userId)`. */
  user?: string;
  /** For admin actions: the admin, as `userKey(adminId)`. */
  actor?: string;
  /** For relay (personal API) keys: the key's id, never the key (lib/api-keys/api-keys.ts). */
  apiKey?: string;
  /** The route or surface, e.g. `/api/chat`, `signin`, `admin`. */
  route?: string;
  requestId?: string;
  /** A short machine-readable reason: a refusal code, a guard action, an HTTP status. */
  reason?: string;
  /** What fired: guard signals, a provider and key fingerprint, a threshold. */
  signals?: string[];
  score?: number;
  count?: number;
  /** For tool events: the tool's name (one of the registry's), and a hash of its validated arguments, never the arguments. */
  tool?: string;
  argsHash?: string;
};

/** What a caller records; the log stamps `id` and `time`. */
export type AuditInput = Omit<AuditEvent, "id" | "time">;

export type AuditQuery = {
  /** Newest first, at most this many (capped at 1,000). */
  limit: number;
  /** Kinds to keep; an entry ending in `.` keeps the whole family (`guard.`). */
  kinds?: string[];
  user?: string;
  /** Epoch milliseconds, inclusive. */
  since?: number;
  until?: number;
};

/** The append-only audit log on the store (lib/audit/store.ts). */
export interface AuditLog {
  append(event: AuditInput, now?: number): Promise<AuditEvent>;
  /** Newest first, filtered. */
  recent(query: AuditQuery): Promise<AuditEvent[]>;
  /** Oldest first, every event in [since, until], read in pages so an export never loads it all at once. */
  range(args: { since: number; until: number }): AsyncIterable<AuditEvent>;
}
