import type { Env } from "../config/schema";
import type { RateLimitSpec } from "../config/limits";

/**
 * Named limits, one place. Each has its own key prefix so that two policies never share a counter,
 * and its spec comes from the environment (see .env.example).
 */
export const POLICIES = {
  chat: { prefix: "rl:chat", spec: (env: Env) => env.chat.rateLimit, describe: "messages" },
  signInPerIp: { prefix: "rl:signin:ip", spec: (env: Env) => env.auth.signInLimitPerIp, describe: "sign-in attempts from this network" },
  signInPerAccount: { prefix: "rl:signin:account", spec: (env: Env) => env.auth.signInLimitPerAccount, describe: "sign-in attempts for this account" },
} as const satisfies Record<string, { prefix: string; spec: (env: Env) => RateLimitSpec; describe: string }>;

export type PolicyName = keyof typeof POLICIES;
