/**
 * Why a safe fetch did not return a page: a closed set of codes, each either a refusal (a rule said
 * no: the request was never sent, or its answer was not accepted) or a failure (the fetch could not
 * complete). Messages are written to be shown to the model and the user: they may name the URL's
 * host and the kind of address refused, never an address DNS returned and never a word of the body.
 */
import type { RefusedCategory } from "./addresses";

export const FETCH_ERROR_CODES = {
  /** Not an absolute URL (or longer than the limit), or a redirect to one. */
  invalid_url: "refused",
  /** Not http: or https:. */
  scheme: "refused",
  /** A user name or password in the URL. */
  credentials: "refused",
  /** A port browsers refuse to fetch from (the Fetch standard's bad ports: SMTP, SSH, IRC…). */
  port: "refused",
  /** The host is on the deny list. */
  host_denied: "refused",
  /** There is an allow list and the host is not on it. */
  host_not_allowed: "refused",
  /** The host is, or resolves to, an address that is not public (`category` says which kind). */
  address_refused: "refused",
  /** More redirects than allowed. */
  redirects: "refused",
  /** Not a text type this fetcher reads (or no Content-Type). */
  content_type: "refused",
  /** A Content-Encoding this fetcher does not decode. */
  encoding: "refused",
  /** The body is larger than the cap (declared, or counted after decompression). */
  too_large: "refused",
  /** The host name did not resolve. */
  dns: "failed",
  /** The connection failed or broke. */
  network: "failed",
  /** No verified TLS connection (certificate invalid, expired, for another name…). */
  tls: "failed",
  /** The server's answer was malformed: bad HTTP, a redirect without a usable Location, corrupt compressed data. */
  bad_response: "failed",
  /** An answer other than 2xx (and not a redirect that was followed); `status` says which. */
  http_status: "failed",
  /** The whole fetch (DNS, connection, headers and body) took longer than the time limit. */
  timeout: "failed",
  /** The caller's signal aborted it. */
  aborted: "failed",
} as const satisfies Record<string, "refused" | "failed">;

type Codes = typeof FETCH_ERROR_CODES;
export type FetchErrorCode = keyof Codes;
export type FetchRefusedCode = { [K in FetchErrorCode]: Codes[K] extends "refused" ? K : never }[FetchErrorCode];
export type FetchFailedCode = { [K in FetchErrorCode]: Codes[K] extends "failed" ? K : never }[FetchErrorCode];

/** What a caller (an audit event, a tool result) may want beyond the code. */
export type FetchErrorDetail = {
  /** address_refused: the kind of address. */
  category?: RefusedCategory;
  /** http_status: the status the server answered. */
  status?: number;
  /** How many redirects had been followed when it stopped. */
  redirects?: number;
};

/** Base of both: `code` is machine-readable, `message` is safe to show. `cause` is for server logs only. */
export abstract class FetchError extends Error {
  abstract readonly code: FetchErrorCode;
  readonly detail: FetchErrorDetail;
  constructor(message: string, detail: FetchErrorDetail = {}, options?: ErrorOptions) {
    super(message, options);
    this.detail = detail;
  }
}

export class FetchRefused extends FetchError {
  override readonly name = "FetchRefused";
  constructor(
    readonly code: FetchRefusedCode,
    message: string,
    detail?: FetchErrorDetail,
    options?: ErrorOptions,
  ) {
    super(message, detail, options);
  }
}

export class FetchFailed extends FetchError {
  override readonly name = "FetchFailed";
  constructor(
    readonly code: FetchFailedCode,
    message: string,
    detail?: FetchErrorDetail,
    options?: ErrorOptions,
  ) {
    super(message, detail, options);
  }
}
