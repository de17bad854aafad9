import "server-only";
import { env } from "../env";
import { ApiError } from "../http/errors";
import { storeBackend, type StoreBackend } from "../store/backend";
import { storeOp } from "../store/call";
import { hashKey, storeKey } from "../store/keys";
import { processSingleton } from "../store/singleton";
import { MemorySlidingWindow } from "./memory";
import { POLICIES, type PolicyName } from "./policies";
import type { LimitResult, Limiter } from "./types";
import { formatWait } from "./format-wait";

/**
 * One limiter per policy, created on first use and kept for the life of the process (the Upstash
 * client's caches only work that way): @upstash/ratelimit's sliding window on either Redis backend,
 * else an in-process copy of the same algorithm. Limits fail closed: a store that does not answer
 * in time refuses the request (503) instead of letting it through.
 */
const limiters = processSingleton("ratelimit.limiters", () => new Map<PolicyName, Promise<Limiter>>());

async function create(name: PolicyName, backend: StoreBackend): Promise<Limiter> {
  const { requests, windowMs } = POLICIES[name].spec(env());
  if (backend.kind === "memory") return new MemorySlidingWindow({ requests, windowMs });
  const { Ratelimit } = await import("@upstash/ratelimit");
  // timeout: 0 turns off the library's fail-open timeout; storeOp's deadline fails closed instead.
  return new Ratelimit({
    redis: backend.redis,
    limiter: Ratelimit.slidingWindow(requests, `${windowMs} ms`),
    prefix: storeKey(backend.prefix, POLICIES[name].prefix),
    timeout: 0,
    analytics: false,
    enableTelemetry: false,
  });
}

function limiterFor(policy: PolicyName): Promise<Limiter> {
  let limiter = limiters.get(policy);
  if (!limiter) {
    limiter = storeBackend().then((backend) => create(policy, backend));
    limiter.catch(() => limiters.delete(policy));
    limiters.set(policy, limiter);
  }
  return limiter;
}

export async function checkLimit({ policy, identifier }: { policy: PolicyName; identifier: string }): Promise<LimitResult> {
  return storeOp(`ratelimit.${policy}`, async () => (await limiterFor(policy)).limit(hashKey(identifier)));
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
      headers: { ...headers, "Retry-After": String(seconds) },
    });
  }
  return headers;
}
