import "server-only";
import { audit } from "../audit/audit";
import { storeOp } from "./call";
import { usageStore } from "./index";
import { userKey, utcDay } from "./keys";
import type { RefusalReason } from "./usage";

/**
 * Counts a refusal in the user's usage records and writes it to the audit log (`limit.refused`);
 * never fails the request it describes. `where` names the route and request when the caller knows them.
 */
export async function recordRefusal(userId: string, reason: RefusalReason, day = utcDay(), where?: { route: string; requestId: string }): Promise<void> {
  const user = userKey(userId);
  await Promise.all([
    storeOp("usage.record_refusal", async () => (await usageStore()).record({ userKey: user, day, delta: { refused: reason } })).catch(() => {
      // storeOp has logged it; the refusal itself still stands.
    }),
    audit({ kind: "limit.refused", user, reason, route: where?.route, requestId: where?.requestId }),
  ]);
}
