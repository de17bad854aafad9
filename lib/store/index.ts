import "server-only";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { createLedger, type Ledger } from "../ratelimit/ledger";
import { storeBackend } from "./backend";
import { MemoryConversationStore, type ConversationStore } from "./conversations";
import { createUsageStore, type UsageStore } from "./usage";

/**
 * The process-wide stores, each made once on first use for the configured backend. Callers wrap
 * their use in `storeOp` (lib/store/call.ts) so a store failure fails the request closed.
 */
let conversations: Promise<ConversationStore> | undefined;
let usage: Promise<UsageStore> | undefined;
let ledger: Promise<Ledger> | undefined;

export function conversationStore(): Promise<ConversationStore> {
  conversations ??= once(async () => {
    const backend = await storeBackend();
    const { conversations: config } = env();
    if (backend.kind === "memory") return new MemoryConversationStore({ ttlDays: config.ttlDays, maxConversations: 10_000 });
    const { RedisConversationStore } = await import("./redis-conversations");
    return new RedisConversationStore(backend.redis, { prefix: backend.prefix, ttlDays: config.ttlDays, keyring: new Keyring(config.encryptionKeys) });
  }, () => (conversations = undefined));
  return conversations;
}

export function usageStore(): Promise<UsageStore> {
  usage ??= once(async () => createUsageStore(await storeBackend(), { retentionDays: env().usage.retentionDays }), () => (usage = undefined));
  return usage;
}

export function budgetLedger(): Promise<Ledger> {
  ledger ??= once(async () => createLedger(await storeBackend()), () => (ledger = undefined));
  return ledger;
}

/** A failed creation is forgotten, so the next request tries again. */
function once<T>(make: () => Promise<T>, forget: () => void): Promise<T> {
  return make().catch((error: unknown) => {
    forget();
    throw error;
  });
}
