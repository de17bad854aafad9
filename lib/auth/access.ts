import "server-only";
import { ApiError } from "../errors";
import { storeOp } from "../store/call";
import { userControlStore } from "../accounts/controls";
import { userKey } from "../store/keys";
import type { UserControls } from "../accounts/controls";
import { audit } from "../audit/audit";

/**
 * The per-request access check after the session: an admin may have blocked the user, and the user
 * may have signed out since this session began (`session.authTime`: every session of theirs begun
 * before the sign-out has ended, 401). Read from the shared store every time (one small hash), so
 * either holds on every instance at once; a store that does not answer fails the request closed (503).
 */
export async function readUserControls(userId: string, where: { route: string; requestId?: string }, session?: { authTime?: number }): Promise<UserControls> {
  const key = userKey(userId);
  const { controls, sessionsEndedAt } = await storeOp("user_controls.read", async () => (await userControlStore()).readWithSessions(key));
  if (session && sessionsEndedAt !== undefined && (session.authTime ?? 0) < sessionsEndedAt) {
    throw new ApiError("unauthorized", "You signed out of this session. Sign in again to continue.");
  }
  if (controls.blocked) {
    await audit({ kind: "auth.blocked_user", user: key, route: where.route, requestId: where.requestId, reason: "account_blocked" });
    throw accountBlocked();
  }
  return controls;
}

export const accountBlocked = () =>
  new ApiError(
    "account_blocked",
    "This account has been blocked by an administrator, so it cannot be used. If you think this is a mistake, contact the people who run this service.",
  );

/** For page renders: the controls, or undefined when the store cannot say (the APIs still fail closed). */
export async function userControlsForPage(userId: string): Promise<UserControls | undefined> {
  return (await readForPage(userId))?.controls;
}

/** For session reads (next-auth's jwt callback): when the user last signed out, or undefined, also when the store cannot say. */
export async function sessionsEndedForPage(userId: string): Promise<number | undefined> {
  return (await readForPage(userId))?.sessionsEndedAt;
}

async function readForPage(userId: string) {
  try {
    return await storeOp("user_controls.read", async () => (await userControlStore()).readWithSessions(userKey(userId)));
  } catch {
    return undefined;
  }
}
