import type { HistoryTurn } from "../ai/prompt";
import { titleFrom } from "../ai/titles";
import type { AttachmentRef, Conversation, ConversationSummary, StoredMessage } from "../wire";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { storeBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";

export type { Conversation, ConversationSummary, StoredMessage };

/**
 * Where conversations live. Every call names the user, and a conversation is found only under its
 * owner: an id of someone else's conversation behaves exactly like an id that does not exist, in
 * the data layer itself, so no route can forget the check. Two implementations: this process
 * (below) and Redis, encrypted at rest (redis-store.ts).
 */

type Owned = { userId: string; conversationId: string };

/** A turn to store: a user turn may list the documents it carried. */
export type NewTurn = HistoryTurn & { attachments?: AttachmentRef[] };

export interface ConversationStore {
  /** The user's live conversations, most recently updated first. */
  list(args: { userId: string }): Promise<ConversationSummary[]>;
  /** One conversation with its messages, oldest first; null when this user has no such conversation. */
  get(args: Owned): Promise<Conversation | null>;
  /** Appends turns, creating the conversation (titled after its first message) when it does not exist yet. */
  appendTurns(args: Owned & { turns: NewTurn[] }): Promise<void>;
  /** null when this user has no such conversation. */
  rename(args: Owned & { title: string }): Promise<ConversationSummary | null>;
  /** false when this user has no such conversation. */
  remove(args: Owned): Promise<boolean>;
  /** Deletes every conversation of the user; returns how many there were. */
  removeAll(args: { userId: string }): Promise<number>;
}

export const CONVERSATION_LIMITS = { maxMessages: 200, listLength: 100 } as const;

export { titleFrom };

/** The turns the prompt needs, from a stored conversation. */
export const historyOf = (conversation: Conversation): HistoryTurn[] => conversation.messages.map(({ role, content }) => ({ role, content }));

type MemoryEntry = {
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: { role: HistoryTurn["role"]; content: string; at: number; attachments?: AttachmentRef[] }[];
};

/** This process only: for development and single-instance deployments. Same TTL, same caps. */
export class MemoryConversationStore implements ConversationStore {
  // Most recently updated last, so the oldest go first when the process-wide cap is reached.
  private readonly entries = new Map<string, MemoryEntry>();

  constructor(private readonly options: { ttlDays: number; maxConversations: number } = { ttlDays: 30, maxConversations: 10_000 }) {}

  async list({ userId }: { userId: string }) {
    const prefix = ownerPrefix(userId);
    const found: ConversationSummary[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && this.live(key, entry)) found.push(summary(key.slice(prefix.length), entry));
    }
    return found.reverse().slice(0, CONVERSATION_LIMITS.listLength);
  }

  async get({ userId, conversationId }: Owned) {
    const key = entryKey(userId, conversationId);
    const entry = this.entries.get(key);
    if (!entry || !this.live(key, entry)) return null;
    return {
      ...summary(conversationId, entry),
      messages: entry.messages.map((m) => ({
        role: m.role,
        content: m.content,
        createdAt: new Date(m.at).toISOString(),
        ...(m.attachments && { attachments: m.attachments.map((a) => ({ ...a })) }),
      })),
    };
  }

  async appendTurns({ userId, conversationId, turns }: Owned & { turns: NewTurn[] }) {
    const key = entryKey(userId, conversationId);
    const now = Date.now();
    const existing = this.entries.get(key);
    const entry: MemoryEntry =
      existing && this.live(key, existing)
        ? existing
        : { title: titleFrom(turns.find((t) => t.role === "user")?.content ?? ""), createdAt: now, updatedAt: now, messages: [] };
    entry.messages = [
      ...entry.messages,
      ...turns.map((t) => ({ role: t.role, content: t.content, at: now, ...(t.attachments?.length && { attachments: t.attachments.map((a) => ({ ...a })) }) })),
    ].slice(-CONVERSATION_LIMITS.maxMessages);
    entry.updatedAt = now;
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxConversations) break;
      this.entries.delete(oldest);
    }
  }

  async rename({ userId, conversationId, title }: Owned & { title: string }) {
    const key = entryKey(userId, conversationId);
    const entry = this.entries.get(key);
    if (!entry || !this.live(key, entry)) return null;
    entry.title = title;
    return summary(conversationId, entry);
  }

  async remove({ userId, conversationId }: Owned) {
    const key = entryKey(userId, conversationId);
    const entry = this.entries.get(key);
    const existed = !!entry && this.live(key, entry);
    this.entries.delete(key);
    return existed;
  }

  async removeAll({ userId }: { userId: string }) {
    const prefix = ownerPrefix(userId);
    let count = 0;
    for (const [key, entry] of [...this.entries]) {
      if (!key.startsWith(prefix)) continue;
      if (this.live(key, entry)) count += 1;
      this.entries.delete(key);
    }
    return count;
  }

  private live(key: string, entry: MemoryEntry): boolean {
    if (Date.now() - entry.updatedAt < this.options.ttlDays * 86_400_000) return true;
    this.entries.delete(key);
    return false;
  }
}

// A NUL cannot occur in a user id or a UUID, so two different pairs never make the same key.
const ownerPrefix = (userId: string) => `${userId}\u0000`;
const entryKey = (userId: string, conversationId: string) => `${ownerPrefix(userId)}${conversationId}`;

function summary(id: string, entry: MemoryEntry): ConversationSummary {
  return {
    id,
    title: entry.title,
    createdAt: new Date(entry.createdAt).toISOString(),
    updatedAt: new Date(entry.updatedAt).toISOString(),
    messageCount: entry.messages.length,
  };
}

/** The conversations of this process, on the configured backend: in memory, or on Redis encrypted at rest. */
export function conversationStore(): Promise<ConversationStore> {
  return oncePerProcess("store.conversations", async () => {
    const backend = await storeBackend();
    const { conversations: config } = env();
    if (backend.kind === "memory") return new MemoryConversationStore({ ttlDays: config.ttlDays, maxConversations: 10_000 });
    const { RedisConversationStore } = await import("./redis-store");
    return new RedisConversationStore(backend.redis, { prefix: backend.prefix, ttlDays: config.ttlDays, keyring: new Keyring(config.encryptionKeys) });
  });
}
