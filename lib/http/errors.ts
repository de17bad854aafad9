import type { ApiError } from "../errors";

/** How an ApiError (lib/errors.ts) goes out as an HTTP response. */
/** Headers every API answer carries: never cached, never sniffed into another type. */
export const API_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } as const;

/**
 * The headers an error adds to its response: its own, and `Retry-After` whenever it says when to try
 * again (clients and SDKs read the header, not the body), so no refusal that can be retried lacks it.
 */
export function errorHeaders(error: ApiError): Record<string, string> {
  const { retryAfterSeconds, headers } = error.extra;
  return { ...(retryAfterSeconds !== undefined && { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) }), ...headers };
}

export function errorResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  return Response.json(error.toBody(), { status: error.status, headers: { ...API_HEADERS, ...errorHeaders(error), ...headers } });
}
