import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { maskSecrets } from "@/lib/log/redact";

// Every credential is assembled at run time from random parts: no real-looking secret sits in the repo.
const alnum = (n: number) => {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(n), (b) => chars[b % chars.length]).join("");
};
const upperAlnum = (n: number) => Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("");
const b64url = (bytes: number) => randomBytes(bytes).toString("base64url");

const secrets: [string, () => string][] = [
  ["an OpenAI project key", () => "sk-" + "proj-" + b64url(36)],
  ["a legacy OpenAI key", () => "sk-" + alnum(48)],
  ["an Anthropic key", () => "sk-" + "ant-" + "api03-" + b64url(60)],
  ["an AWS access key id", () => "AKIA" + upperAlnum(16)],
  ["an AWS session key id", () => "ASIA" + upperAlnum(16)],
  ["a GitHub token", () => "ghp" + "_" + alnum(36)],
  ["a GitHub fine-grained token", () => "github" + "_pat_" + alnum(22) + "_" + alnum(59)],
  ["a Slack bot token", () => "xox" + "b-" + "1234567890-" + "1234567890123-" + alnum(24)],
  ["a Google API key", () => "AIza" + alnum(35)],
  ["a Stripe live key", () => "sk" + "_live_" + alnum(24)],
  ["a Stripe restricted test key", () => "rk" + "_test_" + alnum(24)],
  ["a JWT", () => "eyJ" + b64url(20) + ".eyJ" + b64url(40) + "." + b64url(32)],
];

describe("maskSecrets: credentials by shape", () => {
  it.each(secrets)("masks %s wherever it appears in a line", (_, make) => {
    const secret = make();
    for (const line of [secret, `key=${secret}`, `failed with ${secret} (401)`, `"${secret}"`, `x ${secret}\nnext line`]) {
      const masked = maskSecrets(line);
      expect(masked).not.toContain(secret);
      expect(masked).toMatch(/\[REDACTED/);
    }
  });

  it("masks several different secrets in one string", () => {
    const all = secrets.map(([, make]) => make());
    const masked = maskSecrets(all.join(" and "));
    for (const secret of all) expect(masked).not.toContain(secret);
  });

  it("masks a PEM private key block, header to footer", () => {
    const body = `${b64url(48)}\n${b64url(48)}`;
    const pem = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + body + "\n-----END " + "RSA PRIVATE KEY-----";
    const masked = maskSecrets(`loaded ${pem} from disk`);
    expect(masked).toBe("loaded [REDACTED_PRIVATE_KEY] from disk");
  });

  it("masks a truncated PEM block to the end of the text", () => {
    const pem = "-----BEGIN " + "PRIVATE KEY-----\n" + b64url(48);
    expect(maskSecrets(pem)).toBe("[REDACTED_PRIVATE_KEY]");
  });
});

describe("maskSecrets: credentials by context", () => {
  it("masks a Bearer token of any shape", () => {
    const token = alnum(12) + "." + alnum(12);
    expect(maskSecrets(`Authorization: Bearer ${token}`)).not.toContain(token);
    expect(maskSecrets(`sent bearer ${token} upstream`)).toBe("sent Bearer [REDACTED] upstream");
  });

  it("masks an Authorization value of any scheme, in a header line or in JSON", () => {
    const credentials = Buffer.from(`admin:${alnum(12)}`).toString("base64");
    expect(maskSecrets(`Authorization: Basic ${credentials}`)).toBe("Authorization: [REDACTED]");
    expect(maskSecrets(`proxy-authorization: Digest username="a", response="${alnum(32)}"`)).toBe("proxy-authorization: [REDACTED]");
    const json = maskSecrets(`{"authorization":"Basic ${credentials}","accept":"*/*"}`);
    expect(json).not.toContain(credentials);
    expect(json).toContain('"accept":"*/*"');
  });

  it("masks next-auth session and other next-auth cookies", () => {
    for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token", "__Host-next-auth.csrf-token", "next-auth.pkce.code_verifier"]) {
      const value = b64url(30);
      const masked = maskSecrets(`jar has ${name}=${value}; Path=/; HttpOnly`);
      expect(masked).not.toContain(value);
      expect(masked).toContain(`${name}=[REDACTED]`);
    }
  });

  it("masks a whole Cookie or Set-Cookie header value", () => {
    const sid = alnum(20);
    expect(maskSecrets(`Cookie: theme=dark; sid=${sid}`)).toBe("Cookie: [REDACTED]");
    expect(maskSecrets(`set-cookie: sid=${sid}; Secure`)).not.toContain(sid);
  });

  it("masks values of keys that name a secret, in query strings, headers and JSON", () => {
    const value = alnum(14);
    const cases = [
      `password=${value}`,
      `login?user=a&password=${value}&next=/`,
      `api_key: ${value}`,
      `apiKey=${value}`,
      `x-api-key: ${value}`,
      `"access_key": "${value}"`,
      `{"token":"${value}"}`,
      `client_secret=${value}`,
      `passwd=${value}`,
    ];
    for (const line of cases) {
      const masked = maskSecrets(line);
      expect(masked, line).not.toContain(value);
      expect(masked, line).toContain("[REDACTED]");
    }
  });

  it("masks the credentials in a URL and keeps the host", () => {
    const password = alnum(12);
    expect(maskSecrets(`connect postgres://admin:${password}@db.internal:5432/app failed`)).toBe("connect postgres://[REDACTED]@db.internal:5432/app failed");
    const token = alnum(20);
    expect(maskSecrets(`https://default:${token}@eu1-fine-cat.upstash.io`)).toBe("https://[REDACTED]@eu1-fine-cat.upstash.io");
  });

  it("masks email addresses", () => {
    expect(maskSecrets("sign-in failed for Alice.Smith+chat@mail.example.co.uk twice")).toBe("sign-in failed for [EMAIL] twice");
  });
});

describe("maskSecrets: ordinary text", () => {
  it.each([
    "chat.reply completed in 1234 ms, model openai:gpt-4o-mini, inputTokens=20 outputTokens=35",
    "risk-assessment and task-force and desk-booking-service",
    "the secret garden; a token gesture; password reset requested",
    "request 7f8e9a2b-1c3d-4e5f-8a9b-0c1d2e3f4a5b from 203.0.113.7 at 2030-01-01T06:00:00.000Z",
    "GET https://api.openai.com/v1/chat/completions -> 429",
    "rate limit 20/60s reached; retry in 12 s",
    "skipping sk-short and AKIA-not-a-key",
    "",
  ])("leaves %j alone", (text) => {
    expect(maskSecrets(text)).toBe(text);
  });

  it("is idempotent: masking twice changes nothing more", () => {
    const line = `user bob@example.org used ${"sk-" + "proj-" + b64url(36)} with password=${alnum(10)}`;
    const once = maskSecrets(line);
    expect(maskSecrets(once)).toBe(once);
  });
});
