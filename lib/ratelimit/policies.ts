import type { Env } from "../config/schema";
import type { RateLimitSpec } from "../config/limits";

/**
 * Every limit, in one place, each set from the environment (see .env.example and the README):
 *
 * | policy            | scope       | variable                   | refusal                     |
 * |-------------------|-------------|----------------------------|-----------------------------|
 * | chat              | per user    | CHAT_RATE_LIMIT            | 429 rate_limited            |
 * | api               | per user    | API_RATE_LIMIT             | 429 rate_limited            |
 * | upload            | per user    | ATTACHMENTS_RATE_LIMIT     | 429 rate_limited            |
 * | signInPerIp       | per IP      | SIGNIN_RATE_LIMIT_IP       | sign-in refused             |
 * | signInPerAccount  | per account and IP | SIGNIN_RATE_LIMIT_ACCOUNT | sign-in refused      |
 * | signInAccountSlow | per account | SIGNIN_RATE_LIMIT_ACCOUNT  | sign-in slowed, not refused |
 * | concurrentStreams | per user    | CHAT_MAX_CONCURRENT        | 429 too_many_streams        |
 * | dailyTokens       | per user    | DAILY_TOKEN_BUDGET         | 429 token_budget_exhausted  |
 * | dailySpend        | global      | DAILY_SPEND_CAP_USD        | 429 spend_cap_reached       |
 *
 * The sliding windows below run on @upstash/ratelimit; the other three are in concurrency.ts and
 * budget.ts. `limit` is the name a refusal reports to clients.
 */
export const POLICIES = {
  chat: { prefix: "rl:chat", spec: (env: Env) => env.chat.rateLimit, describe: "messages", limit: "chat_rate" },
  api: { prefix: "rl:api", spec: (env: Env) => env.api.rateLimit, describe: "requests", limit: "api_rate" },
  upload: { prefix: "rl:upload", spec: (env: Env) => env.documents.rateLimit, describe: "uploads", limit: "upload_rate" },
  signInPerIp: { prefix: "rl:signin:ip", spec: (env: Env) => env.auth.signInLimitPerIp, describe: "sign-in attempts from this network", limit: "signin_ip" },
  // Per account *and* source: an attacker who knows an address cannot lock its owner out (see
  // local-accounts.ts); across all sources the account is only slowed down.
  signInPerAccount: {
    prefix: "rl:signin:account-ip",
    spec: (env: Env) => env.auth.signInLimitPerAccount,
    describe: "sign-in attempts for this account from this network",
    limit: "signin_account",
  },
  signInAccountSlow: {
    prefix: "rl:signin:account",
    spec: (env: Env) => env.auth.signInLimitPerAccount,
    describe: "sign-in attempts for this account",
    limit: "signin_account_all",
  },
} as const satisfies Record<string, { prefix: string; spec: (env: Env) => RateLimitSpec; describe: string; limit: string }>;

export type PolicyName = keyof typeof POLICIES;

/** The limits that are not sliding windows, by the name a refusal reports. */
export const CAPS = {
  concurrentStreams: { limit: "concurrent_streams", value: (env: Env) => env.chat.maxConcurrentStreams },
  dailyTokens: { limit: "daily_tokens", value: (env: Env) => env.budgets.dailyTokens },
  dailySpend: { limit: "daily_spend", value: (env: Env) => env.budgets.dailySpendCapUsd },
} as const;
