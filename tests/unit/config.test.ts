import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, EnvError, parseEnv, type Env } from "@/lib/config/schema";
import { parseRateLimit } from "@/lib/config/limits";
import { parseModelList } from "@/lib/config/models";
import { findPublicSecrets, looksLikeExampleSecret, SECRET_VARIABLES } from "@/lib/config/secrets";
import { hashPassword } from "@/lib/auth/password-hash";

type Source = Record<string, string | undefined>;

// Hex holds none of the placeholder words, so a random hex secret never looks like an example.
const randomSecret = (bytes = 24) => randomBytes(bytes).toString("hex");
const fakeOpenAiKey = () => "sk-" + "proj-" + randomBytes(30).toString("base64url");

let aliceHash: string;
let bobHash: string;
beforeAll(async () => {
  aliceHash = await hashPassword("alice has a long password", { log2N: 10, r: 8, p: 1 });
  bobHash = await hashPassword("bob has another long password", { log2N: 10, r: 8, p: 1 });
});

/** A development environment that starts: a secret and one local account. */
const devEnv = (extra: Source = {}): Source => ({
  NODE_ENV: "development",
  NEXTAUTH_SECRET: randomSecret(),
  AUTH_LOCAL_USERS: `alice@example.com:${aliceHash}`,
  ...extra,
});

/** A production environment that starts: public URL, real-looking secret, explicit demo model. */
const prodEnv = (extra: Source = {}): Source => ({
  ...devEnv(),
  NODE_ENV: "production",
  NEXTAUTH_URL: "https://chat.bulwark.test",
  AI_MODELS: "demo:demo",
  ...extra,
});

/** The EnvError that parseEnv throws for `source`; fails the test if it does not throw one. */
function envError(source: Source, options?: Parameters<typeof parseEnv>[1]): EnvError {
  try {
    parseEnv(source, options);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("parseEnv accepted an environment it should refuse");
}

/** The variable names an EnvError's problems start with. */
const namedVariables = (error: EnvError) => error.problems.map((p) => p.slice(0, p.indexOf(":")));

/** NAME=value lines of a dotenv file (comments and blank lines skipped). */
function readDotenv(path: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) vars[match[1]] = match[2].trim();
  }
  return vars;
}
const envExamplePath = fileURLToPath(new URL("../../.env.example", import.meta.url));

describe("parseEnv: defaults", () => {
  it("fills every default when only the required variables are set", () => {
    const env: Env = parseEnv(devEnv());
    expect(env.nodeEnv).toBe("development");
    expect(env.isProduction).toBe(false);
    expect(env.auth.sessionMaxAgeSeconds).toBe(DEFAULTS.SESSION_MAX_AGE_SECONDS);
    expect(env.auth.signInLimitPerIp).toMatchObject({ requests: 30, windowMs: 15 * 60_000 });
    expect(env.auth.signInLimitPerAccount).toMatchObject({ requests: 10, windowMs: 15 * 60_000 });
    expect(env.auth.github).toBeUndefined();
    expect(env.auth.google).toBeUndefined();
    expect(env.ai.maxOutputTokens).toBe(DEFAULTS.AI_MAX_OUTPUT_TOKENS);
    expect(env.ai.timeoutMs).toBe(DEFAULTS.AI_TIMEOUT_MS);
    expect(env.chat.rateLimit).toMatchObject({ requests: 20, windowMs: 60_000 });
    expect(env.chat.maxMessageChars).toBe(DEFAULTS.CHAT_MAX_MESSAGE_CHARS);
    expect(env.chat.maxBodyBytes).toBe(DEFAULTS.CHAT_MAX_BODY_BYTES);
    expect(env.chat.historyMaxMessages).toBe(DEFAULTS.CHAT_HISTORY_MAX_MESSAGES);
    expect(env.upstash).toBeUndefined();
    expect(env.log.level).toBe("info");
  });

  it("treats a missing NODE_ENV as development", () => {
    const { NODE_ENV: _, ...withoutNodeEnv } = devEnv();
    expect(parseEnv(withoutNodeEnv).nodeEnv).toBe("development");
  });

  it("falls back to the offline demo model when no provider key is set (outside production)", () => {
    const env = parseEnv(devEnv());
    expect(env.ai.models).toEqual([{ id: "demo:demo", provider: "demo", model: "demo" }]);
    expect(env.ai.defaultModel.id).toBe("demo:demo");
    expect(env.ai.openai).toBeUndefined();
    expect(env.ai.anthropic).toBeUndefined();
  });

  it("picks the models of the providers whose keys are set, OpenAI first", () => {
    const openaiOnly = parseEnv(devEnv({ OPENAI_API_KEY: fakeOpenAiKey() }));
    expect(openaiOnly.ai.models.map((m) => m.id)).toEqual(["openai:gpt-4o-mini"]);

    const both = parseEnv(devEnv({ OPENAI_API_KEY: fakeOpenAiKey(), ANTHROPIC_API_KEY: randomSecret() }));
    expect(both.ai.models.map((m) => m.provider)).toEqual(["openai", "anthropic"]);
    expect(both.ai.defaultModel.provider).toBe("openai");
  });

  it("uses the values that are set, coercing numbers", () => {
    const env = parseEnv(
      devEnv({
        CHAT_MAX_MESSAGE_CHARS: "500",
        CHAT_RATE_LIMIT: "5/15m",
        AI_TIMEOUT_MS: "3000",
        LOG_LEVEL: "debug",
        AI_MODELS: "demo:demo,openai:llama3.2:3b",
        OPENAI_API_KEY: "ollama",
        OPENAI_BASE_URL: "http://localhost:11434/v1",
      }),
    );
    expect(env.chat.maxMessageChars).toBe(500);
    expect(env.chat.rateLimit).toMatchObject({ requests: 5, windowMs: 900_000 });
    expect(env.ai.timeoutMs).toBe(3000);
    expect(env.log.level).toBe("debug");
    expect(env.ai.defaultModel.id).toBe("demo:demo");
    expect(env.ai.openai).toEqual({ apiKey: "ollama", baseURL: "http://localhost:11434/v1" });
  });

  it("counts empty and blank strings as unset", () => {
    const env = parseEnv(
      devEnv({
        CHAT_RATE_LIMIT: "",
        CHAT_MAX_MESSAGE_CHARS: "   ",
        OPENAI_API_KEY: "",
        OPENAI_BASE_URL: "",
        AI_MODELS: " ",
        GITHUB_ID: "",
        GITHUB_SECRET: "",
        UPSTASH_REDIS_REST_URL: "",
        UPSTASH_REDIS_REST_TOKEN: "",
        LOG_LEVEL: "",
        NEXTAUTH_URL: "",
      }),
    );
    expect(env.chat.rateLimit).toMatchObject({ requests: 20, windowMs: 60_000 });
    expect(env.chat.maxMessageChars).toBe(DEFAULTS.CHAT_MAX_MESSAGE_CHARS);
    expect(env.ai.openai).toBeUndefined();
    expect(env.ai.defaultModel.id).toBe("demo:demo");
    expect(env.auth.github).toBeUndefined();
    expect(env.upstash).toBeUndefined();
    expect(env.auth.url).toBeUndefined();
  });

  it("treats an empty NEXTAUTH_SECRET as missing", () => {
    const error = envError(devEnv({ NEXTAUTH_SECRET: "" }));
    expect(error.problems).toEqual([expect.stringMatching(/^NEXTAUTH_SECRET: is required/)]);
  });
});

describe("parseEnv: refusals", () => {
  it("names every bad variable in one EnvError and never repeats the bad values", () => {
    const bad: Source = {
      NODE_ENV: "zqxstaging",
      NEXTAUTH_URL: "ftp://zqxurl.invalid",
      NEXTAUTH_SECRET: "zqxshortsecret",
      SESSION_MAX_AGE_SECONDS: "zqxforever",
      CHAT_RATE_LIMIT: "zqxrate",
      CHAT_MAX_BODY_BYTES: "987654321",
      AI_TIMEOUT_MS: "12.5",
      AI_MODELS: "zqxprovider:zqxmodel",
      OPENAI_BASE_URL: "zqx not a url",
      LOG_LEVEL: "zqxloud",
      AUTH_LOCAL_USERS: "zqxnotanemail:zqxnotahash",
    };
    const error = envError({ ...devEnv(), ...bad });
    expect(error).toBeInstanceOf(EnvError);
    expect(error.name).toBe("EnvError");
    expect(new Set(namedVariables(error))).toEqual(new Set(Object.keys(bad)));
    for (const name of Object.keys(bad)) expect(error.message).toContain(`${name}:`);
    // The distinctive marker and the numbers appear in no message: values are never echoed.
    const everything = `${error.message}\n${error.problems.join("\n")}`;
    expect(everything).not.toMatch(/zqx/i);
    expect(everything).not.toContain("987654321");
    expect(everything).not.toContain("12.5");
  });

  it("does not echo a plain-text password put where a hash belongs, nor the account's email", () => {
    const password = "zqx-" + randomSecret(6);
    const error = envError(devEnv({ AUTH_LOCAL_USERS: `zqx.alice@example.com:${password}` }));
    expect(error.problems).toEqual([expect.stringMatching(/^AUTH_LOCAL_USERS: entry 1 needs a hash/)]);
    expect(error.message).toContain("auth:hash-password");
    expect(error.message).not.toContain(password);
    expect(error.message).not.toMatch(/zqx/);
  });

  it("does not echo a key pasted into AI_MODELS by mistake", () => {
    const key = fakeOpenAiKey();
    const error = envError(devEnv({ AI_MODELS: `demo:demo,${key}` }));
    expect(namedVariables(error)).toEqual(["AI_MODELS"]);
    expect(error.message).not.toContain(key);
  });

  it("refuses a NEXTAUTH_SECRET shorter than 32 characters and accepts 32", () => {
    const error = envError(devEnv({ NEXTAUTH_SECRET: "a".repeat(31) }));
    expect(error.problems).toEqual([expect.stringMatching(/^NEXTAUTH_SECRET: must be at least 32 characters/)]);
    expect(parseEnv(devEnv({ NEXTAUTH_SECRET: randomBytes(16).toString("hex") })).auth.secret).toHaveLength(32);
  });

  it("refuses to run without NEXTAUTH_SECRET", () => {
    const { NEXTAUTH_SECRET: _, ...source } = devEnv();
    expect(namedVariables(envError(source))).toEqual(["NEXTAUTH_SECRET"]);
  });

  it("refuses to run with no way to sign in", () => {
    const { AUTH_LOCAL_USERS: _, ...source } = devEnv();
    const error = envError(source);
    expect(namedVariables(error)).toEqual(["AUTH_LOCAL_USERS"]);
    expect(error.message).toMatch(/no way to sign in/);
  });

  it("refuses out-of-range numbers", () => {
    expect(namedVariables(envError(devEnv({ SESSION_MAX_AGE_SECONDS: "59" })))).toEqual(["SESSION_MAX_AGE_SECONDS"]);
    expect(namedVariables(envError(devEnv({ CHAT_MAX_BODY_BYTES: "1023" })))).toEqual(["CHAT_MAX_BODY_BYTES"]);
    expect(namedVariables(envError(devEnv({ CHAT_MAX_MESSAGE_CHARS: "0" })))).toEqual(["CHAT_MAX_MESSAGE_CHARS"]);
    expect(parseEnv(devEnv({ SESSION_MAX_AGE_SECONDS: "60" })).auth.sessionMaxAgeSeconds).toBe(60);
  });

  it("refuses URLs that are not absolute http(s)", () => {
    for (const bad of ["localhost:3000", "javascript:alert(1)", "//chat.bulwark.test", "file:///etc/passwd"]) {
      expect(namedVariables(envError(devEnv({ NEXTAUTH_URL: bad })))).toEqual(["NEXTAUTH_URL"]);
    }
  });

  it("refuses an OAuth client id without its secret, and a secret without its id", () => {
    const githubIdOnly = envError(devEnv({ GITHUB_ID: "Iv1.abcdef" }));
    expect(githubIdOnly.problems).toEqual(["GITHUB_SECRET: must be set together with GITHUB_ID"]);
    const googleSecretOnly = envError(devEnv({ GOOGLE_CLIENT_SECRET: randomSecret() }));
    expect(googleSecretOnly.problems).toEqual(["GOOGLE_CLIENT_ID: must be set together with GOOGLE_CLIENT_SECRET"]);
  });

  it("accepts an OAuth pair as the only way to sign in", () => {
    const { AUTH_LOCAL_USERS: _, ...source } = devEnv();
    const clientSecret = randomSecret();
    const env = parseEnv({ ...source, GITHUB_ID: "Iv1.abcdef", GITHUB_SECRET: clientSecret });
    expect(env.auth.github).toEqual({ clientId: "Iv1.abcdef", clientSecret });
    expect(env.auth.localUsers).toEqual([]);
  });

  it("refuses half an Upstash configuration", () => {
    expect(namedVariables(envError(devEnv({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io" })))).toEqual(["UPSTASH_REDIS_REST_TOKEN"]);
    expect(namedVariables(envError(devEnv({ UPSTASH_REDIS_REST_TOKEN: randomSecret() })))).toEqual(["UPSTASH_REDIS_REST_URL"]);
    const token = randomSecret();
    expect(parseEnv(devEnv({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: token })).upstash).toEqual({
      url: "https://eu1.upstash.io",
      token,
    });
  });

  it("refuses AI_MODELS listing openai models without OPENAI_API_KEY", () => {
    const error = envError(devEnv({ AI_MODELS: "openai:gpt-4o-mini" }));
    expect(namedVariables(error)).toEqual(["OPENAI_API_KEY"]);
    expect(error.message).toContain("AI_MODELS lists openai models");
  });

  it("refuses AI_MODELS listing anthropic models without ANTHROPIC_API_KEY", () => {
    const error = envError(devEnv({ AI_MODELS: "demo:demo,anthropic:claude-sonnet-4-5" }));
    expect(namedVariables(error)).toEqual(["ANTHROPIC_API_KEY"]);
  });
});

describe("parseEnv: AUTH_LOCAL_USERS", () => {
  it("parses email:hash pairs, trimming spaces, lower-casing emails and skipping empty entries", () => {
    const env = parseEnv(devEnv({ AUTH_LOCAL_USERS: ` Alice@Example.COM:${aliceHash} , ,bob@example.org : ${bobHash},` }));
    expect(env.auth.localUsers).toEqual([
      { email: "alice@example.com", passwordHash: aliceHash },
      { email: "bob@example.org", passwordHash: bobHash },
    ]);
  });

  it("refuses an entry whose email is not an email address, naming the entry", () => {
    const error = envError(devEnv({ AUTH_LOCAL_USERS: `alice@example.com:${aliceHash},not-an-email:${bobHash}` }));
    expect(error.problems).toEqual([expect.stringMatching(/^AUTH_LOCAL_USERS: entry 2 must start with an email address/)]);
  });

  it("refuses an entry without a colon", () => {
    expect(namedVariables(envError(devEnv({ AUTH_LOCAL_USERS: "alice@example.com" })))).toEqual(["AUTH_LOCAL_USERS"]);
  });

  it("refuses an entry whose hash is malformed or too weak", () => {
    const weak = aliceHash.replace(/^scrypt\.10\./, "scrypt.4.");
    const truncated = aliceHash.slice(0, -20);
    for (const hash of [weak, truncated, "bcrypt$10$abc", ""]) {
      const error = envError(devEnv({ AUTH_LOCAL_USERS: `alice@example.com:${hash}` }));
      expect(error.problems).toEqual([expect.stringMatching(/^AUTH_LOCAL_USERS: entry 1 .*needs a hash/)]);
    }
  });
});

describe("parseEnv: production", () => {
  it("accepts a complete production environment", () => {
    const env = parseEnv(prodEnv());
    expect(env.isProduction).toBe(true);
    expect(env.auth.url).toBe("https://chat.bulwark.test");
    expect(env.ai.defaultModel.id).toBe("demo:demo");
  });

  it("refuses to start without NEXTAUTH_URL", () => {
    const error = envError(prodEnv({ NEXTAUTH_URL: undefined }));
    expect(namedVariables(error)).toEqual(["NEXTAUTH_URL"]);
    expect(error.message).toMatch(/required in production/);
  });

  it("refuses to fall back to the demo model silently, and says how to choose it on purpose", () => {
    const error = envError(prodEnv({ AI_MODELS: undefined }));
    expect(namedVariables(error)).toEqual(["AI_MODELS"]);
    expect(error.message).toContain("AI_MODELS=demo:demo");
    expect(parseEnv(prodEnv({ AI_MODELS: "demo:demo" })).ai.models.map((m) => m.id)).toEqual(["demo:demo"]);
  });

  it("accepts a provider key without AI_MODELS", () => {
    const env = parseEnv(prodEnv({ AI_MODELS: undefined, ANTHROPIC_API_KEY: randomSecret() }));
    expect(env.ai.defaultModel.provider).toBe("anthropic");
  });

  it("refuses secrets that still hold placeholder values, but only in production", () => {
    const placeholders: Source = {
      NEXTAUTH_SECRET: "change-me-to-a-long-random-secret-0123456789",
      OPENAI_API_KEY: "sk-your-openai-key-here",
      ANTHROPIC_API_KEY: "replace_me",
      GITHUB_ID: "Iv1.abcdef",
      GITHUB_SECRET: "xxxxxxxxxxxx",
    };
    const error = envError(prodEnv(placeholders));
    expect(new Set(namedVariables(error))).toEqual(new Set(["NEXTAUTH_SECRET", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GITHUB_SECRET"]));
    for (const problem of error.problems) expect(problem).toMatch(/still holds the example value/);
    for (const value of Object.values(placeholders)) {
      if (value !== "Iv1.abcdef") expect(error.message).not.toContain(value);
    }
    // In development the same values are tolerated: the placeholder check is a production guard.
    expect(() => parseEnv(devEnv(placeholders))).not.toThrow();
  });

  it("refuses, in production, every secret example value that .env.example ships", () => {
    const example = readDotenv(envExamplePath);
    const shipped = SECRET_VARIABLES.filter((name) => (example[name] ?? "") !== "");
    // .env.example ships at least the NEXTAUTH_SECRET placeholder; an empty list would test nothing.
    expect(shipped).toContain("NEXTAUTH_SECRET");
    for (const name of shipped) {
      const value = example[name] ?? "";
      expect(looksLikeExampleSecret(value), `${name} in .env.example must look like a placeholder`).toBe(true);
      const error = envError(prodEnv({ [name]: value }));
      expect(error.problems).toContain(`${name}: still holds the example value from .env.example; set a real secret`);
    }
  });

  it("keeps .env.example well formed: it parses at build time", () => {
    expect(() => parseEnv(readDotenv(envExamplePath), { phase: "build" })).not.toThrow();
  });
});

describe("parseEnv: build phase", () => {
  it("does not require secrets, a URL, a sign-in method or a provider", () => {
    const env = parseEnv({ NODE_ENV: "production" }, { phase: "build" });
    expect(env.isProduction).toBe(true);
    expect(env.auth.secret).toBe("");
  });

  it("still refuses malformed values", () => {
    const error = envError({ NODE_ENV: "production", CHAT_RATE_LIMIT: "twenty", NEXTAUTH_SECRET: "short" }, { phase: "build" });
    expect(new Set(namedVariables(error))).toEqual(new Set(["CHAT_RATE_LIMIT", "NEXTAUTH_SECRET"]));
  });

  it("still refuses half an OAuth pair", () => {
    expect(namedVariables(envError({ GITHUB_ID: "Iv1.abcdef" }, { phase: "build" }))).toEqual(["GITHUB_SECRET"]);
  });
});

describe("parseRateLimit", () => {
  it.each([
    ["20/60s", 20, 60_000],
    ["5/15m", 5, 900_000],
    ["1/1d", 1, 86_400_000],
    ["100/1h", 100, 3_600_000],
    ["3/500ms", 3, 500],
    [" 20 / 60 s ", 20, 60_000],
  ])("reads %j as %i requests per %i ms", (text, requests, windowMs) => {
    expect(parseRateLimit(text)).toEqual({ requests, windowMs, source: text.trim() });
  });

  it.each(["0/60s", "20/0s", "20", "abc", "20/60", "20/60y", "-1/60s", "1.5/60s", "20/60s extra", "", "/60s"])("refuses %j", (text) => {
    expect(parseRateLimit(text)).toBeNull();
  });
});

describe("parseModelList", () => {
  it("parses provider:model pairs in order, the first being the default", () => {
    expect(parseModelList("openai:gpt-4o-mini, anthropic:claude-sonnet-4-5 ,demo:demo")).toEqual([
      { id: "openai:gpt-4o-mini", provider: "openai", model: "gpt-4o-mini" },
      { id: "anthropic:claude-sonnet-4-5", provider: "anthropic", model: "claude-sonnet-4-5" },
      { id: "demo:demo", provider: "demo", model: "demo" },
    ]);
  });

  it("accepts model names of local servers (colons, slashes)", () => {
    expect(parseModelList("openai:llama3.2:3b,openai:meta-llama/Llama-3.1-8B")).toEqual([
      { id: "openai:llama3.2:3b", provider: "openai", model: "llama3.2:3b" },
      { id: "openai:meta-llama/Llama-3.1-8B", provider: "openai", model: "meta-llama/Llama-3.1-8B" },
    ]);
  });

  it("names a bad entry by its position and never quotes it", () => {
    const key = fakeOpenAiKey();
    expect(parseModelList(`demo:demo, ${key}`)).toBe("entry 2 must start with one of openai, anthropic, demo and a colon");
    expect(parseModelList("openai:zqx model")).toBe("entry 1 has no valid model name after the colon");
    expect(parseModelList("demo:demo,demo:demo")).toBe("entry 2 is listed twice");
  });

  it.each(["mistral:large", ":gpt-4o", "gpt-4o", "openai:", "openai:bad name", "openai:-leading", "openai:a,openai:a", "", " , "])(
    "refuses %j with a sentence",
    (text) => {
      expect(typeof parseModelList(text)).toBe("string");
    },
  );
});

describe("looksLikeExampleSecret", () => {
  it.each(["change-me-to-a-long-random-secret", "CHANGEME", "replace_me", "your-openai-key", "sk-your_key", "example-token", "placeholder", "xxxxxxxx", "secret", "password", "dummy", " test "])(
    "recognises the placeholder %j",
    (value) => {
      expect(looksLikeExampleSecret(value)).toBe(true);
    },
  );

  it("does not flag real-looking secrets", () => {
    expect(looksLikeExampleSecret(randomSecret())).toBe(false);
    expect(looksLikeExampleSecret(randomBytes(32).toString("base64"))).toBe(false);
    expect(looksLikeExampleSecret("sk-" + "ant-" + "api03-" + "Q".repeat(12) + "9".repeat(12))).toBe(false);
  });
});

describe("findPublicSecrets", () => {
  it("flags a NEXT_PUBLIC_ variable whose name says it is a secret", () => {
    expect(findPublicSecrets({ NEXT_PUBLIC_OPENAI_API_KEY: "anything-at-all" })).toEqual(["NEXT_PUBLIC_OPENAI_API_KEY"]);
    expect(findPublicSecrets({ NEXT_PUBLIC_AUTH_SECRET: "x1", NEXT_PUBLIC_DB_PASSWORD: "x2", NEXT_PUBLIC_UPSTASH_TOKEN: "x3" })).toHaveLength(3);
  });

  it("flags a NEXT_PUBLIC_ variable whose value looks like a credential, whatever its name", () => {
    const values = [
      fakeOpenAiKey(),
      "AKIA" + randomBytes(8).toString("hex").toUpperCase(),
      "ghp_" + randomBytes(20).toString("hex"),
      "xox" + "b-" + randomBytes(8).toString("hex"),
      "-----BEGIN " + "PRIVATE KEY-----\nMIIB",
    ];
    for (const value of values) expect(findPublicSecrets({ NEXT_PUBLIC_ANYTHING: value })).toEqual(["NEXT_PUBLIC_ANYTHING"]);
  });

  it("flags a NEXT_PUBLIC_ variable that copies the value of a secret variable", () => {
    const secret = randomSecret();
    expect(findPublicSecrets({ NEXTAUTH_SECRET: secret, NEXT_PUBLIC_BUILD_ID: secret })).toEqual(["NEXT_PUBLIC_BUILD_ID"]);
    const token = randomSecret();
    expect(findPublicSecrets({ UPSTASH_REDIS_REST_TOKEN: token, NEXT_PUBLIC_X: token })).toEqual(["NEXT_PUBLIC_X"]);
  });

  it("lets harmless public variables and server-only secrets through", () => {
    expect(
      findPublicSecrets({
        NEXT_PUBLIC_APP_NAME: "Bulwark",
        NEXT_PUBLIC_EMPTY: "",
        OPENAI_API_KEY: fakeOpenAiKey(),
        NEXTAUTH_SECRET: randomSecret(),
      }),
    ).toEqual([]);
  });
});
