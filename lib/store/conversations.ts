import type { HistoryTurn } from "../ai/prompt";

/**
 * Where conversations live. Every call names the user: a conversation is found only under its
 * owner, so an id of someone else's conversation behaves exactly like an id that does not exist.
 * The in-memory store below serves one instance; the Redis-backed one implements the same port.
 */
export interface ConversationStore {
  /** The turns of the conversation, oldest first, or null when this user has no such conversation. */
  getHistory(args: { userId: string; conversationId: string }): Promise<HistoryTurn[] | null>;
  /** Appends turns, creating the conversation when it does not exist yet. */
  appendTurns(args: { userId: string; conversationId: string; turns: HistoryTurn[] }): Promise<void>;
}

export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, HistoryTurn[]>();

  constructor(private readonly limits: { maxConversations: number; maxTurnsPerConversation: number } = { maxConversations: 10_000, maxTurnsPerConversation: 200 }) {}

  async getHistory({ userId, conversationId }: { userId: string; conversationId: string }): Promise<HistoryTurn[] | null> {
    const turns = this.conversations.get(key(userId, conversationId));
    return turns ? turns.map((t) => ({ ...t })) : null;
  }

  async appendTurns({ userId, conversationId, turns }: { userId: string; conversationId: string; turns: HistoryTurn[] }): Promise<void> {
    const k = key(userId, conversationId);
    const all = [...(this.conversations.get(k) ?? []), ...turns.map((t) => ({ ...t }))].slice(-this.limits.maxTurnsPerConversation);
    this.conversations.delete(k); // re-insert: the Map's order is least recently used first
    this.conversations.set(k, all);
    for (const oldest of this.conversations.keys()) {
      if (this.conversations.size <= this.limits.maxConversations) break;
      this.conversations.delete(oldest);
    }
  }
}

// A NUL cannot occur in a user id or a UUID, so two different pairs never make the same key.
const key = (userId: string, conversationId: string) => `${userId}\u0000${conversationId}`;

let store: ConversationStore | undefined;

/** The process-wide store. */
export function conversationStore(): ConversationStore {
  store ??= new MemoryConversationStore();
  return store;
}
