import "server-only";
import { createHmac } from "node:crypto";
import { env } from "../env";

/**
 * A short, keyed hash for logs: stable within a deployment so events can be correlated, useless to
 * anyone without NEXTAUTH_SECRET. Log lines name a user as `hashId(userKey(userId))`: the store's
 * own hash (lib/store/keys.ts) is unkeyed, so anyone could test a guessed address against it, and
 * logs travel further than the store.
 */
export function hashId(id: string): string {
  return createHmac("sha256", env().auth.secret).update(`log:${id}`).digest("base64url").slice(0, 16);
}
