import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { env } from "../env";
import { getSessionUser } from "../auth/session";
import type { SessionUser } from "../auth/types";
import { enforceLimit } from "../ratelimit/limiter";
import type { PolicyName } from "../ratelimit/policies";
import { log, describeError } from "../log/logger";
import { ApiError, errorResponse, internalError } from "./errors";
import { assertSameOrigin } from "./origin";
import { readJsonBody } from "./body";
import { zodToApiError } from "./zod-error";

export type UserContext<T> = { req: NextRequest; user: SessionUser; body: T; requestId: string; limitHeaders: Record<string, string> };

/**
 * Wraps a state-changing route for signed-in users. In order: same-origin check (403), session
 * (401), body size cap (413), strict schema (400), per-user rate limit (429). The handler receives
 * checked input; anything it throws becomes a clean JSON error, and an unknown error a generic 500
 * whose details go only to the log, under the request id.
 */
export function withUser<T>(
  handler: (ctx: UserContext<T>) => Promise<Response>,
  options: { schema: () => z.ZodType<T>; limit: PolicyName; maxBodyBytes: () => number },
) {
  return async (req: NextRequest): Promise<Response> => {
    const requestId = crypto.randomUUID();
    try {
      assertSameOrigin(req, { appUrl: env().auth.url });
      const user = await getSessionUser(req);
      if (!user) throw new ApiError("unauthorized", "You are signed out. Sign in again to continue.");
      const raw = await readJsonBody(req, { maxBytes: options.maxBodyBytes() });
      const parsed = options.schema().safeParse(raw);
      if (!parsed.success) throw zodToApiError(parsed.error);
      const limitHeaders = await enforceLimit({ policy: options.limit, identifier: user.id });
      return await handler({ req, user, body: parsed.data, requestId, limitHeaders });
    } catch (error) {
      return toErrorResponse({ error, requestId, route: new URL(req.url).pathname });
    }
  };
}

export function toErrorResponse({ error, requestId, route }: { error: unknown; requestId: string; route: string }): Response {
  const known = error instanceof ApiError;
  if (known) log.info("http.refused", { requestId, route, code: error.code, status: error.status });
  else log.error("http.unhandled_error", { requestId, route, ...describeError(error) });
  return errorResponse(known ? error : internalError(), { "X-Request-Id": requestId });
}

