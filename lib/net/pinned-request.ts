/**
 * One hop of a safe fetch, from a URL that passed the URL rules to a response: the host is resolved
 * once, every address is checked (lib/net/addresses.ts), and the request goes to those addresses and
 * no others. The HTTP client gets a lookup function that answers with them, so no second DNS query
 * can answer differently (DNS rebinding); for https the certificate is verified against the host
 * name, which is also sent as SNI.
 *
 * If any address of a name is refused, the name is refused, even when another of its addresses is
 * public: the client may try every address it was given (Happy Eyeballs), and a public name that
 * also points inside the network is either a mistake or an attack; neither is worth fetching.
 */
import { lookup as systemLookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { classifyAddress } from "./addresses";
import { FetchFailed, FetchRefused } from "./fetch-errors";
import { ACCEPT_ENCODING } from "./response-body";
import { connectHost, portOf } from "./url-rules";

export type ResolvedAddress = { address: string; family: number };
/** Resolves a host name to every address it has, in the resolver's order. */
export type Resolver = (host: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts too): every address, in its order. */
export const systemResolver: Resolver = (host) => systemLookup(host, { all: true, order: "verbatim" });

/** A URL whose addresses were checked: where the request for it may go. */
export type CheckedTarget = { url: URL; host: string; port: number; addresses: ResolvedAddress[] };

const ACCEPT = "text/html, application/xhtml+xml, text/markdown;q=0.9, text/plain;q=0.9, application/json;q=0.8";

/** `promise`, or the signal's reason as soon as it aborts (a DNS lookup cannot be cancelled, only abandoned). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Resolves the URL's host (a literal address is taken as it is) and checks every address; throws
 * FetchRefused (address_refused) if any is refused, FetchFailed (dns) if the name does not resolve.
 * A loopback address passes only as written (127.0.0.0/8, ::1) and on a port in `loopbackPorts`.
 */
export async function resolveCheckedOrThrow({
  url,
  resolve,
  loopbackPorts,
  signal,
}: {
  url: URL;
  resolve: Resolver;
  loopbackPorts: ReadonlySet<number>;
  signal: AbortSignal;
}): Promise<CheckedTarget> {
  const host = connectHost(url);
  const port = portOf(url);
  const literal = isIP(host) !== 0;
  let found: readonly ResolvedAddress[];
  if (literal) found = [{ address: host, family: isIP(host) }];
  else {
    try {
      found = await untilAborted(resolve(host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new FetchFailed("dns", `${url.hostname} could not be resolved`, {}, { cause: error });
    }
    if (found.length === 0) throw new FetchFailed("dns", `${url.hostname} could not be resolved`);
  }
  const addresses: ResolvedAddress[] = [];
  for (const { address } of found) {
    const verdict = classifyAddress(address);
    if (!verdict.allowed && !(verdict.category === "loopback" && verdict.via === undefined && loopbackPorts.has(port))) {
      // The kind of address, never the address: the message may reach the model.
      const message = literal ? `${url.hostname} is ${verdict.reason}` : `${url.hostname} resolves to ${verdict.reason}`;
      throw new FetchRefused("address_refused", message, { category: verdict.category });
    }
    addresses.push({ address, family: isIP(address.split("%")[0]!) });
  }
  return { url, host, port, addresses };
}

/** A lookup for the HTTP client that answers with the checked addresses only. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const usable = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses;
    const first = usable[0];
    if (!first) return callback(Object.assign(new Error("no checked address of that family"), { code: "ENOTFOUND" }), "");
    if (!options.all) return callback(null, first.address, first.family);
    callback(null, [...usable]);
  };
}

/** Sends a GET for `target` to its checked addresses; resolves with the response's head. */
export function sendPinned({ target, userAgent, signal }: { target: CheckedTarget; userAgent: string; signal: AbortSignal }): Promise<IncomingMessage> {
  const { url, host, port, addresses } = target;
  const secure = url.protocol === "https:";
  const options: https.RequestOptions = {
    host,
    port,
    method: "GET",
    path: `${url.pathname}${url.search}`,
    headers: { Host: url.host, "User-Agent": userAgent, Accept: ACCEPT, "Accept-Encoding": ACCEPT_ENCODING, Connection: "close" },
    // A fresh connection each time: a pooled socket was checked for another request's settings, and
    // an agent configured from the environment (NODE_USE_ENV_PROXY) would send the request elsewhere.
    agent: false,
    // With Node's default family autoselection (Happy Eyeballs) the checked addresses are tried in
    // turn; with it off, the first one. Never any other.
    lookup: pinnedLookup(addresses),
    signal,
  };
  if (secure) {
    options.rejectUnauthorized = true;
    // SNI and the certificate check use the name (an IP literal has no SNI; its certificate must name the address).
    if (isIP(host) === 0) options.servername = host;
  }
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(options, resolve);
    request.on("error", reject);
    request.end();
  });
}
