import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseRateLimit, type RateLimitSpec } from "./limits";
import { parseModelList, type ModelRef } from "./models";
import { isPasswordHash } from "../crypto/password-hash";
import { FILE_VARIABLES, looksLikeExampleSecret, SECRET_VARIABLES } from "./secrets";
import { parseProviderKeys, type ProviderKey } from "./provider-keys";
import { LIST_PRICES, parsePriceList, type ModelPrice } from "./prices";
import { parseKeyList } from "../crypto/keyring";
import { type EntityType, PII_ENTITY_NAMES } from "./entities";
import { MAX_REQUEST_BODY_BYTES } from "./limits";
import { checkTransport, parseInsecureTransportList, tlsVerificationProblem, type TransportVariable } from "./transport";

/**
 * The environment, validated. `parseEnv` is pure so that tests, `next.config.ts` (at build) and the
 * server (at start-up, through `lib/env.ts`) share one definition. Error messages name the variable
 * and the rule, never the value.
 */

/** Empty strings count as unset: `FOO=` in a .env file must not turn into a confusing empty secret. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

const text = (message: string) => z.string({ error: message });
const url = (message: string) => z.string({ error: message }).refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), { message });
const int = ({ min, max, message }: { min: number; max: number; message: string }) =>
  z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
const rateLimit = (example: string) =>
  text(`must look like ${example} (requests/window, window in s, m, h or d)`).transform((v, ctx) => {
    const spec = parseRateLimit(v);
    if (!spec) ctx.addIssue({ code: "custom", message: `must look like ${example} (requests/window, window in s, m, h or d)` });
    return spec as RateLimitSpec;
  });

const providerKeys = text("must be a comma-separated list of keys, each optionally key@YYYY-MM-DD").transform((v, ctx) => {
  const parsed = parseProviderKeys(v);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  return parsed as ProviderKey[];
});
const positive = (message: string) => z.coerce.number({ error: message }).positive({ error: message }).max(1_000, { error: message });

const localUsers = text("must be comma-separated email:hash pairs").transform((v, ctx) => {
  const users: { email: string; passwordHash: string }[] = [];
  for (const [index, entry] of v.split(",").entries()) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const colon = trimmed.indexOf(":");
    const email = trimmed.slice(0, colon).trim().toLowerCase();
    const passwordHash = trimmed.slice(colon + 1).trim();
    if (colon < 1 || !z.email().safeParse(email).success) {
      ctx.addIssue({ code: "custom", message: `entry ${index + 1} must start with an email address and a colon` });
    } else if (!isPasswordHash(passwordHash)) {
      ctx.addIssue({
        code: "custom",
        message: `entry ${index + 1} needs a hash made by \`npm run -s auth:hash-password -- PASSWORD\``,
      });
    } else {
      users.push({ email, passwordHash });
    }
  }
  return users;
});

const rawSchema = z.object({
  NODE_ENV: optional(z.enum(["development", "production", "test"], { error: "must be development, production or test" })),

  NEXTAUTH_URL: optional(
    url("must be an absolute http(s) URL, e.g. http://localhost:3000")
      // next-auth takes a URL not starting with a lower-case "http" for a bare host and puts https:// in front.
      .refine((v) => !/^https?:\/\//i.test(v) || /^https?:\/\//.test(v), {
        message: "must start with http:// or https:// in lower case (next-auth reads the scheme as written)",
      }),
  ),
  NEXTAUTH_SECRET: optional(text("must be a string").min(32, { error: "must be at least 32 characters (try `openssl rand -base64 32`)" })),
  SESSION_MAX_AGE_SECONDS: optional(int({ min: 60, max: 86_400 * 7, message: "must be a whole number of seconds from 60 to 604800" })),
  AUTH_LOCAL_USERS: optional(localUsers),
  GITHUB_ID: optional(text("must be a string")),
  GITHUB_SECRET: optional(text("must be a string")),
  GOOGLE_CLIENT_ID: optional(text("must be a string")),
  GOOGLE_CLIENT_SECRET: optional(text("must be a string")),
  SIGNIN_RATE_LIMIT_IP: optional(rateLimit("30/15m")),
  SIGNIN_RATE_LIMIT_ACCOUNT: optional(rateLimit("10/15m")),

  AI_MODELS: optional(
    text("must be a comma-separated list of provider:model").transform((v, ctx) => {
      const parsed = parseModelList(v);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
      return parsed as ModelRef[];
    }),
  ),
  OPENAI_API_KEYS: optional(providerKeys),
  OPENAI_API_KEY: optional(providerKeys),
  OPENAI_BASE_URL: optional(url("must be an absolute http(s) URL, e.g. http://localhost:11434/v1")),
  ANTHROPIC_API_KEYS: optional(providerKeys),
  ANTHROPIC_API_KEY: optional(providerKeys),
  ANTHROPIC_BASE_URL: optional(url("must be an absolute http(s) URL")),
  AI_MAX_OUTPUT_TOKENS: optional(int({ min: 1, max: 200_000, message: "must be a whole number from 1 to 200000" })),
  AI_TIMEOUT_MS: optional(int({ min: 100, max: 600_000, message: "must be a whole number of milliseconds from 100 to 600000" })),
  KEY_MAX_AGE_DAYS: optional(int({ min: 1, max: 3_650, message: "must be a whole number of days from 1 to 3650" })),
  KEY_COOLDOWN_SECONDS: optional(int({ min: 1, max: 86_400, message: "must be a whole number of seconds from 1 to 86400" })),

  CHAT_RATE_LIMIT: optional(rateLimit("20/60s")),
  CHAT_MAX_MESSAGE_CHARS: optional(int({ min: 1, max: 100_000, message: "must be a whole number from 1 to 100000" })),
  // At most what the proxy lets through to any route (lib/config/limits.ts, enforced by lib/http/request-guard.ts).
  CHAT_MAX_BODY_BYTES: optional(
    int({ min: 1_024, max: MAX_REQUEST_BODY_BYTES, message: `must be a whole number of bytes from 1024 to ${MAX_REQUEST_BODY_BYTES}` }),
  ),
  CHAT_HISTORY_MAX_MESSAGES: optional(int({ min: 0, max: 200, message: "must be a whole number from 0 to 200" })),

  API_RATE_LIMIT: optional(rateLimit("120/60s")),
  CHAT_MAX_CONCURRENT: optional(int({ min: 1, max: 100, message: "must be a whole number from 1 to 100" })),
  DAILY_TOKEN_BUDGET: optional(int({ min: 1_000, max: 1_000_000_000, message: "must be a whole number of tokens from 1000 to 1000000000" })),
  DAILY_SPEND_CAP_USD: optional(
    z.coerce
      .number({ error: "must be a number of US dollars, e.g. 20 or 2.50" })
      .min(0.01, { error: "must be at least 0.01 (US dollars)" })
      .max(1_000_000, { error: "must be at most 1000000 (US dollars)" }),
  ),
  AI_MODEL_PRICES: optional(
    text("must be a comma-separated list of provider:model=IN/OUT").transform((v, ctx) => {
      const parsed = parsePriceList(v);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
      return parsed as Record<string, ModelPrice>;
    }),
  ),

  UPSTASH_REDIS_REST_URL: optional(url("must be the https URL of your Upstash Redis database")),
  UPSTASH_REDIS_REST_TOKEN: optional(text("must be a string")),
  REDIS_URL: optional(
    text("must be a redis:// or rediss:// URL, e.g. redis://localhost:6379").refine((v) => /^rediss?:\/\/[^/\s]/i.test(v) && URL.canParse(v), {
      message: "must be a redis:// or rediss:// URL, e.g. redis://localhost:6379",
    }),
  ),
  ALLOW_IN_MEMORY_STORE: optional(z.enum(["true", "false"], { error: "must be true or false" })),
  ALLOW_INSECURE_TRANSPORT: optional(
    text("must be a comma-separated list of URL variables").transform((v, ctx) => {
      const parsed = parseInsecureTransportList(v);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
      return parsed as TransportVariable[];
    }),
  ),
  STORE_KEY_PREFIX: optional(text("must be a string").regex(/^[A-Za-z0-9_-]{1,32}$/, { error: "must be 1 to 32 letters, digits, _ or -" })),
  CONVERSATION_TTL_DAYS: optional(int({ min: 1, max: 3_650, message: "must be a whole number of days from 1 to 3650" })),
  CONVERSATION_ENCRYPTION_KEY: optional(
    text("must be a comma-separated list of keys").transform((v, ctx) => {
      const parsed = parseKeyList(v);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
      return parsed as Buffer[];
    }),
  ),
  USAGE_RETENTION_DAYS: optional(int({ min: 1, max: 3_650, message: "must be a whole number of days from 1 to 3650" })),

  GUARD_NORMALIZE: optional(z.enum(["off", "redact"], { error: "must be off or redact" })),
  GUARD_PII: optional(z.enum(["off", "flag", "redact", "block"], { error: "must be off, flag, redact or block" })),
  GUARD_PII_ENTITIES: optional(
    text("must be a comma-separated list of EMAIL, PHONE, CARD, IBAN, SSN, IP, SECRET").transform((v, ctx) => {
      const names = v
        .split(",")
        .map((e) => e.trim().toUpperCase())
        .filter(Boolean);
      const unknown = names.filter((n) => !(PII_ENTITY_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0) ctx.addIssue({ code: "custom", message: `must list entities from ${PII_ENTITY_NAMES.join(", ")}` });
      return names as EntityType[];
    }),
  ),
  GUARD_INJECTION: optional(z.enum(["off", "flag", "block"], { error: "must be off, flag or block" })),
  GUARD_INJECTION_FLAG_AT: optional(
    z.coerce
      .number({ error: "must be a number from 0 to 1" })
      .min(0, { error: "must be a number from 0 to 1" })
      .max(1, { error: "must be a number from 0 to 1" }),
  ),
  GUARD_INJECTION_BLOCK_AT: optional(
    z.coerce
      .number({ error: "must be a number from 0 to 1" })
      .min(0, { error: "must be a number from 0 to 1" })
      .max(1, { error: "must be a number from 0 to 1" }),
  ),
  GUARD_INJECTION_BLOCK_ALONE_AT: optional(
    z.coerce
      .number({ error: "must be a number from 0 to 1" })
      .min(0, { error: "must be a number from 0 to 1" })
      .max(1, { error: "must be a number from 0 to 1" }),
  ),
  GUARD_INJECTION_JUDGE: optional(z.enum(["off", "llm", "http"], { error: "must be off, llm or http" })),
  GUARD_INJECTION_JUDGE_MODEL: optional(text("must be one of the AI_MODELS entries, e.g. openai:gpt-4o-mini")),
  GUARD_INJECTION_JUDGE_URL: optional(url("must be an http(s) URL, e.g. https://classifier.internal/v1/classify")),
  GUARD_INJECTION_JUDGE_TOKEN: optional(text("must be a string")),
  GUARD_INJECTION_JUDGE_TIMEOUT_MS: optional(int({ min: 100, max: 30_000, message: "must be a whole number of milliseconds from 100 to 30000" })),
  GUARD_INJECTION_JUDGE_ON_ERROR: optional(z.enum(["allow", "block"], { error: "must be allow or block" })),
  GUARD_CANARY: optional(z.enum(["off", "block"], { error: "must be off or block" })),
  GUARD_OUTPUT_SECRETS: optional(z.enum(["off", "redact"], { error: "must be off or redact" })),

  ADMIN_EMAILS: optional(
    text("must be a comma-separated list of email addresses").transform((v, ctx) => {
      const emails = v
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean);
      const bad = emails.findIndex((e) => !z.email().safeParse(e).success);
      if (bad >= 0) ctx.addIssue({ code: "custom", message: `entry ${bad + 1} is not an email address` });
      return emails;
    }),
  ),
  AUDIT_RETENTION_DAYS: optional(int({ min: 1, max: 3_650, message: "must be a whole number of days from 1 to 3650" })),
  ALERT_WEBHOOK_URL: optional(url("must be the absolute http(s) URL of a Slack-compatible incoming webhook")),
  ALERT_DEDUP_MINUTES: optional(int({ min: 1, max: 10_080, message: "must be a whole number of minutes from 1 to 10080" })),
  ALERT_USAGE_FACTOR: optional(positive("must be a number above 0 and at most 1000, e.g. 5")),
  ALERT_USAGE_MIN_TOKENS: optional(int({ min: 1, max: 1_000_000_000, message: "must be a whole number of tokens from 1 to 1000000000" })),
  ALERT_INJECTION_BLOCKS: optional(int({ min: 1, max: 1_000, message: "must be a whole number from 1 to 1000" })),
  ALERT_INJECTION_WINDOW_MINUTES: optional(int({ min: 1, max: 1_440, message: "must be a whole number of minutes from 1 to 1440" })),

  RELAY_KEY_SECRET: optional(
    text("must be a comma-separated list of secrets").transform((v, ctx) => {
      const secrets = v
        .split(",")
        .map((e) => e.trim())
        .filter(Boolean);
      const short = secrets.findIndex((e) => e.length < 32);
      if (short >= 0) ctx.addIssue({ code: "custom", message: `entry ${short + 1} must be at least 32 characters (try \`openssl rand -base64 32\`)` });
      return secrets;
    }),
  ),

  LOG_LEVEL: optional(z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" })),
});

/** Every variable the app reads (each also documented in .env.example and the README). */
export const ENV_VARIABLES = Object.keys(rawSchema.shape).filter((name) => name !== "NODE_ENV");

/** Where shared state lives: Upstash over HTTP, a Redis or Valkey server over TCP, or this process. */
export type StoreConfig = { prefix: string } & (
  | { kind: "upstash"; url: string; token: string }
  | { kind: "redis"; url: string }
  | { kind: "memory"; allowedInProduction: boolean }
);

export type LocalUser = { email: string; passwordHash: string };

/**
 * Where a provider's keys come from, in order of preference: the list variable, then the single one,
 * each either a value or a file. File sources are re-read by the live key pool (lib/provider-keys/pool.ts)
 * when the file changes, so a key rotated in a secret manager takes effect without a restart.
 */
export type KeySource = { variable: string } & ({ kind: "value"; keys: ProviderKey[] } | { kind: "file"; path: string; keys: ProviderKey[] });
export type ProviderConfig = { sources: KeySource[]; keys: ProviderKey[]; baseURL: string | undefined };
export type OAuthClient = { clientId: string; clientSecret: string };

export type Env = {
  nodeEnv: "development" | "production" | "test";
  isProduction: boolean;
  auth: {
    url: string | undefined;
    secret: string;
    sessionMaxAgeSeconds: number;
    localUsers: LocalUser[];
    github: OAuthClient | undefined;
    google: OAuthClient | undefined;
    signInLimitPerIp: RateLimitSpec;
    signInLimitPerAccount: RateLimitSpec;
  };
  ai: {
    models: ModelRef[];
    defaultModel: ModelRef;
    openai: ProviderConfig | undefined;
    anthropic: ProviderConfig | undefined;
    maxOutputTokens: number;
    timeoutMs: number;
  };
  chat: { rateLimit: RateLimitSpec; maxMessageChars: number; maxBodyBytes: number; historyMaxMessages: number; maxConcurrentStreams: number };
  budgets: { dailyTokens: number; dailySpendCapUsd: number; prices: Record<string, ModelPrice> };
  api: { rateLimit: RateLimitSpec };
  store: StoreConfig;
  conversations: { ttlDays: number; encryptionKeys: Buffer[] };
  usage: { retentionDays: number };
  guards: {
    normalize: "off" | "redact";
    pii: "off" | "flag" | "redact" | "block";
    piiEntities: readonly EntityType[];
    injection: "off" | "flag" | "block";
    /** Unset: the thresholds measured for the shipped detector (lib/guard/injection). */
    injectionFlagAt: number | undefined;
    injectionBlockAt: number | undefined;
    injectionBlockAloneAt: number | undefined;
    /** The second opinion on flagged messages (lib/chat/second-opinion.ts); off by default. */
    judge: InjectionJudgeConfig;
    canary: "off" | "block";
    outputSecrets: "off" | "redact";
  };
  keys: { maxAgeDays: number; cooldownSeconds: number };
  admin: { emails: string[] };
  audit: { retentionDays: number };
  /** URL variables that go in clear text to a host off this machine, because ALLOW_INSECURE_TRANSPORT lists them (production only). */
  transport: { insecureByExemption: TransportVariable[] };
  alerts: {
    webhookUrl: string | undefined;
    dedupMinutes: number;
    usageFactor: number;
    usageMinTokens: number;
    injectionBlocks: number;
    injectionWindowMinutes: number;
  };
  /** Relay (personal API) keys: HMAC secrets, the first for new keys; empty turns the feature off. */
  relay: { secrets: string[] };
  log: { level: "debug" | "info" | "warn" | "error" };
};

export type InjectionJudgeConfig =
  | { mode: "off" }
  | { mode: "llm"; model: ModelRef; timeoutMs: number; onError: "allow" | "block" }
  | { mode: "http"; url: string; token: string | undefined; timeoutMs: number; onError: "allow" | "block" };

/** Defaults, in one place, so the README and .env.example can say the same. */
export const DEFAULTS = {
  SESSION_MAX_AGE_SECONDS: 3_600,
  SIGNIN_RATE_LIMIT_IP: "30/15m",
  SIGNIN_RATE_LIMIT_ACCOUNT: "10/15m",
  AI_MAX_OUTPUT_TOKENS: 1_024,
  AI_TIMEOUT_MS: 120_000,
  CHAT_RATE_LIMIT: "20/60s",
  CHAT_MAX_MESSAGE_CHARS: 8_000,
  CHAT_MAX_BODY_BYTES: 65_536,
  CHAT_HISTORY_MAX_MESSAGES: 20,
  CHAT_MAX_CONCURRENT: 3,
  API_RATE_LIMIT: "120/60s",
  DAILY_TOKEN_BUDGET: 200_000,
  DAILY_SPEND_CAP_USD: 20,
  STORE_KEY_PREFIX: "bulwark",
  CONVERSATION_TTL_DAYS: 30,
  USAGE_RETENTION_DAYS: 90,
  KEY_MAX_AGE_DAYS: 90,
  KEY_COOLDOWN_SECONDS: 300,
  AUDIT_RETENTION_DAYS: 90,
  ALERT_DEDUP_MINUTES: 60,
  ALERT_USAGE_FACTOR: 5,
  ALERT_USAGE_MIN_TOKENS: 50_000,
  ALERT_INJECTION_BLOCKS: 5,
  ALERT_INJECTION_WINDOW_MINUTES: 10,
  GUARD_INJECTION_JUDGE_TIMEOUT_MS: 3_000,
} as const;

export class EnvError extends Error {
  override readonly name = "EnvError";
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

type Phase = "build" | "runtime";

/**
 * Validates `source` (normally `process.env`). At `build`, variables that are set must be well formed;
 * at `runtime`, required secrets must also be present, and in production they must not be the
 * placeholders from .env.example. Throws an EnvError listing every problem at once.
 */
export function parseEnv(
  given: Record<string, string | undefined>,
  { phase = "runtime", readFile = readSecretFile }: { phase?: Phase; readFile?: (path: string) => string } = {},
): Env {
  const files = resolveSecretFiles(given, readFile);
  if (files.problems.length > 0) throw new EnvError(files.problems);
  const source = files.source;
  const result = rawSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const raw = result.data;
  const nodeEnv = raw.NODE_ENV ?? "development";
  const isProduction = nodeEnv === "production";
  const problems: string[] = [];
  const need = phase === "runtime";

  const pair = (idName: string, secretName: string, id?: string, secret?: string): OAuthClient | undefined => {
    if (id && secret) return { clientId: id, clientSecret: secret };
    if (id || secret) problems.push(`${id ? secretName : idName}: must be set together with ${id ? idName : secretName}`);
    return undefined;
  };
  const github = pair("GITHUB_ID", "GITHUB_SECRET", raw.GITHUB_ID, raw.GITHUB_SECRET);
  const google = pair("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", raw.GOOGLE_CLIENT_ID, raw.GOOGLE_CLIENT_SECRET);
  if (raw.UPSTASH_REDIS_REST_URL && !raw.UPSTASH_REDIS_REST_TOKEN) problems.push("UPSTASH_REDIS_REST_TOKEN: must be set together with UPSTASH_REDIS_REST_URL");
  if (raw.UPSTASH_REDIS_REST_TOKEN && !raw.UPSTASH_REDIS_REST_URL) problems.push("UPSTASH_REDIS_REST_URL: must be set together with UPSTASH_REDIS_REST_TOKEN");
  if (raw.REDIS_URL && raw.UPSTASH_REDIS_REST_URL) problems.push("REDIS_URL: set either REDIS_URL or UPSTASH_REDIS_REST_URL, not both");
  const store = storeConfig(raw);
  if (need && isProduction && store.kind === "memory" && !store.allowedInProduction) {
    problems.push(
      "UPSTASH_REDIS_REST_URL: no shared store is configured, so limits, budgets and conversations would hold for one instance only; set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or REDIS_URL, or set ALLOW_IN_MEMORY_STORE=true to run a single instance on purpose",
    );
  }
  if (need && store.kind !== "memory" && !raw.CONVERSATION_ENCRYPTION_KEY) {
    problems.push(
      "CONVERSATION_ENCRYPTION_KEY: is required with a Redis store (conversations are encrypted at rest); make one with `npm run -s store:generate-key`",
    );
  }

  const localUsers = raw.AUTH_LOCAL_USERS ?? [];
  if (need && !raw.NEXTAUTH_SECRET) problems.push("NEXTAUTH_SECRET: is required (at least 32 random characters, e.g. `openssl rand -base64 32`)");
  if (need && isProduction && !raw.NEXTAUTH_URL) problems.push("NEXTAUTH_URL: is required in production (the public URL of the app)");
  if (need && !github && !google && localUsers.length === 0) {
    problems.push(
      "AUTH_LOCAL_USERS: no way to sign in is configured; set AUTH_LOCAL_USERS, or GITHUB_ID/GITHUB_SECRET, or GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET",
    );
  }

  const openai = providerConfig("OPENAI", raw.OPENAI_API_KEYS, raw.OPENAI_API_KEY, raw.OPENAI_BASE_URL, files.paths);
  const anthropic = providerConfig("ANTHROPIC", raw.ANTHROPIC_API_KEYS, raw.ANTHROPIC_API_KEY, raw.ANTHROPIC_BASE_URL, files.paths);
  const models = raw.AI_MODELS ?? defaultModels({ openai: !!openai, anthropic: !!anthropic });
  for (const provider of ["openai", "anthropic"] as const) {
    const listed = models.some((m) => m.provider === provider);
    const configured = provider === "openai" ? openai : anthropic;
    const keyName = provider === "openai" ? "OPENAI_API_KEYS" : "ANTHROPIC_API_KEYS";
    const single = provider === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY";
    if (need && listed && !configured) {
      problems.push(
        `${keyName}: AI_MODELS lists ${provider} models, so ${keyName} or ${single} (or their _FILE forms) must be set (any non-empty value for a local server that ignores keys)`,
      );
    }
  }
  if (need && isProduction && !openai && !anthropic && !raw.AI_MODELS) {
    problems.push(
      "AI_MODELS: no provider key is set; set OPENAI_API_KEY or ANTHROPIC_API_KEY, or set AI_MODELS=demo:demo to run the offline demo model on purpose",
    );
  }

  // In production, nothing that carries user data or a secret goes in clear text off this machine,
  // and certificates are verified (lib/config/transport.ts). Development keeps http for local servers.
  let insecureByExemption: TransportVariable[] = [];
  if (need && isProduction) {
    const { NEXTAUTH_URL, OPENAI_BASE_URL, ANTHROPIC_BASE_URL, UPSTASH_REDIS_REST_URL, REDIS_URL, GUARD_INJECTION_JUDGE_URL, ALERT_WEBHOOK_URL } = raw;
    const urls = {
      NEXTAUTH_URL,
      OPENAI_BASE_URL,
      ANTHROPIC_BASE_URL,
      UPSTASH_REDIS_REST_URL,
      REDIS_URL,
      GUARD_INJECTION_JUDGE_URL,
      ALERT_WEBHOOK_URL,
    } satisfies Record<TransportVariable, string | undefined>;
    const transport = checkTransport({ urls, allowInsecure: raw.ALLOW_INSECURE_TRANSPORT ?? [] });
    problems.push(...transport.problems);
    insecureByExemption = transport.exempted;
    const tls = tlsVerificationProblem(source.NODE_TLS_REJECT_UNAUTHORIZED);
    if (tls) problems.push(tls);
  }

  if (need && isProduction) {
    for (const name of SECRET_VARIABLES) {
      const value = source[name];
      if (value !== undefined && value.trim() !== "" && value.split(/[,\n]/).some((part) => looksLikeExampleSecret(part.replace(/@[\d-]+$/, "")))) {
        problems.push(`${name}: still holds the example value from .env.example; set a real secret`);
      }
    }
  }

  if (raw.GUARD_INJECTION_FLAG_AT !== undefined && raw.GUARD_INJECTION_BLOCK_AT !== undefined && raw.GUARD_INJECTION_FLAG_AT > raw.GUARD_INJECTION_BLOCK_AT) {
    problems.push("GUARD_INJECTION_FLAG_AT: must not be above GUARD_INJECTION_BLOCK_AT (a message is flagged before it is blocked)");
  }
  const judge = judgeConfig({ raw, models, problems });
  if (
    raw.GUARD_INJECTION_BLOCK_AT !== undefined &&
    raw.GUARD_INJECTION_BLOCK_ALONE_AT !== undefined &&
    raw.GUARD_INJECTION_BLOCK_AT > raw.GUARD_INJECTION_BLOCK_ALONE_AT
  ) {
    problems.push(
      "GUARD_INJECTION_BLOCK_AT: must not be above GUARD_INJECTION_BLOCK_ALONE_AT (a block the model alone decides needs at least the score of one a named signal confirms)",
    );
  }

  const prices = { ...LIST_PRICES, ...raw.AI_MODEL_PRICES };
  for (const [index, model] of models.entries()) {
    if (need && !prices[model.id]) {
      problems.push(
        `AI_MODEL_PRICES: the ${model.provider} model in entry ${index + 1} of AI_MODELS has no price, so the daily spend cap could not count it; add provider:model=IN/OUT (USD per million tokens)`,
      );
    }
  }

  if (problems.length > 0) throw new EnvError(problems);
  const [defaultModel] = models;
  if (!defaultModel) throw new EnvError(["AI_MODELS: must list at least one model"]);

  return {
    nodeEnv,
    isProduction,
    auth: {
      url: raw.NEXTAUTH_URL,
      secret: raw.NEXTAUTH_SECRET ?? "",
      sessionMaxAgeSeconds: raw.SESSION_MAX_AGE_SECONDS ?? DEFAULTS.SESSION_MAX_AGE_SECONDS,
      localUsers,
      github,
      google,
      signInLimitPerIp: raw.SIGNIN_RATE_LIMIT_IP ?? mustParse(DEFAULTS.SIGNIN_RATE_LIMIT_IP),
      signInLimitPerAccount: raw.SIGNIN_RATE_LIMIT_ACCOUNT ?? mustParse(DEFAULTS.SIGNIN_RATE_LIMIT_ACCOUNT),
    },
    ai: {
      models,
      defaultModel,
      openai,
      anthropic,
      maxOutputTokens: raw.AI_MAX_OUTPUT_TOKENS ?? DEFAULTS.AI_MAX_OUTPUT_TOKENS,
      timeoutMs: raw.AI_TIMEOUT_MS ?? DEFAULTS.AI_TIMEOUT_MS,
    },
    chat: {
      rateLimit: raw.CHAT_RATE_LIMIT ?? mustParse(DEFAULTS.CHAT_RATE_LIMIT),
      maxMessageChars: raw.CHAT_MAX_MESSAGE_CHARS ?? DEFAULTS.CHAT_MAX_MESSAGE_CHARS,
      maxBodyBytes: raw.CHAT_MAX_BODY_BYTES ?? DEFAULTS.CHAT_MAX_BODY_BYTES,
      historyMaxMessages: raw.CHAT_HISTORY_MAX_MESSAGES ?? DEFAULTS.CHAT_HISTORY_MAX_MESSAGES,
      maxConcurrentStreams: raw.CHAT_MAX_CONCURRENT ?? DEFAULTS.CHAT_MAX_CONCURRENT,
    },
    budgets: {
      dailyTokens: raw.DAILY_TOKEN_BUDGET ?? DEFAULTS.DAILY_TOKEN_BUDGET,
      dailySpendCapUsd: raw.DAILY_SPEND_CAP_USD ?? DEFAULTS.DAILY_SPEND_CAP_USD,
      prices,
    },
    api: { rateLimit: raw.API_RATE_LIMIT ?? mustParse(DEFAULTS.API_RATE_LIMIT) },
    store,
    conversations: { ttlDays: raw.CONVERSATION_TTL_DAYS ?? DEFAULTS.CONVERSATION_TTL_DAYS, encryptionKeys: raw.CONVERSATION_ENCRYPTION_KEY ?? [] },
    usage: { retentionDays: raw.USAGE_RETENTION_DAYS ?? DEFAULTS.USAGE_RETENTION_DAYS },
    guards: {
      normalize: raw.GUARD_NORMALIZE ?? "redact",
      pii: raw.GUARD_PII ?? "redact",
      piiEntities: raw.GUARD_PII_ENTITIES ?? PII_ENTITY_NAMES,
      injection: raw.GUARD_INJECTION ?? "block",
      injectionFlagAt: raw.GUARD_INJECTION_FLAG_AT,
      injectionBlockAt: raw.GUARD_INJECTION_BLOCK_AT,
      injectionBlockAloneAt: raw.GUARD_INJECTION_BLOCK_ALONE_AT,
      judge,
      canary: raw.GUARD_CANARY ?? "block",
      outputSecrets: raw.GUARD_OUTPUT_SECRETS ?? "redact",
    },
    keys: {
      maxAgeDays: raw.KEY_MAX_AGE_DAYS ?? DEFAULTS.KEY_MAX_AGE_DAYS,
      cooldownSeconds: raw.KEY_COOLDOWN_SECONDS ?? DEFAULTS.KEY_COOLDOWN_SECONDS,
    },
    admin: { emails: raw.ADMIN_EMAILS ?? [] },
    audit: { retentionDays: raw.AUDIT_RETENTION_DAYS ?? DEFAULTS.AUDIT_RETENTION_DAYS },
    transport: { insecureByExemption },
    alerts: {
      webhookUrl: raw.ALERT_WEBHOOK_URL,
      dedupMinutes: raw.ALERT_DEDUP_MINUTES ?? DEFAULTS.ALERT_DEDUP_MINUTES,
      usageFactor: raw.ALERT_USAGE_FACTOR ?? DEFAULTS.ALERT_USAGE_FACTOR,
      usageMinTokens: raw.ALERT_USAGE_MIN_TOKENS ?? DEFAULTS.ALERT_USAGE_MIN_TOKENS,
      injectionBlocks: raw.ALERT_INJECTION_BLOCKS ?? DEFAULTS.ALERT_INJECTION_BLOCKS,
      injectionWindowMinutes: raw.ALERT_INJECTION_WINDOW_MINUTES ?? DEFAULTS.ALERT_INJECTION_WINDOW_MINUTES,
    },
    relay: { secrets: raw.RELAY_KEY_SECRET ?? [] },
    log: { level: raw.LOG_LEVEL ?? "info" },
  };
}

/** Reads a `*_FILE` secret: the file's text without its final line break (editors and `echo` add one). */
export function readSecretFile(path: string): string {
  return readFileSync(path, "utf8").replace(/\r?\n$/, "");
}

/**
 * Replaces each `NAME_FILE` with the content of the file it names, as `NAME`. Setting both is a
 * mistake (which one wins?), and so is a file that cannot be read; the problem names the variable
 * and the path, never the content.
 */
function resolveSecretFiles(given: Record<string, string | undefined>, readFile: (path: string) => string) {
  const source: Record<string, string | undefined> = { ...given };
  const paths: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const path = given[`${name}_FILE`]?.trim();
    if (!path) continue;
    if (given[name]?.trim()) {
      problems.push(`${name}_FILE: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      source[name] = readFile(path);
      paths[name] = path;
    } catch (error) {
      const code = (error as { code?: string }).code ?? "unreadable";
      problems.push(`${name}_FILE: cannot read ${path} (${code}); mount the secret there or unset ${name}_FILE`);
    }
  }
  return { source, paths, problems };
}

function providerConfig(
  prefix: "OPENAI" | "ANTHROPIC",
  list: ProviderKey[] | undefined,
  single: ProviderKey[] | undefined,
  baseURL: string | undefined,
  paths: Record<string, string>,
): ProviderConfig | undefined {
  const sources: KeySource[] = [];
  for (const [variable, keys] of [
    [`${prefix}_API_KEYS`, list],
    [`${prefix}_API_KEY`, single],
  ] as const) {
    const path = paths[variable];
    // A file source stays even when empty now: the secret manager may fill it later.
    if (path) sources.push({ variable, kind: "file", path, keys: keys ?? [] });
    else if (keys && keys.length > 0) sources.push({ variable, kind: "value", keys });
  }
  const keys = mergeKeys(sources);
  return keys.length > 0 ? { sources, keys, baseURL } : undefined;
}

/** The keys of all sources in order of preference, each once. */
export function mergeKeys(sources: readonly { keys: ProviderKey[] }[]): ProviderKey[] {
  const seen = new Set<string>();
  return sources.flatMap((s) => s.keys).filter((k) => !seen.has(k.value) && seen.add(k.value));
}

function storeConfig(raw: z.infer<typeof rawSchema>): StoreConfig {
  const prefix = raw.STORE_KEY_PREFIX ?? DEFAULTS.STORE_KEY_PREFIX;
  if (raw.UPSTASH_REDIS_REST_URL && raw.UPSTASH_REDIS_REST_TOKEN)
    return { kind: "upstash", url: raw.UPSTASH_REDIS_REST_URL, token: raw.UPSTASH_REDIS_REST_TOKEN, prefix };
  if (raw.REDIS_URL) return { kind: "redis", url: raw.REDIS_URL, prefix };
  return { kind: "memory", allowedInProduction: raw.ALLOW_IN_MEMORY_STORE === "true", prefix };
}

function defaultModels({ openai, anthropic }: { openai: boolean; anthropic: boolean }): ModelRef[] {
  const list = [openai && "openai:gpt-4o-mini", anthropic && "anthropic:claude-sonnet-4-6"].filter(Boolean).join(",");
  const parsed = parseModelList(list || "demo:demo");
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

function mustParse(spec: string): RateLimitSpec {
  const parsed = parseRateLimit(spec);
  if (!parsed) throw new Error(`bad default rate limit ${spec}`);
  return parsed;
}

/**
 * The second opinion's settings. `llm` asks one of AI_MODELS (the default model unless
 * GUARD_INJECTION_JUDGE_MODEL names another), so its key, price and budgets are those of a chat;
 * `http` asks the deployer's own classifier at GUARD_INJECTION_JUDGE_URL.
 */
function judgeConfig({ raw, models, problems }: { raw: z.infer<typeof rawSchema>; models: ModelRef[]; problems: string[] }): InjectionJudgeConfig {
  const mode = raw.GUARD_INJECTION_JUDGE ?? "off";
  const timeoutMs = raw.GUARD_INJECTION_JUDGE_TIMEOUT_MS ?? DEFAULTS.GUARD_INJECTION_JUDGE_TIMEOUT_MS;
  const onError = raw.GUARD_INJECTION_JUDGE_ON_ERROR ?? "allow";
  if (mode === "off") return { mode };
  if (mode === "http") {
    if (!raw.GUARD_INJECTION_JUDGE_URL) {
      problems.push("GUARD_INJECTION_JUDGE_URL: is required when GUARD_INJECTION_JUDGE=http (the address of your classifier)");
      return { mode: "off" };
    }
    return { mode, url: raw.GUARD_INJECTION_JUDGE_URL, token: raw.GUARD_INJECTION_JUDGE_TOKEN, timeoutMs, onError };
  }
  const wanted = raw.GUARD_INJECTION_JUDGE_MODEL?.trim();
  const model = wanted === undefined ? models[0] : models.find((m) => m.id === wanted);
  if (!model) {
    problems.push("GUARD_INJECTION_JUDGE_MODEL: must be one of the AI_MODELS entries (its key, price and budgets are those of a chat)");
    return { mode: "off" };
  }
  return { mode, model, timeoutMs, onError };
}
