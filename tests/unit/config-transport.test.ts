/**
 * In production the server refuses clear-text transport off this machine and disabled certificate
 * verification (lib/config/transport.ts, run by parseEnv). Each case attacks the rule: it fails if
 * the rule is removed or a trick gets past the loopback test.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/config/schema";
import { EXEMPTABLE_VARIABLES, isLoopbackHost, TRANSPORT_RULES, type TransportVariable } from "@/lib/config/transport";

type Source = Record<string, string | undefined>;

// Hex holds none of the placeholder words, so a random hex secret never looks like an example.
const randomSecret = () => randomBytes(24).toString("hex");

/** A production environment that starts: sign-in by GitHub (no password hashing), demo model, memory store. */
const prodEnv = (extra: Source = {}): Source => ({
  NODE_ENV: "production",
  NEXTAUTH_URL: "https://chat.bulwark.test",
  NEXTAUTH_SECRET: randomSecret(),
  GITHUB_ID: "Iv1.0123456789",
  GITHUB_SECRET: randomSecret(),
  AI_MODELS: "demo:demo",
  ALLOW_IN_MEMORY_STORE: "true",
  ...extra,
});
const devEnv = (extra: Source = {}): Source => ({ ...prodEnv(), NODE_ENV: "development", ...extra });

/** What each variable needs beside it to be used, so the only problem left is the one under test. */
const companions: Record<TransportVariable, Source> = {
  NEXTAUTH_URL: {},
  OPENAI_BASE_URL: {},
  ANTHROPIC_BASE_URL: {},
  UPSTASH_REDIS_REST_URL: { UPSTASH_REDIS_REST_TOKEN: randomSecret(), CONVERSATION_ENCRYPTION_KEY: randomBytes(32).toString("base64") },
  REDIS_URL: { CONVERSATION_ENCRYPTION_KEY: randomBytes(32).toString("base64") },
  GUARD_INJECTION_JUDGE_URL: { GUARD_INJECTION_JUDGE: "http", GUARD_INJECTION_JUDGE_TOKEN: randomSecret() },
  ALERT_WEBHOOK_URL: {},
};
const VARIABLES = Object.keys(TRANSPORT_RULES) as TransportVariable[];
const plain = (name: TransportVariable, host: string) => (name === "REDIS_URL" ? `redis://default:pw${randomSecret()}@${host}:6379` : `http://${host}/v1`);
const secure = (name: TransportVariable, host: string) => (name === "REDIS_URL" ? `rediss://default:pw${randomSecret()}@${host}:6380` : `https://${host}/v1`);
const withUrl = (name: TransportVariable, value: string, extra: Source = {}) => ({ [name]: value, ...companions[name], ...extra });

function problems(source: Source): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("isLoopbackHost", () => {
  const hostOf = (url: string) => new URL(url).hostname;

  it("accepts localhost, *.localhost, 127.0.0.0/8 and [::1], in the forms the URL parser gives", () => {
    for (const url of [
      "http://localhost:3000",
      "HTTP://LOCALHOST:3000",
      "http://app.localhost",
      "http://127.0.0.1",
      "http://127.255.255.254",
      "http://127.0.0.1.", // one trailing dot is allowed in an IPv4 address; the parser drops it
      "http://127.1", // the parser spells these 127.0.0.1, and so does the connection
      "http://0x7f.1",
      "http://2130706433",
      "http://[::1]:8080",
      "http://[0:0:0:0:0:0:0:1]",
      "redis://localhost:6379",
      "redis://127.0.0.1:6379",
      "redis://[::1]:6379",
    ]) {
      expect(isLoopbackHost(hostOf(url)), url).toBe(true);
    }
  });

  it("refuses hosts that only look like loopback", () => {
    for (const url of [
      "http://127.0.0.1.evil.example",
      "http://localhost@evil.example", // user info, host evil.example
      "http://localhost:3000@evil.example",
      "http://evil.example#@localhost",
      "http://evil.example\\@localhost",
      "http://localhost.evil.example",
      "http://evillocalhost",
      "http://localhost.", // the resolver may send a trailing-dot name to DNS
      "http://app.localhost.",
      "http://[::ffff:127.0.0.1]", // IPv4-mapped: say 127.0.0.1 or [::1] instead
      "http://[::]",
      "http://0.0.0.0",
      "http://128.0.0.1",
      "http://10.0.0.5",
      "http://[::2]",
      "redis://127.1:6379", // redis:// hosts are not normalised by the parser: refused, not guessed
      "redis://0177.0.0.1:6379",
      "redis://127.0.0.1.:6379",
      "redis://127.0.0.256:6379",
      "redis://127.000.000.001:6379",
      "redis://local%68ost:6379",
      "redis://127.0.0.1.evil.test:6379",
    ]) {
      expect(isLoopbackHost(hostOf(url)), url).toBe(false);
    }
  });
});

describe("production refuses clear text off this machine", () => {
  it.each(VARIABLES)("refuses a plain %s to a public host, naming it and saying what to do, never quoting it", (name) => {
    const value = plain(name, "api.bulwark.test");
    const found = problems(prodEnv(withUrl(name, value)));
    expect(found).toHaveLength(1);
    const [problem = ""] = found;
    expect(problem.startsWith(`${name}: must be `)).toBe(true);
    expect(problem).toContain(name === "REDIS_URL" ? "rediss://" : "https://");
    expect(problem).toContain("loopback host (localhost, *.localhost, 127.0.0.0/8 or [::1])");
    expect(problem).not.toContain("api.bulwark.test");
    expect(problem).not.toContain(value);
    if (name === "NEXTAUTH_URL") expect(problem).toContain("TLS-terminating proxy");
    else expect(problem).toContain(`list ${name} in ALLOW_INSECURE_TRANSPORT`);
  });

  it.each(VARIABLES)("accepts %s over TLS, or in clear to a loopback host", (name) => {
    for (const value of [
      secure(name, "api.bulwark.test"),
      plain(name, "localhost"),
      plain(name, "127.0.0.1"),
      plain(name, "[::1]"),
      plain(name, "app.localhost"),
    ]) {
      expect(problems(prodEnv(withUrl(name, value))), value).toEqual([]);
    }
  });

  it.each(VARIABLES)("accepts a plain %s in development and at build time (local servers and mocks)", (name) => {
    const value = plain(name, "10.0.0.5");
    expect(problems(devEnv(withUrl(name, value)))).toEqual([]);
    expect(() => parseEnv({ NODE_ENV: "production", ...withUrl(name, value) }, { phase: "build" })).not.toThrow();
  });

  it("is not fooled by tricks in http:// URLs", () => {
    for (const value of [
      "http://127.0.0.1.evil.example/v1",
      "http://localhost@evil.example/v1",
      "http://localhost:11434@evil.example/v1",
      "HTTP://evil.example/v1",
      "hTTp://evil.example/v1",
      "http://[::ffff:127.0.0.1]/v1",
      "http://[::ffff:7f00:1]/v1",
      "http://localhost./v1",
      "http://evil.example\\@localhost/v1",
      "http://0.0.0.0:11434/v1",
    ]) {
      expect(problems(prodEnv({ OPENAI_BASE_URL: value })), value).toEqual([expect.stringMatching(/^OPENAI_BASE_URL: must be an https:\/\/ URL/)]);
    }
    // Upper case is still https, and a loopback address written another way is still loopback.
    for (const value of ["HTTPS://api.openai.com/v1", "HTTP://LOCALHOST:11434/v1", "http://127.1:11434/v1", "http://[0:0:0:0:0:0:0:1]:11434/v1"]) {
      expect(problems(prodEnv({ OPENAI_BASE_URL: value })), value).toEqual([]);
    }
  });

  it("takes REDIS_URL as encrypted only when the Redis client will use TLS", () => {
    const key = randomBytes(32).toString("base64");
    const refused = [
      "redis://redis.internal:6379",
      "REDISS://redis.internal:6380", // ioredis turns TLS on only for the exact prefix rediss://
      "Rediss://redis.internal:6380",
      "rediss://redis.internal:6380?tls=", // the query is read as options: an empty tls means none
      "rediss://redis.internal:6380/0?db=0&tls=false",
      "redis://127.0.0.1.evil.test:6379",
      "redis://localhost@evil.test:6379",
      "redis://127.1:6379",
    ];
    for (const value of refused) {
      expect(problems(prodEnv({ REDIS_URL: value, CONVERSATION_ENCRYPTION_KEY: key })), value).toEqual([
        expect.stringMatching(/^REDIS_URL: must be a rediss:\/\/ \(TLS\) URL/),
      ]);
    }
    for (const value of [
      "rediss://redis.internal:6380",
      "rediss://default:pw@redis.internal:6380/2",
      "REDIS://LOCALHOST:6379",
      "redis://[::1]:6379",
      "rediss://localhost:6380?tls=",
    ]) {
      expect(problems(prodEnv({ REDIS_URL: value, CONVERSATION_ENCRYPTION_KEY: key })), value).toEqual([]);
    }
  });

  it("reports every clear-text variable at once", () => {
    const all = Object.assign({}, ...VARIABLES.filter((n) => n !== "UPSTASH_REDIS_REST_URL").map((n) => withUrl(n, plain(n, "api.bulwark.test")))) as Source;
    expect(problems(prodEnv(all)).map((p) => p.slice(0, p.indexOf(":")))).toEqual(VARIABLES.filter((n) => n !== "UPSTASH_REDIS_REST_URL"));
  });

  it("checks a URL read from a *_FILE secret too", () => {
    const source = prodEnv({ REDIS_URL_FILE: "/run/secrets/redis-url", CONVERSATION_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    const readFile = () => "redis://default:pw@redis.internal:6379\n";
    expect(() => parseEnv(source, { readFile })).toThrow(/REDIS_URL: must be a rediss:\/\//);
  });
});

describe("ALLOW_INSECURE_TRANSPORT", () => {
  it("lets a listed variable go in clear to a private host, and reports it for the start-up warning", () => {
    const env = parseEnv(
      prodEnv({
        OPENAI_BASE_URL: "http://vllm.ml.svc.cluster.local:8000/v1",
        REDIS_URL: "redis://redis.internal:6379",
        CONVERSATION_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        ALLOW_INSECURE_TRANSPORT: "REDIS_URL, OPENAI_BASE_URL, ALERT_WEBHOOK_URL",
      }),
    );
    // Only what actually goes in clear off this machine: ALERT_WEBHOOK_URL is listed but not set.
    expect(env.transport.insecureByExemption).toEqual(["OPENAI_BASE_URL", "REDIS_URL"]);
    expect(parseEnv(prodEnv()).transport.insecureByExemption).toEqual([]);
  });

  it("exempts only the variables it lists", () => {
    const found = problems(
      prodEnv({ OPENAI_BASE_URL: "http://vllm.internal/v1", ANTHROPIC_BASE_URL: "http://gateway.internal", ALLOW_INSECURE_TRANSPORT: "OPENAI_BASE_URL" }),
    );
    expect(found).toEqual([expect.stringMatching(/^ANTHROPIC_BASE_URL: /)]);
  });

  it("can never exempt NEXTAUTH_URL, the address browsers use", () => {
    expect(problems(devEnv({ ALLOW_INSECURE_TRANSPORT: "NEXTAUTH_URL" }))).toEqual([
      expect.stringMatching(/^ALLOW_INSECURE_TRANSPORT: entry 1 is NEXTAUTH_URL, which cannot be exempted/),
    ]);
    expect(problems(prodEnv({ NEXTAUTH_URL: "http://chat.bulwark.test", ALLOW_INSECURE_TRANSPORT: "OPENAI_BASE_URL" }))).toEqual([
      expect.stringMatching(/^NEXTAUTH_URL: must be an https:\/\/ URL/),
    ]);
    expect(EXEMPTABLE_VARIABLES).not.toContain("NEXTAUTH_URL");
  });

  it("refuses a name it does not know, by position, and an empty list", () => {
    expect(problems(devEnv({ ALLOW_INSECURE_TRANSPORT: "REDIS_URL,NODE_TLS_REJECT_UNAUTHORIZED" }))).toEqual([
      `ALLOW_INSECURE_TRANSPORT: entry 2 must be one of ${EXEMPTABLE_VARIABLES.join(", ")}`,
    ]);
    expect(problems(devEnv({ ALLOW_INSECURE_TRANSPORT: "true" }))).toEqual([expect.stringMatching(/^ALLOW_INSECURE_TRANSPORT: entry 1 must be one of/)]);
    expect(problems(devEnv({ ALLOW_INSECURE_TRANSPORT: " , " }))).toEqual([expect.stringMatching(/^ALLOW_INSECURE_TRANSPORT: must list at least one of/)]);
  });
});

describe("NODE_TLS_REJECT_UNAUTHORIZED", () => {
  it("refuses 0 in production: certificate verification must stay on, and says how to trust a private CA", () => {
    const found = problems(prodEnv({ NODE_TLS_REJECT_UNAUTHORIZED: "0" }));
    expect(found).toEqual([expect.stringMatching(/^NODE_TLS_REJECT_UNAUTHORIZED: /)]);
    expect(found[0]).toContain("certificate verification must stay on");
    expect(found[0]).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("accepts the values with which Node keeps verifying (it turns verification off only for exactly 0)", () => {
    for (const value of [undefined, "", "1", " 0", "0 ", "false", "00"]) {
      expect(problems(prodEnv({ NODE_TLS_REJECT_UNAUTHORIZED: value })), JSON.stringify(value)).toEqual([]);
    }
  });

  it("leaves development alone (a local proxy with its own certificate)", () => {
    expect(problems(devEnv({ NODE_TLS_REJECT_UNAUTHORIZED: "0" }))).toEqual([]);
  });

  it("is not something ALLOW_INSECURE_TRANSPORT can exempt", () => {
    expect(problems(prodEnv({ NODE_TLS_REJECT_UNAUTHORIZED: "0", ALLOW_INSECURE_TRANSPORT: EXEMPTABLE_VARIABLES.join(",") }))).toEqual([
      expect.stringMatching(/^NODE_TLS_REJECT_UNAUTHORIZED: /),
    ]);
  });
});

describe("NEXTAUTH_URL is written with a lower-case scheme", () => {
  it("refuses HTTP:// and HTTPS:// everywhere: next-auth would read them as a host name", () => {
    for (const value of ["HTTPS://chat.bulwark.test", "Http://localhost:3000"]) {
      expect(problems(devEnv({ NEXTAUTH_URL: value })), value).toEqual([
        "NEXTAUTH_URL: must start with http:// or https:// in lower case (next-auth reads the scheme as written)",
      ]);
    }
    // A value that is no URL at all gets one problem, not two.
    expect(problems(devEnv({ NEXTAUTH_URL: "chat.bulwark.test" }))).toEqual(["NEXTAUTH_URL: must be an absolute http(s) URL, e.g. http://localhost:3000"]);
  });
});
