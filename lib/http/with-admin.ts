import "server-only";
import { notFound, redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { noticeForError, isFormPost, redirectToDashboard } from "./admin-request";
import { env } from "../env";
import { ApiError } from "../errors";
import { errorResponse } from "./errors";
import { assertSameOrigin } from "./origin";
import { routeParams, toErrorResponse, type RouteContext } from "./with-user";
import { enforceLimit } from "../ratelimit/limiter";
import type { PolicyName } from "../ratelimit/policies";
import { readUserControls, userControlsForPage } from "../auth/access";
import { getPageUser } from "../auth/page-session";
import { getSessionUser } from "../auth/session";
import type { SessionUser } from "../auth/types";

/**
 * The admin role: the addresses in ADMIN_EMAILS, as the sign-in provider reported them, checked on
 * every request (removing an address takes effect at once). Everyone else, signed in or not, finds
 * no admin area at all: pages call notFound(), and API routes answer the same 404 as an unknown
 * address before any other check could answer differently.
 */
export function isAdmin(user: SessionUser | null | undefined): user is SessionUser {
  const email = user?.email?.trim().toLowerCase();
  return !!email && env().admin.emails.includes(email);
}

/** For admin pages: the admin, or no page. A blocked admin goes to the sign-in page like any blocked user. */
export async function adminPageUser(): Promise<SessionUser> {
  const user = await getPageUser();
  if (!isAdmin(user)) notFound();
  if ((await userControlsForPage(user.id))?.blocked) redirect("/signin?error=AccountBlocked");
  return user;
}

/** The answer to anyone who is not an admin, on every admin API route and method: an unknown address. */
export function adminNotFound(): Response {
  return errorResponse(new ApiError("not_found", "There is nothing at this address."));
}

/** For the methods an admin route does not serve, so that a 405 or OPTIONS' Allow header maps nothing either. */
export const notFoundRoute = async (): Promise<Response> => adminNotFound();

export type AdminContext = {
  req: NextRequest;
  admin: SessionUser;
  /** The dynamic segments of the route (`[userKey]` → `params.userKey`). */
  params: Record<string, string>;
  requestId: string;
  limitHeaders: Record<string, string>;
};

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * Wraps an admin API route. In order: the session and the role (anyone else: 404), the same-origin
 * check for anything but a read (403), a block set by another admin (403), the per-user "api" rate
 * limit (429). Errors become the usual JSON, except for the dashboard's own forms, which go back to
 * the page with a notice.
 */
export function withAdmin(handler: (ctx: AdminContext) => Promise<Response>, { limit = "api" }: { limit?: PolicyName } = {}) {
  return async (req: NextRequest, context: RouteContext = {}): Promise<Response> => {
    // A session that cannot be read is nobody's: the same 404 as everyone else.
    const user = await getSessionUser(req).catch(() => null);
    if (!isAdmin(user)) return adminNotFound();

    const requestId = crypto.randomUUID();
    const route = new URL(req.url).pathname;
    try {
      if (!SAFE_METHODS.has(req.method)) assertSameOrigin(req, { appUrl: env().auth.url });
      await readUserControls(user.id, { route, requestId }, user);
      const limitHeaders = await enforceLimit({ policy: limit, identifier: user.id });
      return await handler({ req, admin: user, params: await routeParams(context), requestId, limitHeaders });
    } catch (error) {
      // An admin's session ended by signing out is nobody's too.
      if (error instanceof ApiError && error.code === "unauthorized") return adminNotFound();
      const response = toErrorResponse({ error, requestId, route });
      // A cross-site post is answered, never followed back into the dashboard.
      const crossSite = error instanceof ApiError && error.code === "cross_site";
      return isFormPost(req) && !crossSite ? redirectToDashboard({ notice: noticeForError(error) }) : response;
    }
  };
}
