import "server-only";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { env } from "../env";
import { log } from "../log/logger";
import { ApiError } from "../http/errors";
import { MemorySlidingWindow } from "./memory";
import { POLICIES, type PolicyName } from "./policies";
import type { LimitResult, Limiter } from "./types";
import { formatWait } from "./format-wait";

/**
 * One limiter per policy, created on first use and kept for the life of the process (the Upstash
 * client's caches only work that way). @upstash/ratelimit on Upstash Redis when it is configured,
 * else the in-process sliding window. Limits fail closed: a store that does not answer in time
 * refuses the request instead of letting it through.
 */
const STORE_TIMEOUT_MS = 3_000;
const limiters = new Map<PolicyName, Limiter>();
let redis: Redis | undefined;

function create(name: PolicyName): Limiter {
  const config = env();
  const { requests, windowMs } = POLICIES[name].spec(config);
  if (!config.upstash) return new MemorySlidingWindow({ requests, windowMs });
  redis ??= new Redis({ url: config.upstash.url, token: config.upstash.token, enableTelemetry: false, retry: { retries: 1 } });
  // timeout: 0 turns off the library's fail-open timeout; ours below fails closed instead.
  return new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(requests, `${windowMs} ms`),
    prefix: POLICIES[name].prefix,
    timeout: 0,
    analytics: false,
    enableTelemetry: false,
  });
}

export async function checkLimit({ policy, identifier }: { policy: PolicyName; identifier: string }): Promise<LimitResult> {
  let limiter = limiters.get(policy);
  if (!limiter) {
    limiter = create(policy);
    limiters.set(policy, limiter);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("rate limit store timed out")), STORE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([limiter.limit(identifier), timeout]);
  } catch (error) {
    log.error("ratelimit.store_failed", { policy, errorName: error instanceof Error ? error.name : typeof error });
    throw new ApiError("store_unavailable", "The service is briefly unable to check usage limits. Please try again in a few seconds.");
  } finally {
    clearTimeout(timer);
  }
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
      headers: { ...headers, "Retry-After": String(seconds) },
    });
  }
  return headers;
}
