import "server-only";
import { ApiError } from "../http/errors";
import { storeOp } from "../store/call";
import { userControlStore } from "../store/index";
import { userKey } from "../store/keys";
import type { UserControls } from "../store/user-controls";
import { audit } from "../audit/audit";

/**
 * The per-request access check after the session: an admin may have blocked the user. Read from the
 * shared store every time (one small hash), so a block stops every session of that user on every
 * instance at once; a store that does not answer fails the request closed (503).
 */
export async function readUserControls(userId: string, where: { route: string; requestId?: string }): Promise<UserControls> {
  const key = userKey(userId);
  const controls = await storeOp("user_controls.read", async () => (await userControlStore()).read(key));
  if (controls.blocked) {
    await audit({ kind: "auth.blocked_user", user: key, route: where.route, requestId: where.requestId, reason: "account_blocked" });
    throw accountBlocked();
  }
  return controls;
}

export const accountBlocked = () =>
  new ApiError("account_blocked", "This account has been blocked by an administrator, so it cannot be used. If you think this is a mistake, contact the people who run this service.");

/** For page renders: the controls, or undefined when the store cannot say (the APIs still fail closed). */
export async function userControlsForPage(userId: string): Promise<UserControls | undefined> {
  try {
    return await storeOp("user_controls.read", async () => (await userControlStore()).read(userKey(userId)));
  } catch {
    return undefined;
  }
}
