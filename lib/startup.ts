import "server-only";
import type { Env } from "./config/schema";
import { log, setLogLevel } from "./log/logger";
import { lastStoreConnectionError, STORE_TIMEOUT_MS, storeBackend } from "./store/backend";
import { keyPool } from "./provider-keys/pool";

/** One line at start-up that says how this instance is configured (never a secret). */
export function logStartup(config: Env): void {
  setLogLevel(config.log.level);
  log.info("server.started", {
    nodeEnv: config.nodeEnv,
    models: config.ai.models.map((m) => m.id).join(","),
    signIn: [config.auth.localUsers.length > 0 && "credentials", config.auth.github && "github", config.auth.google && "google"].filter(Boolean).join(","),
    store: config.store.kind,
    chatRateLimit: config.chat.rateLimit.source,
    maxConcurrentStreams: config.chat.maxConcurrentStreams,
    dailyTokenBudget: config.budgets.dailyTokens,
    dailySpendCapUsd: config.budgets.dailySpendCapUsd,
    openaiKeys: config.ai.openai?.keys.length ?? 0,
    anthropicKeys: config.ai.anthropic?.keys.length ?? 0,
    admins: config.admin.emails.length,
    alerts: config.alerts.webhookUrl ? "webhook" : "log",
  });
  // Made now so a key past KEY_MAX_AGE_DAYS is reported at start-up, not on the first chat.
  keyPool("openai");
  keyPool("anthropic");
  const insecure = config.transport.insecureByExemption;
  if (insecure.length > 0) {
    // On every start, and on stderr whatever LOG_LEVEL says: an exemption nobody remembers is a downgrade nobody sees.
    const detail = `${insecure.join(", ")} ${insecure.length === 1 ? "goes" : "go"} to a host off this machine without TLS, because ALLOW_INSECURE_TRANSPORT lists ${insecure.length === 1 ? "it" : "them"}: only safe while a TLS-terminating sidecar or private link encrypts that hop.`;
    log.warn("server.insecure_transport", { variables: insecure.join(","), detail });
    console.error(`\nBulwark: WARNING: ${detail}\n`);
  }
  if (config.store.kind === "memory") {
    log.warn("server.single_instance_store", {
      detail:
        "Limits, budgets and conversations are kept in this process: they hold for one instance only and are lost on restart. Set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or REDIS_URL, to share them.",
    });
  }
}

const WARM_UP_TIMEOUT_MS = 30_000;

/**
 * Loads the chat route in the background, without waiting: one GET to this server, which the route
 * answers 405 after Next has loaded its code and evaluated its modules (the injection patterns, zod,
 * next-auth; ~50 ms). A chat that comes later finds the route ready; one that comes sooner shares the
 * same loading. The route's modules cannot be warmed from here by importing them: this file is
 * bundled apart from the routes, so it would get copies of its own. Nothing of the app runs for the
 * GET (no session, no handler), so it leaves no log line. Skipped without a port (a custom server);
 * a failure (a server bound to another address than loopback) only means no warm-up.
 */
export function warmChatRoute({ port }: { port: string | undefined }): void {
  if (!port) return;
  fetch(`http://127.0.0.1:${port}/api/chat`, { signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS) })
    .then((res) => res.body?.cancel())
    .catch(() => undefined);
}

/** Stops the server on a store misconfiguration; warns, and carries on, when the store is only unreachable. */
export async function assertStoreAtStartup(config: Env): Promise<void> {
  const problem = await checkStore(config);
  if (!problem) return;
  if (problem.fatal) {
    console.error(`\nBulwark cannot start: ${problem.message}\n`);
    process.exit(1);
  }
  log.warn("store.unreachable_at_startup", { store: config.store.kind });
  console.error(`\nBulwark: ${problem.message}\n`);
}

/** What a failed first contact with the store means, in words, and whether waiting can fix it. */
export type StoreProblem = { fatal: boolean; message: string };

/**
 * Contacts the store once at start-up. A store that refuses our credentials, or whose host does
 * not exist, is a configuration mistake: the server stops and says which variable to fix. One that
 * is merely unreachable may come back: the server starts, answers chat with 503 meanwhile, and
 * recovers by itself.
 */
export async function checkStore(config: Env): Promise<StoreProblem | undefined> {
  if (config.store.kind === "memory") return undefined;
  try {
    const { redis } = (await storeBackend()) as Extract<Awaited<ReturnType<typeof storeBackend>>, { redis: unknown }>;
    await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), STORE_TIMEOUT_MS))]);
    log.info("store.ready", { store: config.store.kind });
    return undefined;
  } catch (error) {
    return describeStoreProblem(config.store.kind, error, lastStoreConnectionError());
  }
}

export function describeStoreProblem(kind: "upstash" | "redis", error: unknown, connectionError?: Error & { code?: string }): StoreProblem {
  const text = `${error instanceof Error ? error.message : ""} ${connectionError?.message ?? ""}`;
  const code = connectionError?.code ?? causeCode(error);
  if (kind === "upstash") {
    if (/unauthori[sz]ed|WRONGPASS|invalid token|\b401\b/i.test(text)) {
      return {
        fatal: true,
        message:
          "UPSTASH_REDIS_REST_TOKEN was refused by Upstash: copy the REST token (not the read-only one) from your database's page in the Upstash console.",
      };
    }
    if (code === "ENOTFOUND") {
      return {
        fatal: true,
        message: "UPSTASH_REDIS_REST_URL names a host that does not exist: copy the REST URL from your database's page in the Upstash console.",
      };
    }
    return { fatal: false, message: "Upstash did not answer at UPSTASH_REDIS_REST_URL. Chat will answer 503 until it does; the server retries by itself." };
  }
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(text)) {
    return { fatal: true, message: "REDIS_URL: the Redis server refused the user name or password in the URL (redis://user:password@host:port)." };
  }
  // ENOTFOUND is a name that does not exist; EAI_AGAIN, a DNS server that did not answer, may pass.
  if (code === "ENOTFOUND") {
    return { fatal: true, message: "REDIS_URL names a host that cannot be found: check the host name in the URL." };
  }
  return { fatal: false, message: "The Redis server at REDIS_URL is not reachable yet. Chat will answer 503 until it is; the server reconnects by itself." };
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}
