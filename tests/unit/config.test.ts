import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, ENV_VARIABLES, EnvError, parseEnv, type Env } from "@/lib/config/schema";
import { parseRateLimit } from "@/lib/config/limits";
import { parseModelList } from "@/lib/config/models";
import { FILE_VARIABLES, findPublicSecrets, looksLikeExampleSecret, SECRET_VARIABLES } from "@/lib/config/secrets";
import { hashPassword } from "@/lib/crypto/password-hash";
import { LIST_PRICES } from "@/lib/config/prices";

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

/**
 * A production environment that starts: public URL, real-looking secret, explicit demo model, and the
 * in-memory store chosen on purpose (a single instance), so no Redis is needed.
 */
const prodEnv = (extra: Source = {}): Source => ({
  ...devEnv(),
  NODE_ENV: "production",
  NEXTAUTH_URL: "https://chat.bulwark.test",
  AI_MODELS: "demo:demo",
  ALLOW_IN_MEMORY_STORE: "true",
  ...extra,
});

/** A conversation encryption key in the format CONVERSATION_ENCRYPTION_KEY takes (base64 of 32 bytes). */
const encryptionKey = () => randomBytes(32).toString("base64");

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
    expect(env.chat.maxConcurrentStreams).toBe(DEFAULTS.CHAT_MAX_CONCURRENT);
    expect(env.api.rateLimit).toMatchObject({ requests: 120, windowMs: 60_000 });
    expect(env.budgets.dailyTokens).toBe(DEFAULTS.DAILY_TOKEN_BUDGET);
    expect(env.budgets.dailySpendCapUsd).toBe(DEFAULTS.DAILY_SPEND_CAP_USD);
    expect(env.budgets.prices).toEqual(LIST_PRICES);
    expect(env.store).toEqual({ kind: "memory", allowedInProduction: false, prefix: DEFAULTS.STORE_KEY_PREFIX });
    expect(env.conversations).toEqual({ ttlDays: DEFAULTS.CONVERSATION_TTL_DAYS, encryptionKeys: [] });
    expect(env.usage.retentionDays).toBe(DEFAULTS.USAGE_RETENTION_DAYS);
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
        AI_MODEL_PRICES: "openai:llama3.2:3b=0/0",
        OPENAI_API_KEY: "ollama",
        OPENAI_BASE_URL: "http://localhost:11434/v1",
      }),
    );
    expect(env.chat.maxMessageChars).toBe(500);
    expect(env.chat.rateLimit).toMatchObject({ requests: 5, windowMs: 900_000 });
    expect(env.ai.timeoutMs).toBe(3000);
    expect(env.log.level).toBe("debug");
    expect(env.ai.defaultModel.id).toBe("demo:demo");
    expect(env.ai.openai).toMatchObject({ keys: [{ value: "ollama", createdAt: undefined }], baseURL: "http://localhost:11434/v1" });
    expect(env.budgets.prices["openai:llama3.2:3b"]).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
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
        REDIS_URL: " ",
        ALLOW_IN_MEMORY_STORE: "",
        STORE_KEY_PREFIX: "",
        CHAT_MAX_CONCURRENT: "",
        API_RATE_LIMIT: "",
        DAILY_TOKEN_BUDGET: "",
        DAILY_SPEND_CAP_USD: " ",
        AI_MODEL_PRICES: "",
        CONVERSATION_TTL_DAYS: "",
        CONVERSATION_ENCRYPTION_KEY: "",
        USAGE_RETENTION_DAYS: "",
        LOG_LEVEL: "",
        NEXTAUTH_URL: "",
      }),
    );
    expect(env.chat.rateLimit).toMatchObject({ requests: 20, windowMs: 60_000 });
    expect(env.chat.maxMessageChars).toBe(DEFAULTS.CHAT_MAX_MESSAGE_CHARS);
    expect(env.ai.openai).toBeUndefined();
    expect(env.ai.defaultModel.id).toBe("demo:demo");
    expect(env.auth.github).toBeUndefined();
    expect(env.store).toEqual({ kind: "memory", allowedInProduction: false, prefix: DEFAULTS.STORE_KEY_PREFIX });
    expect(env.chat.maxConcurrentStreams).toBe(DEFAULTS.CHAT_MAX_CONCURRENT);
    expect(env.api.rateLimit).toMatchObject({ requests: 120, windowMs: 60_000 });
    expect(env.budgets.dailyTokens).toBe(DEFAULTS.DAILY_TOKEN_BUDGET);
    expect(env.budgets.dailySpendCapUsd).toBe(DEFAULTS.DAILY_SPEND_CAP_USD);
    expect(env.budgets.prices).toEqual(LIST_PRICES);
    expect(env.conversations).toEqual({ ttlDays: DEFAULTS.CONVERSATION_TTL_DAYS, encryptionKeys: [] });
    expect(env.usage.retentionDays).toBe(DEFAULTS.USAGE_RETENTION_DAYS);
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
    const env = parseEnv(
      devEnv({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: token, CONVERSATION_ENCRYPTION_KEY: encryptionKey() }),
    );
    expect(env.store).toEqual({ kind: "upstash", url: "https://eu1.upstash.io", token, prefix: DEFAULTS.STORE_KEY_PREFIX });
  });

  it("refuses AI_MODELS listing openai models without OPENAI_API_KEYS or OPENAI_API_KEY", () => {
    const error = envError(devEnv({ AI_MODELS: "openai:gpt-4o-mini" }));
    expect(namedVariables(error)).toEqual(["OPENAI_API_KEYS"]);
    expect(error.message).toContain("OPENAI_API_KEY (or their _FILE forms)");
    expect(error.message).toContain("AI_MODELS lists openai models");
  });

  it("refuses AI_MODELS listing anthropic models without ANTHROPIC_API_KEY", () => {
    const error = envError(devEnv({ AI_MODELS: "demo:demo,anthropic:claude-sonnet-4-5" }));
    expect(namedVariables(error)).toEqual(["ANTHROPIC_API_KEYS"]);
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

  it("documents every variable in .env.example and the README", () => {
    const example = readDotenv(envExamplePath);
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    expect(ENV_VARIABLES.filter((name) => !(name in example))).toEqual([]);
    expect(ENV_VARIABLES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
    expect(FILE_VARIABLES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
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

describe("parseEnv: shared store, budgets and conversations", () => {
  it("uses the values that are set for the new variables", () => {
    const keys = [randomBytes(32), randomBytes(32)];
    const env = parseEnv(
      devEnv({
        REDIS_URL: "rediss://default:" + randomSecret(8) + "@redis.internal:6380/2",
        STORE_KEY_PREFIX: "staging_2",
        CHAT_MAX_CONCURRENT: "1",
        API_RATE_LIMIT: "10/1m",
        DAILY_TOKEN_BUDGET: "1000",
        DAILY_SPEND_CAP_USD: "2.50",
        CONVERSATION_TTL_DAYS: "7",
        // Base64 first, hex second, with spaces: both formats are accepted, newest first.
        CONVERSATION_ENCRYPTION_KEY: ` ${keys[0]?.toString("base64")} , ${keys[1]?.toString("hex")} `,
        USAGE_RETENTION_DAYS: "3650",
      }),
    );
    expect(env.store).toMatchObject({ kind: "redis", prefix: "staging_2" });
    expect(env.store.kind === "redis" && env.store.url).toMatch(/^rediss:\/\/default:.*@redis\.internal:6380\/2$/);
    expect(env.chat.maxConcurrentStreams).toBe(1);
    expect(env.api.rateLimit).toMatchObject({ requests: 10, windowMs: 60_000 });
    expect(env.budgets.dailyTokens).toBe(1000);
    expect(env.budgets.dailySpendCapUsd).toBe(2.5);
    expect(env.conversations.ttlDays).toBe(7);
    expect(env.conversations.encryptionKeys).toEqual(keys);
    expect(env.usage.retentionDays).toBe(3650);
  });

  it("picks Upstash when its pair is set, Redis when REDIS_URL is, else this process", () => {
    const key = encryptionKey();
    const token = randomSecret();
    expect(
      parseEnv(devEnv({ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: token, CONVERSATION_ENCRYPTION_KEY: key })).store,
    ).toEqual({
      kind: "upstash",
      url: "https://eu1.upstash.io",
      token,
      prefix: "bulwark",
    });
    expect(parseEnv(devEnv({ REDIS_URL: "redis://localhost:6379", CONVERSATION_ENCRYPTION_KEY: key })).store).toEqual({
      kind: "redis",
      url: "redis://localhost:6379",
      prefix: "bulwark",
    });
    expect(parseEnv(devEnv({ ALLOW_IN_MEMORY_STORE: "true" })).store).toEqual({ kind: "memory", allowedInProduction: true, prefix: "bulwark" });
    expect(parseEnv(devEnv({ ALLOW_IN_MEMORY_STORE: "false" })).store).toEqual({ kind: "memory", allowedInProduction: false, prefix: "bulwark" });
  });

  it("names each bad new variable and never repeats the bad values", () => {
    const bad: Source = {
      CHAT_MAX_CONCURRENT: "zqx",
      API_RATE_LIMIT: "zqxrate",
      DAILY_TOKEN_BUDGET: "zqxtokens",
      DAILY_SPEND_CAP_USD: "zqxdollars",
      AI_MODEL_PRICES: "openai:zqxmodel=zqx",
      REDIS_URL: "http://zqxuser:zqxpassword@zqxhost:6379",
      ALLOW_IN_MEMORY_STORE: "zqxyes",
      STORE_KEY_PREFIX: "zqx:prefix",
      CONVERSATION_TTL_DAYS: "zqxdays",
      CONVERSATION_ENCRYPTION_KEY: "zqx-not-a-key",
      USAGE_RETENTION_DAYS: "zqxdays",
    };
    const error = envError({ ...devEnv(), ...bad });
    expect(new Set(namedVariables(error))).toEqual(new Set(Object.keys(bad)));
    const everything = `${error.message}\n${error.problems.join("\n")}`;
    expect(everything).not.toMatch(/zqx/i);
  });

  it.each([
    ["CHAT_MAX_CONCURRENT", ["0", "101", "1.5"], ["1", "100"]],
    ["DAILY_TOKEN_BUDGET", ["999", "1000000001", "5000.5"], ["1000", "1000000000"]],
    ["DAILY_SPEND_CAP_USD", ["0", "0.009", "-5", "1000001", "Infinity"], ["0.01", "1000000", "2.5"]],
    ["CONVERSATION_TTL_DAYS", ["0", "3651", "1.5"], ["1", "3650"]],
    ["USAGE_RETENTION_DAYS", ["0", "3651", "-1"], ["1", "3650"]],
    ["API_RATE_LIMIT", ["0/30s", "120", "120/60y"], ["1/1s", "1000/1d"]],
    ["STORE_KEY_PREFIX", ["a".repeat(33), "with space", "bulwark:prod", "dot.ted"], ["a".repeat(32), "A-z_9"]],
    ["ALLOW_IN_MEMORY_STORE", ["yes", "1", "TRUE"], ["true", "false"]],
  ] as const)("checks the range of %s, naming it without the value", (name, refused, accepted) => {
    for (const value of refused) {
      const error = envError(devEnv({ [name]: value }));
      expect(error.problems, `${name}=${value}`).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
      // The value is never echoed (a short number like "0" may well appear in the rule itself).
      if (value.length > 3) expect(error.problems[0]?.slice(name.length)).not.toContain(value);
    }
    for (const value of accepted) expect(() => parseEnv(devEnv({ [name]: value })), `${name}=${value}`).not.toThrow();
  });

  it("refuses a REDIS_URL that is not a redis:// or rediss:// URL without quoting its password", () => {
    const password = "zqx" + randomSecret(12);
    for (const bad of [
      `http://default:${password}@redis.internal:6379`,
      `redis//default:${password}@redis.internal`,
      "redis://",
      "redis:///0",
      "localhost:6379",
    ]) {
      const error = envError(devEnv({ REDIS_URL: bad, CONVERSATION_ENCRYPTION_KEY: encryptionKey() }));
      expect(error.problems, bad).toEqual(["REDIS_URL: must be a redis:// or rediss:// URL, e.g. redis://localhost:6379"]);
      expect(error.message).not.toContain(password);
    }
  });

  it("never quotes a REDIS_URL's password in the other problems it reports", () => {
    const password = "zqx" + randomSecret(12);
    const url = `redis://default:${password}@redis.internal:6379`;
    const errors = [
      envError(devEnv({ REDIS_URL: url })),
      envError(devEnv({ REDIS_URL: url, UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: randomSecret() })),
      envError(prodEnv({ REDIS_URL: `redis://default:change-me-${password}@redis.internal:6379`, CONVERSATION_ENCRYPTION_KEY: encryptionKey() })),
    ];
    for (const error of errors) {
      expect(error.message).not.toContain(password);
      expect(error.message).not.toContain("redis.internal");
    }
  });

  it("refuses a CONVERSATION_ENCRYPTION_KEY that is not a list of 32-byte keys, never quoting a key", () => {
    const key = encryptionKey();
    const short = randomBytes(31).toString("base64");
    const shortHex = randomBytes(16).toString("hex");
    const cases: [string, RegExp][] = [
      [short, /^CONVERSATION_ENCRYPTION_KEY: entry 1 is 31 bytes; each key must be 32 bytes/],
      [`${key},${shortHex}`, /^CONVERSATION_ENCRYPTION_KEY: entry 2 is 16 bytes/],
      [`${key},${key}`, /^CONVERSATION_ENCRYPTION_KEY: entry 2 is the same key as entry 1$/],
      [`${key},not a key!`, /^CONVERSATION_ENCRYPTION_KEY: entry 2 must be a 32-byte key written as base64 or as 64 hex characters$/],
      [" , ", /^CONVERSATION_ENCRYPTION_KEY: must list at least one key/],
    ];
    for (const [value, expected] of cases) {
      const error = envError(devEnv({ CONVERSATION_ENCRYPTION_KEY: value }));
      expect(error.problems, value).toEqual([expect.stringMatching(expected)]);
      for (const secret of [key, short, shortHex]) {
        expect(error.message).not.toContain(secret);
        // Not even a fragment of a key (a prefix or suffix long enough to narrow a search).
        expect(error.message).not.toContain(secret.slice(0, 8));
        expect(error.message).not.toContain(secret.slice(-8));
      }
    }
  });

  it("refuses a REDIS_URL together with Upstash, at run time and at build time", () => {
    const source = devEnv({
      REDIS_URL: "redis://localhost:6379",
      UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: randomSecret(),
      CONVERSATION_ENCRYPTION_KEY: encryptionKey(),
    });
    expect(envError(source).problems).toEqual(["REDIS_URL: set either REDIS_URL or UPSTASH_REDIS_REST_URL, not both"]);
    expect(envError(source, { phase: "build" }).problems).toEqual(["REDIS_URL: set either REDIS_URL or UPSTASH_REDIS_REST_URL, not both"]);
  });

  it("refuses, in production, to keep state in memory unless ALLOW_IN_MEMORY_STORE=true, and says how to fix it", () => {
    for (const allow of [undefined, "", "false"]) {
      const error = envError(prodEnv({ ALLOW_IN_MEMORY_STORE: allow }));
      expect(namedVariables(error), `ALLOW_IN_MEMORY_STORE=${allow}`).toEqual(["UPSTASH_REDIS_REST_URL"]);
      expect(error.message).toContain("ALLOW_IN_MEMORY_STORE=true");
      expect(error.message).toContain("REDIS_URL");
      expect(error.message).toContain("UPSTASH_REDIS_REST_TOKEN");
    }
    expect(parseEnv(prodEnv({ ALLOW_IN_MEMORY_STORE: "true" })).store).toEqual({ kind: "memory", allowedInProduction: true, prefix: "bulwark" });
    // A shared store needs no opt-in.
    expect(
      parseEnv(prodEnv({ ALLOW_IN_MEMORY_STORE: undefined, REDIS_URL: "rediss://redis.internal:6380", CONVERSATION_ENCRYPTION_KEY: encryptionKey() })).store
        .kind,
    ).toBe("redis");
    // Development, and the build, do not need it either.
    expect(parseEnv(devEnv()).store.kind).toBe("memory");
    expect(parseEnv({ NODE_ENV: "production" }, { phase: "build" }).store).toEqual({ kind: "memory", allowedInProduction: false, prefix: "bulwark" });
  });

  it("requires CONVERSATION_ENCRYPTION_KEY with a Redis store at run time, not at build time", () => {
    const stores: Source[] = [
      { REDIS_URL: "redis://localhost:6379" },
      { UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: randomSecret() },
    ];
    for (const store of stores) {
      const error = envError(devEnv(store));
      expect(namedVariables(error)).toEqual(["CONVERSATION_ENCRYPTION_KEY"]);
      expect(error.message).toContain("store:generate-key");
      expect(() => parseEnv({ NODE_ENV: "production", ...store }, { phase: "build" })).not.toThrow();
      expect(parseEnv(devEnv({ ...store, CONVERSATION_ENCRYPTION_KEY: encryptionKey() })).conversations.encryptionKeys).toHaveLength(1);
    }
    // The in-memory store keeps nothing at rest, so it needs no key.
    expect(parseEnv(devEnv()).conversations.encryptionKeys).toEqual([]);
  });

  it("refuses a model with no price, naming its position in AI_MODELS but not the model", () => {
    const error = envError(devEnv({ AI_MODELS: "demo:demo,openai:zqx-fine-tune", OPENAI_API_KEY: "ollama" }));
    expect(error.problems).toEqual([expect.stringMatching(/^AI_MODEL_PRICES: the openai model in entry 2 of AI_MODELS has no price/)]);
    expect(error.message).toContain("provider:model=IN/OUT");
    expect(error.message).not.toMatch(/zqx/);
    // A price makes it acceptable; the build does not check prices.
    expect(
      parseEnv(devEnv({ AI_MODELS: "demo:demo,openai:zqx-fine-tune", OPENAI_API_KEY: "ollama", AI_MODEL_PRICES: "openai:zqx-fine-tune=0.5/1.5" })).budgets
        .prices,
    ).toMatchObject({
      "openai:zqx-fine-tune": { inputPerMTok: 0.5, outputPerMTok: 1.5 },
    });
    expect(() => parseEnv({ AI_MODELS: "openai:zqx-fine-tune" }, { phase: "build" })).not.toThrow();
  });

  it("lists every model that has no price", () => {
    const error = envError(devEnv({ AI_MODELS: "openai:zqx-a,demo:demo,anthropic:zqx-b", OPENAI_API_KEY: "ollama", ANTHROPIC_API_KEY: randomSecret() }));
    expect(error.problems).toEqual([
      expect.stringMatching(/^AI_MODEL_PRICES: the openai model in entry 1 of AI_MODELS has no price/),
      expect.stringMatching(/^AI_MODEL_PRICES: the anthropic model in entry 3 of AI_MODELS has no price/),
    ]);
  });

  it("lets AI_MODEL_PRICES override a list price and keeps the others", () => {
    const env = parseEnv(devEnv({ AI_MODEL_PRICES: "openai:gpt-4o-mini=1/2, anthropic:claude-sonnet-4-6 = 0.5 / 0.25" }));
    expect(env.budgets.prices["openai:gpt-4o-mini"]).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(env.budgets.prices["anthropic:claude-sonnet-4-6"]).toEqual({ inputPerMTok: 0.5, outputPerMTok: 0.25 });
    expect(LIST_PRICES["openai:gpt-4o-mini"]).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6 }); // the table itself is untouched
    expect(env.budgets.prices["openai:gpt-4o"]).toEqual(LIST_PRICES["openai:gpt-4o"]);
  });

  it("refuses a malformed AI_MODEL_PRICES entry by position, never quoting it", () => {
    const key = fakeOpenAiKey();
    const error = envError(devEnv({ AI_MODEL_PRICES: `openai:gpt-4o-mini=1/2,${key}` }));
    expect(error.problems).toEqual([expect.stringMatching(/^AI_MODEL_PRICES: entry 2 must look like openai:gpt-4o-mini=0.15\/0.60/)]);
    expect(error.message).not.toContain(key);
  });

  it("refuses, in production, a REDIS_URL or CONVERSATION_ENCRYPTION_KEY that holds an example value", () => {
    // rediss://: a redis:// URL off this machine is refused in production for its transport too (config-transport.test.ts).
    const error = envError(prodEnv({ REDIS_URL: "rediss://default:change-me@redis.internal:6380", CONVERSATION_ENCRYPTION_KEY: encryptionKey() }));
    expect(error.problems).toEqual(["REDIS_URL: still holds the example value from .env.example; set a real secret"]);
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
  it.each([
    "change-me-to-a-long-random-secret",
    "CHANGEME",
    "replace_me",
    "your-openai-key",
    "sk-your_key",
    "example-token",
    "placeholder",
    "xxxxxxxx",
    "secret",
    "password",
    "dummy",
    " test ",
  ])("recognises the placeholder %j", (value) => {
    expect(looksLikeExampleSecret(value)).toBe(true);
  });

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

describe("guard settings", () => {
  it("defaults to every guard on, and refuses a flag threshold above the block threshold", async () => {
    const { parseEnv, EnvError } = await import("@/lib/config/schema");
    const base = { NEXTAUTH_SECRET: "x".repeat(40), AUTH_LOCAL_USERS: "", AI_MODELS: "demo:demo", GITHUB_ID: "id", GITHUB_SECRET: "secret-value" };
    expect(parseEnv(base).guards).toMatchObject({ normalize: "redact", pii: "redact", injection: "block", canary: "block", outputSecrets: "redact" });
    expect(parseEnv({ ...base, GUARD_PII_ENTITIES: "email, card" }).guards.piiEntities).toEqual(["EMAIL", "CARD"]);
    expect(() => parseEnv({ ...base, GUARD_PII_ENTITIES: "EMAIL,NAME" })).toThrow(EnvError);
    expect(() => parseEnv({ ...base, GUARD_INJECTION_FLAG_AT: "0.8", GUARD_INJECTION_BLOCK_AT: "0.5" })).toThrow(/GUARD_INJECTION_FLAG_AT/);
    expect(() => parseEnv({ ...base, GUARD_INJECTION: "maybe" })).toThrow(/GUARD_INJECTION: must be off, flag or block/);
    expect(() => parseEnv({ ...base, GUARD_INJECTION_BLOCK_AT: "0.95", GUARD_INJECTION_BLOCK_ALONE_AT: "0.9" })).toThrow(
      /GUARD_INJECTION_BLOCK_AT: must not be above GUARD_INJECTION_BLOCK_ALONE_AT/,
    );
    expect(parseEnv({ ...base, GUARD_INJECTION_BLOCK_ALONE_AT: "0.999" }).guards.injectionBlockAloneAt).toBe(0.999);
  });

  it("has the second opinion off by default, and checks what each kind of judge needs", async () => {
    const { parseEnv } = await import("@/lib/config/schema");
    const base = {
      NEXTAUTH_SECRET: "x".repeat(40),
      AUTH_LOCAL_USERS: "",
      AI_MODELS: "demo:demo,openai:gpt-4o-mini",
      OPENAI_API_KEY: "sk-local",
      GITHUB_ID: "id",
      GITHUB_SECRET: "secret-value",
    };
    expect(parseEnv(base).guards.judge).toEqual({ mode: "off" });
    expect(parseEnv({ ...base, GUARD_INJECTION_JUDGE: "llm" }).guards.judge).toEqual({
      mode: "llm",
      model: { id: "demo:demo", provider: "demo", model: "demo" },
      timeoutMs: 3_000,
      onError: "allow",
    });
    expect(
      parseEnv({ ...base, GUARD_INJECTION_JUDGE: "llm", GUARD_INJECTION_JUDGE_MODEL: "openai:gpt-4o-mini", GUARD_INJECTION_JUDGE_ON_ERROR: "block" }).guards
        .judge,
    ).toMatchObject({
      model: { id: "openai:gpt-4o-mini" },
      onError: "block",
    });
    expect(() => parseEnv({ ...base, GUARD_INJECTION_JUDGE: "llm", GUARD_INJECTION_JUDGE_MODEL: "openai:gpt-5" })).toThrow(
      /GUARD_INJECTION_JUDGE_MODEL: must be one of the AI_MODELS entries/,
    );
    expect(() => parseEnv({ ...base, GUARD_INJECTION_JUDGE: "http" })).toThrow(/GUARD_INJECTION_JUDGE_URL: is required when GUARD_INJECTION_JUDGE=http/);
    expect(() => parseEnv({ ...base, GUARD_INJECTION_JUDGE: "http", GUARD_INJECTION_JUDGE_URL: "classifier.local" })).toThrow(
      /GUARD_INJECTION_JUDGE_URL: must be an http\(s\) URL/,
    );
    expect(() => parseEnv({ ...base, GUARD_INJECTION_JUDGE: "sometimes" })).toThrow(/GUARD_INJECTION_JUDGE: must be off, llm or http/);
    expect(() => parseEnv({ ...base, GUARD_INJECTION_JUDGE_TIMEOUT_MS: "50" })).toThrow(/GUARD_INJECTION_JUDGE_TIMEOUT_MS/);
    expect(
      parseEnv({
        ...base,
        GUARD_INJECTION_JUDGE: "http",
        GUARD_INJECTION_JUDGE_URL: "https://classifier.internal/v1/classify",
        GUARD_INJECTION_JUDGE_TOKEN: "t0ken-value",
      }).guards.judge,
    ).toEqual({
      mode: "http",
      url: "https://classifier.internal/v1/classify",
      token: "t0ken-value",
      timeoutMs: 3_000,
      onError: "allow",
    });
  });
});
