import "server-only";
import { createHmac } from "node:crypto";
import { env } from "../env";

/**
 * A short, keyed hash of a user id or account name for logs: stable within a deployment so events
 * can be correlated, useless to anyone without NEXTAUTH_SECRET.
 */
export function hashId(id: string): string {
  return createHmac("sha256", env().auth.secret).update(`log:${id}`).digest("base64url").slice(0, 16);
}
