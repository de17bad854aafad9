import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { readUserControls } from "../auth/access";
import { authenticateRelayKey } from "../api-keys/api-keys";
import type { RelayKeyRecord } from "../api-keys/store";
import { enforceApiKeyLimit, enforceLimit } from "../ratelimit/limiter";
import type { PolicyName } from "../ratelimit/policies";
import { openAiErrorResponse } from "./openai-errors";
import type { UserControls } from "../accounts/controls";
import { readJsonBody } from "./body";
import { countRateLimited, toErrorResponse } from "./with-user";
import { zodToApiError } from "../zod-error";

export type ApiKeyContext<T> = {
  req: NextRequest;
  /** The key's record: its owner (`ownerId`), scopes and limits. */
  key: RelayKeyRecord;
  controls: UserControls;
  body: T;
  requestId: string;
  limitHeaders: Record<string, string>;
};

/**
 * Wraps a relay route (`/api/v1/…`), the API's door beside the session's `withUser`. In order: the
 * key from `Authorization: Bearer` (401; cookies are never read here, so a browser session cannot
 * be used against these routes from another site, and no CORS header is ever sent), its owner's
 * block (403), for routes with a body its size cap (413) and schema (400), then the key's own rate
 * limit and the owner's, which their chat in the browser shares (429). The key's comes first: a
 * request it refuses must not use up its owner's quota (whoever holds the key could otherwise spend
 * it). Errors are in
 * OpenAI's shape (lib/http/openai-errors.ts); an unknown one is a generic 500 whose details go only
 * to the log, under the request id.
 */
export function withApiKey<T = undefined>(
  handler: (ctx: ApiKeyContext<T>) => Promise<Response>,
  options: { route: string; limit: PolicyName; schema?: () => z.ZodType<T>; maxBodyBytes?: () => number },
) {
  return async (req: NextRequest): Promise<Response> => {
    const requestId = crypto.randomUUID();
    const where = { route: options.route, requestId };
    try {
      const key = await authenticateRelayKey(req.headers.get("authorization"), where);
      const controls = await readUserControls(key.ownerId, where);
      let body = undefined as T;
      if (options.schema) {
        const raw = await readJsonBody(req, { maxBytes: options.maxBodyBytes?.() ?? 16_384 });
        const parsed = options.schema().safeParse(raw);
        if (!parsed.success) throw zodToApiError(parsed.error);
        body = parsed.data;
      }
      const refused = countRateLimited(key.ownerId, { ...where, apiKey: key.id });
      const keyHeaders = key.rateLimit ? await enforceApiKeyLimit({ keyId: key.id, perMinute: key.rateLimit }).catch(refused) : undefined;
      const ownerHeaders = await enforceLimit({ policy: options.limit, identifier: key.ownerId }).catch(refused);
      // The headers describe the tighter of the two limits: the one with fewer requests left.
      const limitHeaders = keyHeaders && Number(keyHeaders["RateLimit-Remaining"]) < Number(ownerHeaders["RateLimit-Remaining"]) ? keyHeaders : ownerHeaders;
      return await handler({ req, key, controls, body, requestId, limitHeaders });
    } catch (error) {
      return toErrorResponse({ error, requestId, route: options.route, respond: openAiErrorResponse });
    }
  };
}
