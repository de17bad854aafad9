import "server-only";
import type { GuardFinding } from "../guard/types";
import { hashId } from "../log/hash-id";
import { log } from "../log/logger";

/**
 * Security events, metadata only: what happened, to whom (a keyed hash of the user id), where and
 * why, never the text that caused it. Today they are structured log lines (`audit.*`) that a log
 * pipeline can route to a SIEM; the append-only store-backed audit log builds on the same calls.
 */
export type AuditContext = { userId: string; route: string; requestId: string };

export function auditGuard(context: AuditContext, finding: GuardFinding): void {
  log.warn(`audit.guard.${finding.stage}`, {
    requestId: context.requestId,
    route: context.route,
    user: hashId(context.userId),
    action: finding.action,
    signals: finding.signals.join(","),
    score: finding.score === undefined ? undefined : Math.round(finding.score * 1000) / 1000,
    count: finding.count,
  });
}
