import "server-only";
import { createAlertState, type AlertState } from "../alerts/state";
import { createAuditLog } from "../audit/store";
import type { AuditLog } from "../audit/types";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { createLedger, type Ledger } from "../ratelimit/ledger";
import { storeBackend } from "./backend";
import { MemoryConversationStore, type ConversationStore } from "./conversations";
import { createUsageStore, type UsageStore } from "./usage";
import { createUserControlStore, type UserControlStore } from "./user-controls";
import { createRelayKeyStore, type RelayKeyStore } from "../keys/relay-store";
import { forgetProcessSingleton, processSingleton } from "../singleton";

/**
 * The process-wide stores, each made once on first use for the configured backend. Callers wrap
 * their use in `storeOp` (lib/store/call.ts) so a store failure fails the request closed.
 */
export function conversationStore(): Promise<ConversationStore> {
  return once("store.conversations", async () => {
    const backend = await storeBackend();
    const { conversations: config } = env();
    if (backend.kind === "memory") return new MemoryConversationStore({ ttlDays: config.ttlDays, maxConversations: 10_000 });
    const { RedisConversationStore } = await import("./redis-conversations");
    return new RedisConversationStore(backend.redis, { prefix: backend.prefix, ttlDays: config.ttlDays, keyring: new Keyring(config.encryptionKeys) });
  });
}

export function usageStore(): Promise<UsageStore> {
  return once("store.usage", async () => createUsageStore(await storeBackend(), { retentionDays: env().usage.retentionDays }));
}

export function userControlStore(): Promise<UserControlStore> {
  return once("store.user_controls", async () => {
    const backend = await storeBackend();
    const keys = env().conversations.encryptionKeys;
    return createUserControlStore(backend, keys.length > 0 ? new Keyring(keys) : undefined);
  });
}

/** Relay (personal API) keys, stored as HMACs (lib/keys/relay-store.ts). */
export function relayKeyStore(): Promise<RelayKeyStore> {
  return once("store.relay_keys", async () => {
    const backend = await storeBackend();
    const keys = env().conversations.encryptionKeys;
    return createRelayKeyStore(backend, keys.length > 0 ? new Keyring(keys) : undefined);
  });
}

export function budgetLedger(): Promise<Ledger> {
  return once("store.ledger", async () => createLedger(await storeBackend()));
}

export function auditLog(): Promise<AuditLog> {
  return once("store.audit", async () => createAuditLog(await storeBackend(), { retentionDays: env().audit.retentionDays }));
}

/** The dedup claims and counters behind alerts (lib/alerts/). */
export function alertState(): Promise<AlertState> {
  return once("store.alerts", async () => createAlertState(await storeBackend()));
}

/** Made once per process (see singleton.ts); a failed creation is forgotten, so the next request tries again. */
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  return processSingleton(key, () =>
    make().catch((error: unknown) => {
      forgetProcessSingleton(key);
      throw error;
    }),
  );
}
