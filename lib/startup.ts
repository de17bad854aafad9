import "server-only";
import type { Env } from "./config/schema";
import { log, setLogLevel } from "./log/logger";

/** One line at start-up that says how this instance is configured (never a secret). */
export function logStartup(config: Env): void {
  setLogLevel(config.log.level);
  log.info("server.started", {
    nodeEnv: config.nodeEnv,
    models: config.ai.models.map((m) => m.id).join(","),
    signIn: [config.auth.localUsers.length > 0 && "credentials", config.auth.github && "github", config.auth.google && "google"].filter(Boolean).join(","),
    rateLimitStore: config.upstash ? "upstash" : "memory",
    chatRateLimit: config.chat.rateLimit.source,
  });
  if (!config.upstash) {
    log.warn("server.single_instance_limits", {
      detail: "Rate limits and conversations are kept in this process: they hold for one instance only. Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to share them.",
    });
  }
}
