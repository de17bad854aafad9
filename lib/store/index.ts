import "server-only";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { storeBackend } from "./backend";
import { MemoryConversationStore, type ConversationStore } from "./conversations";
import { createUsageStore, type UsageStore } from "./usage";
import { createUserControlStore, type UserControlStore } from "./user-controls";
import { oncePerProcess as once } from "./once";

/**
 * The process-wide stores of this folder, each made once on first use for the configured backend;
 * every other domain makes its own beside its code (audit, alerts, the ledger, relay keys). Callers
 * wrap their use in `storeOp` (lib/store/call.ts) so a store failure fails the request closed.
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
