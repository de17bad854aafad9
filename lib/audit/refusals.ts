import "server-only";
import { audit } from "./audit";
import { storeOp } from "../store/call";
import { usageStore } from "../usage/store";
import { userKey, utcDay } from "../store/keys";
import type { RefusalReason } from "../usage/store";

/** Where a refusal happened; `apiKey` is the id of the relay key the request came with. */
export type RefusalWhere = { route: string; requestId: string; apiKey?: string };

/**
 * Counts a refusal by a limit in the user's usage records and writes it to the audit log
 * (`limit.refused`); never fails the request it describes. `where` names the route and request when
 * the caller knows them.
 */
export async function recordRefusal(userId: string, reason: RefusalReason, day = utcDay(), where?: RefusalWhere): Promise<void> {
  await Promise.all([
    countRefusal(userId, reason, day),
    audit({ kind: "limit.refused", user: userKey(userId), apiKey: where?.apiKey, reason, route: where?.route, requestId: where?.requestId }),
  ]);
}

/** Counts a refusal in the usage records only: for a guard's refusal, which its own audit event already describes. */
export async function countRefusal(userId: string, reason: RefusalReason, day = utcDay()): Promise<void> {
  try {
    await storeOp("usage.record_refusal", async () => (await usageStore()).record({ userKey: userKey(userId), day, delta: { refused: reason } }));
  } catch {
    // storeOp has logged it; the refusal itself still stands.
  }
}
