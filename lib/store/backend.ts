import "server-only";
import type { Redis } from "@upstash/redis";
import type { StoreConfig } from "../config/schema";
import { env } from "../env";
import { log } from "../log/logger";
import { forgetProcessSingleton, processSingleton } from "../singleton";

/**
 * The one place that decides where shared state lives, from configuration:
 * - `upstash`: Upstash Redis over HTTP (@upstash/redis);
 * - `redis`: a Redis or Valkey server over TCP, through the same @upstash/redis client driven by
 *   ioredis (lib/store/tcp-requester.ts), so every Redis code path is one code path;
 * - `memory`: this process only (one instance; development and single-instance deployments).
 * Clients are created on first use, once per process, and loaded lazily: a deployment on Upstash
 * never loads ioredis, and `next build` never opens a connection.
 */
export type StoreBackend = { kind: "memory"; prefix: string } | { kind: "upstash" | "redis"; prefix: string; redis: Redis };

/** How long one store operation may take before the request fails closed. */
export const STORE_TIMEOUT_MS = 3_000;

export function storeBackend(): Promise<StoreBackend> {
  return processSingleton("store.backend", () =>
    create(env().store).catch((error: unknown) => {
      forgetProcessSingleton("store.backend");
      throw error;
    }),
  );
}

async function create(config: StoreConfig): Promise<StoreBackend> {
  if (config.kind === "memory") return { kind: "memory", prefix: config.prefix };
  const { Redis } = await import("@upstash/redis");
  if (config.kind === "upstash") {
    const redis = new Redis({
      url: config.url,
      token: config.token,
      enableTelemetry: false,
      retry: { retries: 1, backoff: () => 100 },
      // A fresh signal per request: a store that stops answering fails the request, never hangs it.
      signal: () => AbortSignal.timeout(STORE_TIMEOUT_MS),
    });
    return { kind: "upstash", prefix: config.prefix, redis };
  }
  const [{ default: IORedis }, { tcpRequester }] = await Promise.all([import("ioredis"), import("./tcp-requester")]);
  const client = new IORedis(config.url, {
    lazyConnect: true,
    // Fail at once while disconnected instead of queueing: the request answers 503 and the client
    // keeps reconnecting in the background, so service resumes by itself when Redis is back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: STORE_TIMEOUT_MS - 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    connectionName: "bulwark",
  });
  watchConnection(client);
  return { kind: "redis", prefix: config.prefix, redis: new Redis(tcpRequester(client, { readyTimeoutMs: 1_500 })) };
}

/** One log line when the connection drops and one when it is back, not one per retry. */
function watchConnection(client: import("ioredis").Redis): void {
  let down = false;
  client.on("error", (error: Error & { code?: string }) => {
    connection.lastError = error;
    if (down) return;
    down = true;
    log.error("store.connection_lost", { store: "redis", errorCode: error.code ?? error.name });
  });
  client.on("ready", () => {
    connection.lastError = undefined;
    if (!down) return;
    down = false;
    log.info("store.connection_restored", { store: "redis" });
  });
}

const connection = processSingleton("store.connection", () => ({ lastError: undefined as (Error & { code?: string }) | undefined }));

/** The reason the TCP client last failed to connect, for the start-up check's plain-words report. */
export function lastStoreConnectionError(): (Error & { code?: string }) | undefined {
  return connection.lastError;
}
