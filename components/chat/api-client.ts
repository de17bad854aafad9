import { isRecord } from "./api-shapes";

export const SIGN_IN_URL = "/signin?callbackUrl=%2F";

/**
 * A refusal as the server words it. `limit` names the limit that refused (e.g. "daily_tokens"),
 * `resetsAt` (ISO) when it lifts, `fields` the invalid input fields.
 */
export type ApiFailure = {
  code: string;
  message: string;
  retryAfterSeconds?: number;
  limit?: string;
  resetsAt?: string;
  fields?: Record<string, string>;
};

export type ApiResult<T> = { ok: true; data: T } | ({ ok: false } & ApiFailure);

export const OFFLINE = "Could not reach Bulwark. Check your connection and try again.";
export const SIGNED_OUT: ApiFailure = { code: "unauthorized", message: "Your session has ended. Please sign in again." };
const UNEXPECTED: ApiFailure = {
  code: "unexpected_response",
  message: "Bulwark sent an answer this page does not understand. Please reload and try again.",
};

type RequestOptions<T> = {
  path: string;
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  /** Checks the JSON of a success (undefined for an empty body); undefined means it did not fit. */
  read: (json: unknown) => T | undefined;
  signal?: AbortSignal;
};

/**
 * One JSON call to the app's own API. Every failure comes back as a value carrying the server's
 * message (or a clear one of ours when the network or the answer fails); an abort through `signal`
 * comes back as code "aborted", which callers ignore.
 */
export async function requestJson<T>({ path, method = "GET", body, read, signal }: RequestOptions<T>): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      ...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch {
    return { ok: false, ...(signal?.aborted ? { code: "aborted", message: "" } : { code: "network", message: OFFLINE }) };
  }
  if (isSignedOut(res)) return { ok: false, ...SIGNED_OUT };
  if (!res.ok) return { ok: false, ...(await readFailure({ res, fallback: genericFailure })) };
  let json: unknown;
  try {
    const text = await res.text();
    json = text ? JSON.parse(text) : undefined;
  } catch {
    return { ok: false, ...(signal?.aborted ? { code: "aborted", message: "" } : UNEXPECTED) };
  }
  const data = read(json);
  return data === undefined ? { ok: false, ...UNEXPECTED } : { ok: true, data };
}

/** A 401, or a proxy that answered an expired session with a redirect to the sign-in page. */
export function isSignedOut(res: Response): boolean {
  return res.status === 401 || (res.redirected && new URL(res.url).pathname === "/signin");
}

/** The `{ error: {...} }` body of a refusal, with `fallback` for what the body does not say. */
export async function readFailure({ res, fallback }: { res: Response; fallback: (status: number) => ApiFailure }): Promise<ApiFailure> {
  const base = fallback(res.status);
  const header = Number(res.headers.get("retry-after"));
  const headerSeconds = Number.isFinite(header) && header > 0 ? header : undefined;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (!error) return headerSeconds ? { ...base, retryAfterSeconds: headerSeconds } : base;
  const { code, message, retryAfterSeconds, limit, resetsAt, fields } = error;
  const seconds = typeof retryAfterSeconds === "number" && retryAfterSeconds > 0 ? retryAfterSeconds : headerSeconds;
  return {
    code: typeof code === "string" ? code : base.code,
    message: typeof message === "string" && message.trim() ? message : base.message,
    ...(seconds ? { retryAfterSeconds: seconds } : {}),
    ...(typeof limit === "string" ? { limit } : {}),
    ...(typeof resetsAt === "string" ? { resetsAt } : {}),
    ...(isRecord(fields) ? { fields: stringFields(fields) } : {}),
  };
}

function stringFields(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

function genericFailure(status: number): ApiFailure {
  if (status === 429) return { code: "rate_limited", message: "Too many requests: please wait a moment and try again." };
  if (status === 404) return { code: "not_found", message: "That was not found. It may have been deleted." };
  if (status >= 500) return { code: "internal_error", message: "Bulwark is having trouble right now. Please try again in a moment." };
  if (status >= 400) return { code: "invalid_request", message: "That did not work. Please try again." };
  return UNEXPECTED;
}
