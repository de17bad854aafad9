import "server-only";
import { env } from "../env";
import { ApiError } from "../errors";
import { storeBackend, type StoreBackend } from "../store/backend";
import { storeOp } from "../store/call";
import { hashKey, storeKey } from "../store/keys";
import { processSingleton } from "../singleton";
import { MemorySlidingWindow } from "./memory";
import { POLICIES, type PolicyName } from "./policies";
import type { LimitResult, Limiter } from "./types";
import { formatWait } from "./format-wait";
import type { RateLimitSpec } from "../config/limits";

/**
 * One limiter per policy, created on first use and kept for the life of the process (the Upstash
 * client's caches only work that way): @upstash/ratelimit's sliding window on either Redis backend,
 * else an in-process copy of the same algorithm. Limits fail closed: a store that does not answer
 * in time refuses the request (503) instead of letting it through.
 */
const limiters = processSingleton("ratelimit.limiters", () => new Map<string, Promise<Limiter>>());

async function create({ requests, windowMs, prefix }: { requests: number; windowMs: number; prefix: string }, backend: StoreBackend): Promise<Limiter> {
  if (backend.kind === "memory") return new MemorySlidingWindow({ requests, windowMs });
  const { Ratelimit } = await import("@upstash/ratelimit");
  // timeout: 0 turns off the library's fail-open timeout; storeOp's deadline fails closed instead.
  return new Ratelimit({
    redis: backend.redis,
    limiter: Ratelimit.slidingWindow(requests, `${windowMs} ms`),
    prefix: storeKey(backend.prefix, prefix),
    timeout: 0,
    analytics: false,
    enableTelemetry: false,
  });
}

/**
 * The limiter for a policy, or for a relay key's own limit (`apikey:<n>`: n requests a minute, one
 * limiter per distinct n, since a key's limit is fixed when it is made).
 */
function limiterFor(name: PolicyName | `apikey:${number}` | `tool:${string}`, toolSpec?: RateLimitSpec): Promise<Limiter> {
  let limiter = limiters.get(name);
  if (!limiter) {
    const spec = name.startsWith("apikey:")
      ? { requests: Number(name.slice("apikey:".length)), windowMs: 60_000, prefix: `rl:${name}` }
      : name.startsWith("tool:") && toolSpec
        ? { requests: toolSpec.requests, windowMs: toolSpec.windowMs, prefix: `rl:${name}` }
        : { ...POLICIES[name as PolicyName].spec(env()), prefix: POLICIES[name as PolicyName].prefix };
    limiter = storeBackend().then((backend) => create(spec, backend));
    limiter.catch(() => limiters.delete(name));
    limiters.set(name, limiter);
  }
  return limiter;
}

export async function checkLimit({ policy, identifier }: { policy: PolicyName; identifier: string }): Promise<LimitResult> {
  return storeOp(`ratelimit.${policy}`, async () => (await limiterFor(policy)).limit(hashKey(identifier)));
}

/**
 * A tool's own limit per user (lib/tools/registry.ts, `rateLimit`): whether this call may run. One
 * limiter per tool and limit, like the policies; fails closed like them (a store that does not
 * answer refuses).
 */
export async function toolCallAllowed({ tool, spec, userId }: { tool: string; spec: RateLimitSpec; userId: string }): Promise<boolean> {
  const name = `tool:${tool}:${spec.requests}/${spec.windowMs}` as const;
  const result = await storeOp("ratelimit.tool", async () => (await limiterFor(name, spec)).limit(hashKey(`tool:${tool}:${userId}`)));
  return result.success;
}

/** Whole seconds until the window resets (`reset` is a Unix time in ms); at least 1 once refused. */
export function retryAfterSeconds(result: LimitResult, now = Date.now()): number {
  return Math.max(1, Math.ceil((result.reset - now) / 1000));
}

/** Standard headers for a limited route; `reset` is in ms, the headers in seconds. */
export function rateLimitHeaders(result: LimitResult, now = Date.now()): Record<string, string> {
  return {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(Math.max(0, result.remaining)),
    "RateLimit-Reset": String(Math.max(0, Math.ceil((result.reset - now) / 1000))),
  };
}

/** A relay key's own limit of `perMinute` requests a minute, on top of its owner's; throws a 429. */
export async function enforceApiKeyLimit({ keyId, perMinute }: { keyId: string; perMinute: number }): Promise<Record<string, string>> {
  const result = await storeOp("ratelimit.apikey", async () => (await limiterFor(`apikey:${perMinute}`)).limit(hashKey(`apikey:${keyId}`)));
  const now = Date.now();
  const headers = rateLimitHeaders(result, now);
  if (result.success) return headers;
  const seconds = retryAfterSeconds(result, now);
  throw new ApiError("rate_limited", `This API key allows ${perMinute} requests a minute: try again in ${formatWait(seconds)}.`, {
    retryAfterSeconds: seconds,
    limit: "api_key_rate",
    resetsAt: new Date(result.reset).toISOString(),
    headers,
  });
}

/** Checks a limit and throws a 429 that says when to try again. */
export async function enforceLimit({ policy, identifier }: { policy: PolicyName; identifier: string }): Promise<Record<string, string>> {
  const result = await checkLimit({ policy, identifier });
  const now = Date.now();
  const headers = rateLimitHeaders(result, now);
  if (!result.success) {
    const seconds = retryAfterSeconds(result, now);
    throw new ApiError("rate_limited", `Too many ${POLICIES[policy].describe}: try again in ${formatWait(seconds)}.`, {
      retryAfterSeconds: seconds,
      limit: POLICIES[policy].limit,
      resetsAt: new Date(result.reset).toISOString(),
      headers,
    });
  }
  return headers;
}
