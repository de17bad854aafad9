/**
 * Transport security in production: every address the server sends user data or a secret to is
 * encrypted unless it stays on this machine, and Node verifies the certificates. Pure, like the rest
 * of lib/config: `parseEnv` runs these rules at start-up.
 */

/** How each URL variable must be reached, and what would cross the network in clear text if not. */
type TransportRule = {
  /** `rediss` is checked on the raw text: ioredis turns TLS on only for that exact lower-case prefix. */
  scheme: "https" | "rediss";
  carries: string;
  /** Whether ALLOW_INSECURE_TRANSPORT may list it (never the address browsers use). */
  exemptable: boolean;
};

/**
 * Every URL variable the app reads. Each carries user data or a secret, so none is left out: the
 * providers get prompts and API keys, the store gets its token or password and every limit, budget,
 * sign-out and audit record, the judge gets flagged messages and its token, and a Slack-style
 * webhook's address is itself the secret.
 */
export const TRANSPORT_RULES = {
  NEXTAUTH_URL: { scheme: "https", carries: "passwords and session cookies", exemptable: false },
  OPENAI_BASE_URL: { scheme: "https", carries: "prompts, replies and the OpenAI API key", exemptable: true },
  ANTHROPIC_BASE_URL: { scheme: "https", carries: "prompts, replies and the Anthropic API key", exemptable: true },
  UPSTASH_REDIS_REST_URL: { scheme: "https", carries: "the store token and every limit, budget, sign-out and audit record", exemptable: true },
  REDIS_URL: { scheme: "rediss", carries: "the Redis password and every limit, budget, sign-out and audit record", exemptable: true },
  GUARD_INJECTION_JUDGE_URL: { scheme: "https", carries: "flagged user messages and GUARD_INJECTION_JUDGE_TOKEN", exemptable: true },
  ALERT_WEBHOOK_URL: { scheme: "https", carries: "the webhook's secret address and every alert", exemptable: true },
} as const satisfies Record<string, TransportRule>;

export type TransportVariable = keyof typeof TRANSPORT_RULES;

/** The variables ALLOW_INSECURE_TRANSPORT may name. */
export const EXEMPTABLE_VARIABLES = (Object.keys(TRANSPORT_RULES) as TransportVariable[]).filter((name) => TRANSPORT_RULES[name].exemptable);

const LOOPBACK_FORMS = "localhost, *.localhost, 127.0.0.0/8 or [::1]";
const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4_LOOPBACK = new RegExp(`^127(\\.${OCTET}){3}$`);

/**
 * Whether `hostname`, as the WHATWG URL parser gives it (`new URL(v).hostname`), never leaves this
 * machine: `localhost` and `*.localhost` (RFC 6761), 127.0.0.0/8 in plain dotted decimal, `[::1]`.
 * The parser has already turned `http://127.1`, `0x7f.1` or `[0:0:0:0:0:0:0:1]` into that form and
 * taken `http://localhost@evil.example` for a host of evil.example. For redis:// (not a scheme the
 * parser knows) the host is kept as written, so anything else (`127.1`, `0177.0.0.1`, a trailing
 * dot, %-escapes) is refused rather than guessed at, and so is `[::ffff:127.0.0.1]`: 127.0.0.1 or
 * [::1] say the same without a mapping to reason about.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || (host.endsWith(".localhost") && !host.startsWith(".")) || host === "[::1]" || IPV4_LOOPBACK.test(host);
}

/** Whether `value` (a URL the schema accepted) reaches its host encrypted. */
function encrypted(name: TransportVariable, url: URL, value: string): boolean {
  if (TRANSPORT_RULES[name].scheme === "https") return url.protocol === "https:";
  // ioredis enables TLS only when the text starts with "rediss://" (REDISS:// goes in clear), and reads
  // the query as options: `?tls=` replaces that TLS setting with an empty one, i.e. none.
  return value.startsWith("rediss://") && !url.searchParams.has("tls");
}

function refusal(name: TransportVariable): string {
  const loopback = `plain ${name === "REDIS_URL" ? "redis://" : "http://"} is accepted only for a loopback host (${LOOPBACK_FORMS})`;
  const rule = TRANSPORT_RULES[name];
  if (name === "NEXTAUTH_URL") {
    return `${name}: must be an https:// URL in production: it is the address users sign in at, so ${rule.carries} would otherwise cross the network in clear text (and the cookie is marked Secure only for https); ${loopback}; behind a TLS-terminating proxy, set the https:// address users see`;
  }
  const wanted =
    rule.scheme === "rediss"
      ? "a rediss:// (TLS) URL, written in lower case and without a tls= query option, which the Redis client would take instead of TLS,"
      : "an https:// URL";
  return (
    `${name}: must be ${wanted} in production: ${rule.carries} would otherwise cross the network in clear text; ${loopback}, ` +
    `or when a TLS-terminating sidecar or private link encrypts that hop, list ${name} in ALLOW_INSECURE_TRANSPORT`
  );
}

/**
 * The production rule for outbound and public URLs: each set variable of TRANSPORT_RULES is encrypted,
 * or its host is loopback, or (not NEXTAUTH_URL) it is listed in `allowInsecure`. Returns one problem
 * per variable, naming it, never its value; and the variables that go in clear by exemption, for the
 * start-up log.
 */
export function checkTransport({ urls, allowInsecure }: { urls: Partial<Record<TransportVariable, string>>; allowInsecure: readonly string[] }): {
  problems: string[];
  exempted: TransportVariable[];
} {
  const problems: string[] = [];
  const exempted: TransportVariable[] = [];
  for (const name of Object.keys(TRANSPORT_RULES) as TransportVariable[]) {
    const value = urls[name];
    if (value === undefined) continue;
    const url = URL.parse(value);
    if (url && (encrypted(name, url, value) || isLoopbackHost(url.hostname))) continue;
    if (TRANSPORT_RULES[name].exemptable && allowInsecure.includes(name)) exempted.push(name);
    else problems.push(refusal(name));
  }
  return { problems, exempted };
}

/**
 * NODE_TLS_REJECT_UNAUTHORIZED, as Node reads it: exactly "0" turns certificate verification off for
 * every TLS connection of the process (fetch and the SDKs included); Node ignores any other value
 * (" 0", "false", "no" leave it on). Returns the production problem, if any.
 */
export function tlsVerificationProblem(value: string | undefined): string | undefined {
  if (value !== "0") return undefined;
  return (
    "NODE_TLS_REJECT_UNAUTHORIZED: is 0, which turns off certificate verification for every TLS connection (providers, store, judge, webhook), so anyone on the path could read and change them; " +
    "certificate verification must stay on in production: unset it, and if a service has a certificate from a private CA, give that CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem"
  );
}

/**
 * ALLOW_INSECURE_TRANSPORT: comma-separated names from EXEMPTABLE_VARIABLES. Returns them, or the
 * first problem as text (by position; an entry is never quoted).
 */
export function parseInsecureTransportList(value: string): TransportVariable[] | string {
  const names: TransportVariable[] = [];
  for (const [index, entry] of value.split(",").entries()) {
    const name = entry.trim().toUpperCase();
    if (!name) continue;
    if (name === "NEXTAUTH_URL") {
      return `entry ${index + 1} is NEXTAUTH_URL, which cannot be exempted: it is the address browsers use; behind a TLS-terminating proxy set it to the https:// address users see`;
    }
    if (!(EXEMPTABLE_VARIABLES as string[]).includes(name)) return `entry ${index + 1} must be one of ${EXEMPTABLE_VARIABLES.join(", ")}`;
    names.push(name as TransportVariable);
  }
  if (names.length === 0) return `must list at least one of ${EXEMPTABLE_VARIABLES.join(", ")}`;
  return names;
}
