import "server-only";
import { storeOp } from "./call";
import { usageStore } from "./index";
import { userKey, utcDay } from "./keys";
import type { RefusalReason } from "./usage";

/** Counts a refusal in the user's usage records; never fails the request it describes. */
export async function recordRefusal(userId: string, reason: RefusalReason, day = utcDay()): Promise<void> {
  try {
    await storeOp("usage.record_refusal", async () => (await usageStore()).record({ userKey: userKey(userId), day, delta: { refused: reason } }));
  } catch {
    // storeOp has logged it; the refusal itself still stands.
  }
}
