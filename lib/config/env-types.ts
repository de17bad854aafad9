import type { EntityType } from "./entities";
import type { LocalUser } from "./fields";
import type { RateLimitSpec } from "./limits";
import type { ModelRef } from "./models";
import type { ModelPrice } from "./prices";
import type { ProviderKey } from "./provider-keys";
import type { ToolName } from "./tools";
import type { TransportVariable } from "./transport";

/** The environment as the app uses it: what `parseEnv` (lib/config/schema.ts) returns. */

/** Where shared state lives: Upstash over HTTP, a Redis or Valkey server over TCP, or this process. */
export type StoreConfig = { prefix: string } & (
  | { kind: "upstash"; url: string; token: string }
  | { kind: "redis"; url: string }
  | { kind: "memory"; allowedInProduction: boolean }
);

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
  /** The tools the chat offers the model (TOOLS), and the most calls one reply may make. */
  tools: {
    enabled: ToolName[];
    maxCalls: number;
    fetch: { allowHosts: string[] | undefined; denyHosts: string[]; testLoopbackPorts: number[] };
  };
  /** Documents attached to chat messages (ATTACHMENTS_*): the caps, and how their text is marked for the model. */
  documents: {
    enabled: boolean;
    rateLimit: RateLimitSpec;
    maxFileBytes: number;
    maxPerMessage: number;
    maxPerConversation: number;
    maxPdfPages: number;
    maxTextChars: number;
    contextChars: number;
    spotlight: Spotlight;
  };
};

/** How document text is marked as data inside its fence (ATTACHMENTS_SPOTLIGHT). */
export type Spotlight = "datamark" | "base64" | "off";

export type InjectionJudgeConfig =
  | { mode: "off" }
  | { mode: "llm"; model: ModelRef; timeoutMs: number; onError: "allow" | "block" }
  | { mode: "http"; url: string; token: string | undefined; timeoutMs: number; onError: "allow" | "block" };
