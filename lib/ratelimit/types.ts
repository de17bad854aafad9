/** What a limit check answers; the same shape as @upstash/ratelimit's, `reset` a Unix time in ms. */
export type LimitResult = { success: boolean; limit: number; remaining: number; reset: number };

export interface Limiter {
  limit(identifier: string): Promise<LimitResult>;
}
