import type { ApiError } from "../errors";
import { API_HEADERS, errorHeaders } from "./errors";

/**
 * Our errors in OpenAI's shape, `{ error: { message, type, param, code } }`, so clients built for
 * OpenAI show them well: `code` is this app's machine-readable code (the same as on /api/chat),
 * `param` the first field a 400 names, `type` a family by status. Refusals that waiting a few
 * seconds cannot fix (a spent budget, a blocked account) carry `x-should-retry: false`, which the
 * OpenAI SDKs obey instead of retrying every 429 on their own.
 */
const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "invalid_request_error",
  413: "invalid_request_error",
  415: "invalid_request_error",
  429: "rate_limit_error",
};

const FINAL = new Set(["token_budget_exhausted", "spend_cap_reached", "account_blocked", "invalid_api_key", "expired_api_key", "model_not_allowed"]);

export function openAiErrorBody(error: ApiError) {
  const { fields, retryAfterSeconds, limit, resetsAt, signals } = error.extra;
  return {
    error: {
      message: error.message,
      type: TYPE_BY_STATUS[error.status] ?? "api_error",
      param: fields ? (Object.keys(fields)[0] ?? null) : null,
      code: error.code,
      ...(fields && { fields }),
      ...(retryAfterSeconds !== undefined && { retry_after_seconds: retryAfterSeconds }),
      ...(limit && { limit }),
      ...(resetsAt && { resets_at: resetsAt }),
      ...(signals && { signals }),
    },
  };
}

export function openAiErrorResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  return Response.json(openAiErrorBody(error), {
    status: error.status,
    headers: { ...API_HEADERS, ...errorHeaders(error), ...(FINAL.has(error.code) && { "x-should-retry": "false" }), ...headers },
  });
}
