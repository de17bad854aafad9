/**
 * Fetches a web page for the model (the fetch_page tool) without letting the URL reach anything but
 * the public internet: a server-side request forgery guard.
 *
 * Every hop (the URL and each redirect) goes through the same checks: the URL rules (http or https,
 * no credentials, no port another protocol owns, the host lists: lib/net/url-rules.ts), then the
 * host is resolved once, every address checked and the request sent to those addresses only
 * (lib/net/pinned-request.ts). The answer must be a text type, under the size cap once decompressed
 * (lib/net/response-body.ts); HTML is reduced to what a reader sees (lib/net/html-text.ts). One
 * time limit covers all of it, and the caller's signal stops all of it.
 */
import "server-only";
import type { IncomingMessage } from "node:http";
import { FetchError, FetchFailed, FetchRefused } from "./fetch-errors";
import { htmlToText } from "./html-text";
import { type Resolver, resolveCheckedOrThrow, sendPinned, systemResolver } from "./pinned-request";
import { decodeBody, mediaTypeOrThrow, readBodyOrThrow } from "./response-body";
import { checkUrlOrThrow, type HostRule, parseHostRulesOrThrow, parseUrlOrThrow } from "./url-rules";

export type { ResolvedAddress, Resolver } from "./pinned-request";

export type SafeFetchOptions = {
  /** The whole fetch (DNS, connect, headers, every redirect, body), in milliseconds. */
  timeoutMs?: number;
  /** The body's cap, in bytes, counted both as received and as decompressed; past it the fetch fails with too_large. */
  maxBytes?: number;
  /** Redirects followed before the fetch is refused (0: none). */
  maxRedirects?: number;
  /** The returned text is cut to this many characters (`truncated` says so). */
  maxTextChars?: number;
  /**
   * Host names that may be fetched; when given, every other host is refused (an empty list refuses
   * all). `example.com` is that host only; `*.example.com` or `.example.com` is example.com and every
   * name under it. An allowed host is still refused if it resolves to an address that is not public.
   */
  allowHosts?: readonly string[];
  /** Host names refused, written as for allowHosts; the deny list wins over the allow list. */
  denyHosts?: readonly string[];
  /** The caller's abort (the request that asked for the page went away). */
  signal?: AbortSignal;
  userAgent?: string;
  /** DNS, for tests; by default the system resolver (`dns.lookup`, every address, in its order). */
  resolve?: Resolver;
  /**
   * For tests only, never from configuration: loopback ports that may be fetched. The only way any
   * address that is not public is ever reached: exactly 127.0.0.0/8 or ::1 (not an IPv6 form that
   * embeds 127.x), exactly these ports.
   */
  allowLoopbackPorts?: readonly number[];
};

/** The defaults of SafeFetchOptions. */
export const SAFE_FETCH_DEFAULTS = {
  timeoutMs: 10_000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 3,
  maxTextChars: 100_000,
  userAgent: "Bulwark-fetch_page/0.1",
} as const;

export type FetchedPage = {
  /** The URL the page came from, after redirects. */
  url: string;
  status: number;
  /** The media type without parameters (`text/html`). */
  contentType: string;
  /** HTML only: the page's title. */
  title?: string;
  /** The page as text: HTML reduced to what a reader sees (lib/net/html-text.ts), other types as sent. */
  text: string;
  /** Whether `text` was cut at maxTextChars. */
  truncated: boolean;
  /** The body's size in bytes, after decompression. */
  bytes: number;
  /** HTML only: characters of hidden text dropped (a common carrier of injected instructions). */
  hiddenChars: number;
  /** HTML only: characters of comments dropped. */
  commentChars: number;
  /** Redirects followed. */
  redirects: number;
};

type Settings = {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  maxTextChars: number;
  userAgent: string;
  lists: { allow?: HostRule[]; deny: HostRule[] };
  resolve: Resolver;
  loopbackPorts: ReadonlySet<number>;
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < min) throw new TypeError(`safeFetch: ${name} must be an integer of at least ${min}`);
  return chosen;
}

function settle(options: SafeFetchOptions): Settings {
  const userAgent = options.userAgent ?? SAFE_FETCH_DEFAULTS.userAgent;
  if (!/^[\x20-\x7e]{1,256}$/.test(userAgent)) throw new TypeError("safeFetch: userAgent must be 1 to 256 printable ASCII characters");
  return {
    timeoutMs: integer("timeoutMs", options.timeoutMs, SAFE_FETCH_DEFAULTS.timeoutMs, 1),
    maxBytes: integer("maxBytes", options.maxBytes, SAFE_FETCH_DEFAULTS.maxBytes, 1),
    maxRedirects: integer("maxRedirects", options.maxRedirects, SAFE_FETCH_DEFAULTS.maxRedirects, 0),
    maxTextChars: integer("maxTextChars", options.maxTextChars, SAFE_FETCH_DEFAULTS.maxTextChars, 1),
    userAgent,
    lists: {
      deny: parseHostRulesOrThrow({ entries: options.denyHosts ?? [], list: "denyHosts" }),
      ...(options.allowHosts && { allow: parseHostRulesOrThrow({ entries: options.allowHosts, list: "allowHosts" }) }),
    },
    resolve: options.resolve ?? systemResolver,
    loopbackPorts: new Set(options.allowLoopbackPorts ?? []),
  };
}

function cut(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const code = text.charCodeAt(max - 1);
  // Never end on the first half of a surrogate pair.
  return { text: text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max), truncated: true };
}

async function readPage({
  url,
  response,
  settings,
  redirects,
}: {
  url: URL;
  response: IncomingMessage;
  settings: Settings;
  redirects: number;
}): Promise<FetchedPage> {
  try {
    const type = mediaTypeOrThrow(response.headers["content-type"]);
    const body = await readBodyOrThrow({ response, maxBytes: settings.maxBytes });
    const decoded = decodeBody({ body, type });
    const page = type.kind === "html" ? htmlToText(decoded) : { text: decoded, hiddenChars: 0, commentChars: 0 };
    const { text, truncated } = cut(page.text, settings.maxTextChars);
    return {
      url: url.href,
      status: response.statusCode ?? 200,
      contentType: type.essence,
      ...("title" in page && page.title && { title: page.title }),
      text,
      truncated,
      bytes: body.length,
      hiddenChars: page.hiddenChars,
      commentChars: page.commentChars,
      redirects,
    };
  } finally {
    response.destroy();
  }
}

const TLS_ERROR = /^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;
const HTTP_PARSE_ERROR = /^(HPE_|ERR_INVALID_HTTP|ERR_HTTP_)/;

/** Any error of a fetch as a FetchError: ours as they are (with how many redirects came first), the rest by what caused them. */
function explain(error: unknown, context: { caller?: AbortSignal; timedOut: boolean; settings: Settings; host: string; redirects: number }): FetchError {
  const { caller, timedOut, settings, host, redirects } = context;
  if (error instanceof FetchError) {
    if (redirects > 0 && error.code !== "redirects") error.message = `after ${redirects} redirect${redirects === 1 ? "" : "s"}: ${error.message}`;
    error.detail.redirects = redirects;
    return error;
  }
  const detail = { redirects };
  const options = { cause: error };
  if (caller?.aborted) return new FetchFailed("aborted", "the fetch was cancelled", detail, options);
  if (timedOut) return new FetchFailed("timeout", `the fetch took longer than ${settings.timeoutMs / 1000} s`, detail, options);
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  if (TLS_ERROR.test(code)) return new FetchFailed("tls", `no verified TLS connection to ${host}`, detail, options);
  if (HTTP_PARSE_ERROR.test(code)) return new FetchFailed("bad_response", `${host} sent a malformed HTTP response`, detail, options);
  return new FetchFailed("network", `the connection to ${host} failed`, detail, options);
}

/**
 * Fetches `url` as text under the rules in the module comment. Throws FetchRefused or FetchFailed
 * (lib/net/fetch-errors.ts) with a machine-readable `code`; a TypeError only for invalid options.
 */
export async function safeFetch(url: string, options: SafeFetchOptions = {}): Promise<FetchedPage> {
  const settings = settle(options);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, settings.timeoutMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  const { signal } = controller;

  let redirects = 0;
  let host = "";
  try {
    let current = parseUrlOrThrow({ text: url });
    for (;;) {
      host = current.hostname;
      signal.throwIfAborted();
      checkUrlOrThrow({ url: current, lists: settings.lists });
      const target = await resolveCheckedOrThrow({ url: current, resolve: settings.resolve, loopbackPorts: settings.loopbackPorts, signal });
      const response = await sendPinned({ target, userAgent: settings.userAgent, signal });
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        response.destroy();
        const location = response.headers.location;
        if (!location) throw new FetchFailed("bad_response", `the server answered ${status} without a Location to go to`, { status });
        if (redirects >= settings.maxRedirects) throw new FetchRefused("redirects", `more than ${settings.maxRedirects} redirects`);
        current = parseUrlOrThrow({ text: location, base: current });
        redirects++;
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new FetchFailed("http_status", `the server answered ${status}`, { status });
      }
      return await readPage({ url: current, response, settings, redirects });
    }
  } catch (error) {
    throw explain(error, { caller: options.signal, timedOut, settings, host, redirects });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
