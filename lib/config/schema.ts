import { readFileSync } from "node:fs";
import { DEFAULTS, ENV_VARIABLES, type LocalUser, type RawEnv, rawSchema } from "./fields";
import { parseModelList, type ModelRef } from "./models";
import { LIST_PRICES } from "./prices";
import type { ProviderKey } from "./provider-keys";
import type { Env, InjectionJudgeConfig, KeySource, OAuthClient, ProviderConfig, StoreConfig } from "./env-types";
import { FILE_VARIABLES, looksLikeExampleSecret, SECRET_VARIABLES } from "./secrets";
import { checkTransport, isLoopbackHost, tlsVerificationProblem, type TransportVariable } from "./transport";

export { DEFAULTS, ENV_VARIABLES, type LocalUser };
export type { Env, InjectionJudgeConfig, KeySource, OAuthClient, ProviderConfig, StoreConfig } from "./env-types";

/**
 * The environment, validated. `parseEnv` is pure so that tests, `next.config.ts` (at build) and the
 * server (at start-up, through `lib/env.ts`) share one definition. Error messages name the variable
 * and the rule, never the value.
 */

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

  // The test-only way for fetch_page to reach a loopback server: never in a deployment others can reach.
  if (raw.TOOLS_FETCH_TEST_LOOPBACK_PORTS && !isLoopbackUrl(raw.NEXTAUTH_URL)) {
    problems.push("TOOLS_FETCH_TEST_LOOPBACK_PORTS: is for tests only, and only on a server whose NEXTAUTH_URL is on loopback (http://localhost:…); unset it");
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
      sessionMaxAgeSeconds: raw.SESSION_MAX_AGE_SECONDS,
      localUsers,
      github,
      google,
      signInLimitPerIp: raw.SIGNIN_RATE_LIMIT_IP,
      signInLimitPerAccount: raw.SIGNIN_RATE_LIMIT_ACCOUNT,
    },
    ai: {
      models,
      defaultModel,
      openai,
      anthropic,
      maxOutputTokens: raw.AI_MAX_OUTPUT_TOKENS,
      timeoutMs: raw.AI_TIMEOUT_MS,
    },
    chat: {
      rateLimit: raw.CHAT_RATE_LIMIT,
      maxMessageChars: raw.CHAT_MAX_MESSAGE_CHARS,
      maxBodyBytes: raw.CHAT_MAX_BODY_BYTES,
      historyMaxMessages: raw.CHAT_HISTORY_MAX_MESSAGES,
      maxConcurrentStreams: raw.CHAT_MAX_CONCURRENT,
    },
    budgets: {
      dailyTokens: raw.DAILY_TOKEN_BUDGET,
      dailySpendCapUsd: raw.DAILY_SPEND_CAP_USD,
      prices,
    },
    api: { rateLimit: raw.API_RATE_LIMIT },
    store,
    conversations: { ttlDays: raw.CONVERSATION_TTL_DAYS, encryptionKeys: raw.CONVERSATION_ENCRYPTION_KEY ?? [] },
    usage: { retentionDays: raw.USAGE_RETENTION_DAYS },
    guards: {
      normalize: raw.GUARD_NORMALIZE,
      pii: raw.GUARD_PII,
      piiEntities: raw.GUARD_PII_ENTITIES,
      injection: raw.GUARD_INJECTION,
      injectionFlagAt: raw.GUARD_INJECTION_FLAG_AT,
      injectionBlockAt: raw.GUARD_INJECTION_BLOCK_AT,
      injectionBlockAloneAt: raw.GUARD_INJECTION_BLOCK_ALONE_AT,
      judge,
      canary: raw.GUARD_CANARY,
      outputSecrets: raw.GUARD_OUTPUT_SECRETS,
    },
    keys: {
      maxAgeDays: raw.KEY_MAX_AGE_DAYS,
      cooldownSeconds: raw.KEY_COOLDOWN_SECONDS,
    },
    admin: { emails: raw.ADMIN_EMAILS ?? [] },
    audit: { retentionDays: raw.AUDIT_RETENTION_DAYS },
    transport: { insecureByExemption },
    alerts: {
      webhookUrl: raw.ALERT_WEBHOOK_URL,
      dedupMinutes: raw.ALERT_DEDUP_MINUTES,
      usageFactor: raw.ALERT_USAGE_FACTOR,
      usageMinTokens: raw.ALERT_USAGE_MIN_TOKENS,
      injectionBlocks: raw.ALERT_INJECTION_BLOCKS,
      injectionWindowMinutes: raw.ALERT_INJECTION_WINDOW_MINUTES,
    },
    relay: { secrets: raw.RELAY_KEY_SECRET ?? [] },
    log: { level: raw.LOG_LEVEL },
    tools: {
      enabled: raw.TOOLS,
      maxCalls: raw.TOOLS_MAX_CALLS,
      fetch: {
        allowHosts: raw.TOOLS_FETCH_ALLOW_HOSTS,
        denyHosts: raw.TOOLS_FETCH_DENY_HOSTS ?? [],
        testLoopbackPorts: raw.TOOLS_FETCH_TEST_LOOPBACK_PORTS ?? [],
      },
    },
    documents: {
      enabled: raw.ATTACHMENTS === "on",
      rateLimit: raw.ATTACHMENTS_RATE_LIMIT,
      maxFileBytes: raw.ATTACHMENTS_MAX_FILE_BYTES,
      maxPerMessage: raw.ATTACHMENTS_MAX_PER_MESSAGE,
      maxPerConversation: raw.ATTACHMENTS_MAX_PER_CONVERSATION,
      maxPdfPages: raw.ATTACHMENTS_MAX_PDF_PAGES,
      maxTextChars: raw.ATTACHMENTS_MAX_TEXT_CHARS,
      contextChars: raw.ATTACHMENTS_CONTEXT_CHARS,
      spotlight: raw.ATTACHMENTS_SPOTLIGHT,
    },
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

function storeConfig(raw: RawEnv): StoreConfig {
  const prefix = raw.STORE_KEY_PREFIX;
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

/**
 * The second opinion's settings. `llm` asks one of AI_MODELS (the default model unless
 * GUARD_INJECTION_JUDGE_MODEL names another), so its key, price and budgets are those of a chat;
 * `http` asks the deployer's own classifier at GUARD_INJECTION_JUDGE_URL.
 */
function judgeConfig({ raw, models, problems }: { raw: RawEnv; models: ModelRef[]; problems: string[] }): InjectionJudgeConfig {
  const mode = raw.GUARD_INJECTION_JUDGE;
  const timeoutMs = raw.GUARD_INJECTION_JUDGE_TIMEOUT_MS;
  const onError = raw.GUARD_INJECTION_JUDGE_ON_ERROR;
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

/** Whether `url` is an http(s) URL on this machine: where a test server runs. */
function isLoopbackUrl(url: string | undefined): boolean {
  return url !== undefined && URL.canParse(url) && isLoopbackHost(new URL(url).hostname);
}
