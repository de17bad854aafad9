import "server-only";
import type { GuardFinding } from "../guard/types";
import { log, type LogFields } from "../log/logger";
import { storeOp } from "../store/call";
import { auditLog } from "./store";
import { userKey } from "../store/keys";
import { hashId } from "../log/hash-id";
import type { AuditInput, AuditKind } from "./types";

/**
 * Security events, metadata only: what happened, to whom (the store's hash of the user id, the one
 * the usage records and the dashboard use), where and why, never the text that caused it. Each is
 * written twice: as a log line (`audit.<kind>`) for a log pipeline, and to the append-only audit log
 * on the store (lib/audit/store.ts), which the dashboard reads and exports as JSON Lines for a SIEM.
 */
export type AuditContext = { userId: string; route: string; requestId: string; apiKey?: string };

/**
 * Records one event. Never rejects: an audit log that cannot be written is logged as such, and the
 * request the event describes goes on (refusing it would let a store outage turn into an outage of
 * everything that is audited, sign-in included).
 */
export async function audit(input: AuditInput): Promise<void> {
  const level = WARN_KINDS.some((prefix) => input.kind.startsWith(prefix)) ? "warn" : "info";
  log[level](`audit.${input.kind}`, logFields(input));
  try {
    await storeOp("audit.append", async () => (await auditLog()).append(input));
  } catch {
    // storeOp has logged the failure; this line says which event was lost.
    log.error("audit.not_stored", { kind: input.kind, requestId: input.requestId });
  }
}

/** One guard decision (lib/guard/types.ts) as an audit event. */
export function auditGuard(context: AuditContext, finding: GuardFinding): Promise<void> {
  const kind: AuditKind = `guard.${finding.stage}`;
  return audit({
    kind,
    user: userKey(context.userId),
    apiKey: context.apiKey,
    route: context.route,
    requestId: context.requestId,
    reason: finding.action,
    signals: finding.signals,
    score: finding.score === undefined ? undefined : Math.round(finding.score * 1000) / 1000,
    count: finding.count,
  });
}

/**
 * What happened to a tool call the model made (lib/chat/tool-loop.ts): called (it ran), approved or
 * denied (by the person), refused (unknown tool, bad arguments, over a cap, a stale approval), or
 * blocked (its output looked like instructions and was withheld). The tool's name only if it is one
 * of ours, and a hash of the arguments, never the arguments.
 */
export function auditTool(
  context: AuditContext,
  { kind, tool, argsHash, outcome }: { kind: "called" | "approved" | "denied" | "refused" | "blocked"; tool: string; argsHash?: string; outcome: string },
): Promise<void> {
  return audit({
    kind: `tool.${kind}`,
    user: userKey(context.userId),
    apiKey: context.apiKey,
    route: context.route,
    requestId: context.requestId,
    reason: outcome,
    tool,
    argsHash,
  });
}

/** Events an operator should see at warning level: attacks, failures, refusals of people, admin acts. */
const WARN_KINDS = [
  "guard.",
  "tool.refused",
  "tool.blocked",
  "key.",
  "apikey.rejected",
  "auth.signin_failed",
  "auth.signin_limited",
  "auth.blocked_user",
  "admin.",
  "alert.failed",
] as const;

function logFields(input: AuditInput): LogFields {
  return {
    // Keyed for the log (see lib/log/hash-id.ts); the stored event keeps the store's hash for joins.
    user: input.user && hashId(input.user),
    actor: input.actor && hashId(input.actor),
    apiKey: input.apiKey,
    route: input.route,
    requestId: input.requestId,
    reason: input.reason,
    // Guard lines have carried the decision as `action` since the first slice; log searches rely on it.
    action: input.kind.startsWith("guard.") ? input.reason : undefined,
    signals: input.signals?.join(","),
    score: input.score,
    count: input.count,
    tool: input.tool,
    argsHash: input.argsHash,
  };
}
