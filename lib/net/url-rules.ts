/**
 * The checks a URL passes before anything is resolved or sent, for the first request and for every
 * redirect: scheme, credentials, port, and the host allow and deny lists. The host is compared as
 * the WHATWG URL parser gives it (lower case, IDN as punycode, numeric IPv4 forms such as
 * `2130706433` or `0x7f.1` already written as dotted decimal), so a list entry and a URL that name
 * the same host always match.
 */
import { isIP } from "node:net";
import { FetchRefused } from "./fetch-errors";

/** Longer URLs are refused: no page needs one, and it would travel into logs and messages. */
export const MAX_URL_LENGTH = 8192;

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/**
 * Ports the Fetch standard blocks ("bad ports"): other protocols' services (SMTP, SSH, IRC, NFS…)
 * that a request with attacker-chosen bytes could talk to. Any other port is allowed, on a public
 * address only: which address may be reached is the address check's job, not the port's.
 */
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
  139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** A host list entry: `example.com` is that host only; `*.example.com` or `.example.com` is the domain and every name under it. */
export type HostRule = { host: string; subdomains: boolean };

/** A host as the URL parser gives it, without the trailing dot of a fully qualified name. */
const bareHost = (hostname: string) => (hostname.endsWith(".") ? hostname.slice(0, -1) : hostname);

/**
 * Host list entries as rules. An entry that is not a host name (a URL, a port, a path) is a
 * configuration mistake, and throws a TypeError that names its position.
 */
export function parseHostRulesOrThrow({ entries, list }: { entries: readonly string[]; list: string }): HostRule[] {
  return entries.map((entry, index) => {
    const text = entry.trim();
    const subdomains = text.startsWith("*.") || text.startsWith(".");
    const name = text.slice(text.startsWith("*.") ? 2 : subdomains ? 1 : 0);
    const url = /^[^/?#@:*\s]+$|^\[[0-9a-fA-F:.]+\]$/.test(name) ? URL.parse(`http://${name}/`) : null;
    if (!url?.hostname) throw new TypeError(`${list} entry ${index + 1} is not a host name (example.com, *.example.com or .example.com)`);
    return { host: bareHost(url.hostname), subdomains };
  });
}

/** Whether `hostname` (from a parsed URL) is named by one of `rules`. An IP address matches only an entry naming it exactly. */
export function hostMatches({ hostname, rules }: { hostname: string; rules: readonly HostRule[] }): boolean {
  const host = bareHost(hostname);
  const literal = host.startsWith("[") || isIP(host) !== 0;
  return rules.some((rule) => host === rule.host || (rule.subdomains && !literal && host.endsWith(`.${rule.host}`)));
}

/** The port a request to `url` goes to. */
export const portOf = (url: URL): number => (url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!);

/**
 * The URL's host for connecting and resolving: an IPv6 literal without its brackets, a name without
 * the trailing dot of its fully qualified form (`localhost.` is `localhost`, whatever /etc/hosts says).
 */
export const connectHost = (url: URL): string => (url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : bareHost(url.hostname));

/** Parses `text` (relative to `base` for a redirect's Location) and refuses what is not a URL. */
export function parseUrlOrThrow({ text, base }: { text: string; base?: URL }): URL {
  const url = text.length > MAX_URL_LENGTH ? null : URL.parse(text, base);
  if (!url) throw new FetchRefused("invalid_url", base ? "the redirect's Location is not a valid URL" : "not a valid absolute URL");
  return url;
}

/** Scheme, credentials, port and host lists; throws FetchRefused for the first rule `url` breaks. */
export function checkUrlOrThrow({ url, lists }: { url: URL; lists: { allow?: readonly HostRule[]; deny: readonly HostRule[] } }): void {
  if (!(url.protocol in DEFAULT_PORTS)) {
    const scheme = /^[a-z][a-z0-9+.-]{0,20}:$/.test(url.protocol) ? `${url.protocol} ` : "";
    throw new FetchRefused("scheme", `only http: and https: addresses can be fetched, not ${scheme || "this scheme"}`.trimEnd());
  }
  if (url.username || url.password) throw new FetchRefused("credentials", "the address carries a user name or password, which is never sent");
  const port = portOf(url);
  if (BAD_PORTS.has(port)) throw new FetchRefused("port", `port ${port} is reserved for another protocol, and browsers refuse it too`);
  if (hostMatches({ hostname: url.hostname, rules: lists.deny })) throw new FetchRefused("host_denied", `${url.hostname} is on the deny list`);
  if (lists.allow && !hostMatches({ hostname: url.hostname, rules: lists.allow }))
    throw new FetchRefused("host_not_allowed", `${url.hostname} is not on the allow list`);
}
