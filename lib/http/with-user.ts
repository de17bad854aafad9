import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { env } from "../env";
import { getSessionUser } from "../auth/session";
import type { SessionUser } from "../auth/types";
import { enforceLimit } from "../ratelimit/limiter";
import type { PolicyName } from "../ratelimit/policies";
import { log, describeError } from "../log/logger";
import { ApiError, internalError } from "../errors";
import { errorResponse } from "./errors";
import { assertSameOrigin } from "./origin";
import { readJsonBody } from "./body";
import { zodToApiError } from "../zod-error";
import { recordRefusal, type RefusalWhere } from "../audit/refusals";
import { readUserControls } from "../auth/access";
import type { UserControls } from "../accounts/controls";

const DEFAULT_MAX_BODY_BYTES = 16_384;

export type UserContext<T> = {
  req: NextRequest;
  user: SessionUser;
  body: T;
  /** The dynamic segments of the route (`[id]` → `params.id`). */
  params: Record<string, string>;
  requestId: string;
  limitHeaders: Record<string, string>;
  /** What an admin has set for this user (their own daily budget); a blocked user never gets here. */
  controls: UserControls;
};

export type RouteContext = { params?: Promise<Record<string, string | string[]>> };

/** The dynamic segments of a route, each one string (a catch-all segment joined with `/`). */
export async function routeParams(context: RouteContext): Promise<Record<string, string>> {
  return Object.fromEntries(Object.entries((await context.params) ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
}

/**
 * Wraps a route for signed-in users. In order: same-origin check (403), session (401), a block set
 * by an admin (403, read from the store on every request so it holds at once everywhere), then for
 * routes with a body its size cap (413) and strict schema (400), and the per-user rate limit (429,
 * counted in the user's usage records). The handler receives checked input; anything it throws
 * becomes a clean JSON error, and an unknown error a generic 500 whose details go only to the log,
 * under the request id.
 */
export function withUser<T = undefined>(
  handler: (ctx: UserContext<T>) => Promise<Response>,
  options: { schema?: () => z.ZodType<T>; limit: PolicyName; maxBodyBytes?: () => number },
) {
  return async (req: NextRequest, context: RouteContext = {}): Promise<Response> => {
    const requestId = crypto.randomUUID();
    try {
      assertSameOrigin(req, { appUrl: env().auth.url });
      const user = await getSessionUser(req);
      if (!user) throw new ApiError("unauthorized", "You are signed out. Sign in again to continue.");
      const controls = await readUserControls(user.id, { route: new URL(req.url).pathname, requestId }, user);
      let body = undefined as T;
      if (options.schema) {
        const raw = await readJsonBody(req, { maxBytes: options.maxBodyBytes?.() ?? DEFAULT_MAX_BODY_BYTES });
        const parsed = options.schema().safeParse(raw);
        if (!parsed.success) throw zodToApiError(parsed.error);
        body = parsed.data;
      }
      const limitHeaders = await enforceLimit({ policy: options.limit, identifier: user.id }).catch(
        countRateLimited(user.id, { route: new URL(req.url).pathname, requestId }),
      );
      return await handler({ req, user, body, params: await routeParams(context), requestId, limitHeaders, controls });
    } catch (error) {
      return toErrorResponse({ error, requestId, route: new URL(req.url).pathname });
    }
  };
}

/** For a limit's `.catch`: a rate-limit refusal is counted in the user's usage records, then rethrown. */
export function countRateLimited(userId: string, where: RefusalWhere) {
  return async (error: unknown): Promise<never> => {
    if (error instanceof ApiError && error.code === "rate_limited") await recordRefusal(userId, "rate_limited", undefined, where);
    throw error;
  };
}

/** `respond` writes the body: this app's shape by default, OpenAI's on the relay (lib/http/openai-errors.ts). */
export function toErrorResponse({
  error,
  requestId,
  route,
  respond = errorResponse,
}: {
  error: unknown;
  requestId: string;
  route: string;
  respond?: (error: ApiError, headers: Record<string, string>) => Response;
}): Response {
  const known = error instanceof ApiError;
  if (known) log.info("http.refused", { requestId, route, code: error.code, status: error.status });
  else log.error("http.unhandled_error", { requestId, route, ...describeError(error) });
  return respond(known ? error : internalError(), { "X-Request-Id": requestId });
}
