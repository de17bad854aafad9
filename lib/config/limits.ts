/**
 * The largest request body any route of this app accepts: the chat's cap (CHAT_MAX_BODY_BYTES) may
 * be raised to it and no further.
 */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;
/**
 * The largest file that may be attached: ATTACHMENTS_MAX_FILE_BYTES may be set up to it. Uploads go
 * to `POST /api/attachments`, the one route the proxy does not see (proxy.ts): it checks the session
 * before it reads a byte, then reads at most the file's cap and the multipart framing around it.
 */
export const MAX_ATTACHMENT_BYTES = 8 * 1_048_576;
/**
 * How much of a body Next.js copies for the proxy (next.config.ts). It stops before the chunk that
 * would pass this size, so the copy of a larger body ends somewhere past MAX_REQUEST_BODY_BYTES
 * (chunks are 64 KB at most), never at it; and it waits for that much, or for the end of the body,
 * before the proxy runs.
 */
export const PROXY_BODY_COPY_BYTES = 2 * MAX_REQUEST_BODY_BYTES;

/** A limit of `requests` per `windowMs`, written `20/60s`, `5/15m`, `100/1h` or `1000/1d`. */
export type RateLimitSpec = { requests: number; windowMs: number; source: string };

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const satisfies Record<string, number>;

const SPEC = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*(ms|s|m|h|d)\s*$/;

/** Parses `20/60s`; returns null when the text is not of that form or a number is zero. */
export function parseRateLimit(text: string): RateLimitSpec | null {
  const match = SPEC.exec(text);
  if (!match) return null;
  const [, requests, amount, unit] = match;
  const windowMs = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (!Number(requests) || !windowMs) return null;
  return { requests: Number(requests), windowMs, source: text.trim() };
}
