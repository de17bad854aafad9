import "server-only";
import type { Redis } from "@upstash/redis";
import type { HistoryTurn } from "../ai/prompt";
import { DecryptError, type Keyring } from "../crypto/keyring";
import { log } from "../log/logger";
import { CONVERSATION_LIMITS, titleFrom, type Conversation, type ConversationStore, type ConversationSummary, type NewTurn } from "./store";
import type { AttachmentRef } from "../wire";
import { storeKey, userKey } from "../store/keys";

/**
 * Conversations on Redis, titles and message text encrypted with AES-256-GCM (lib/crypto/keyring.ts).
 * Each ciphertext is bound to its user and conversation, so one moved to another record does not
 * open. Every key expires CONVERSATION_TTL_DAYS after the conversation was last updated.
 *
 *   <prefix>:conv:<userKey>               zset  conversation id → updated at (ms): the user's index
 *   <prefix>:conv:<userKey>:<id>          hash  title (encrypted), createdAt, updatedAt
 *   <prefix>:conv:<userKey>:<id>:m        list  messages, each encrypted JSON {r, c, t, a?} (a: the documents a user turn carried)
 *
 * Keys hold the user only as a hash (lib/store/keys.ts): a raw dump shows no email and no text.
 */
type Message = { r: HistoryTurn["role"]; c: string; t: number; a?: AttachmentRef[] };

// Renames only a conversation that exists, so a rename racing a delete cannot resurrect it.
const RENAME = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'title', ARGV[1])
return 1`;

export class RedisConversationStore implements ConversationStore {
  private readonly renameScript;

  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; ttlDays: number; keyring: Keyring },
  ) {
    this.renameScript = redis.createScript<number>(RENAME);
  }

  async list({ userId }: { userId: string }) {
    const index = this.indexKey(userId);
    const oldest = Date.now() - this.ttlMs;
    await this.redis.zremrangebyscore(index, "-inf", `(${oldest}`);
    const ids = await this.redis.zrange<string[]>(index, 0, CONVERSATION_LIMITS.listLength - 1, { rev: true });
    if (ids.length === 0) return [];
    const read = this.redis.pipeline();
    for (const id of ids.map(String)) {
      read.hgetall(this.key(userId, id));
      read.llen(this.messagesKey(userId, id));
    }
    const replies = await read.exec<unknown[]>();
    const found: ConversationSummary[] = [];
    ids.map(String).forEach((id, i) => {
      const conversation = this.summary(userId, id, replies[2 * i] as Record<string, unknown> | null, Number(replies[2 * i + 1]));
      if (conversation) found.push(conversation);
    });
    return found;
  }

  async get({ userId, conversationId }: { userId: string; conversationId: string }): Promise<Conversation | null> {
    const [hash, items] = await this.redis
      .pipeline()
      .hgetall(this.key(userId, conversationId))
      .lrange(this.messagesKey(userId, conversationId), 0, -1)
      .exec<[Record<string, unknown> | null, unknown[]]>();
    const summary = this.summary(userId, conversationId, hash, items.length);
    if (!summary) return null;
    try {
      const messages = items.map((item) => JSON.parse(this.options.keyring.decrypt(String(item), this.context(userId, conversationId, "m"))) as Message);
      return {
        ...summary,
        messages: messages.map((m) => ({ role: m.r, content: m.c, createdAt: new Date(m.t).toISOString(), ...(m.a && { attachments: m.a }) })),
      };
    } catch (error) {
      return this.unreadable(error);
    }
  }

  async appendTurns({ userId, conversationId, turns }: { userId: string; conversationId: string; turns: NewTurn[] }) {
    const now = Date.now();
    const { keyring } = this.options;
    const ttl = this.options.ttlDays * 86_400;
    const hash = this.key(userId, conversationId);
    const list = this.messagesKey(userId, conversationId);
    const index = this.indexKey(userId);
    const firstUserText = turns.find((t) => t.role === "user")?.content ?? "";
    const items = turns.map((t) =>
      keyring.encrypt(
        JSON.stringify({ r: t.role, c: t.content, t: now, ...(t.attachments?.length && { a: t.attachments }) } satisfies Message),
        this.context(userId, conversationId, "m"),
      ),
    );

    const tx = this.redis.multi();
    tx.rpush(list, ...items);
    tx.ltrim(list, -CONVERSATION_LIMITS.maxMessages, -1);
    tx.hsetnx(hash, "title", keyring.encrypt(titleFrom(firstUserText), this.context(userId, conversationId, "title")));
    tx.hsetnx(hash, "createdAt", now);
    tx.hset(hash, { updatedAt: now });
    tx.zadd(index, { score: now, member: conversationId });
    for (const key of [list, hash, index]) tx.expire(key, ttl);
    await tx.exec();
  }

  async rename({ userId, conversationId, title }: { userId: string; conversationId: string; title: string }) {
    const sealed = this.options.keyring.encrypt(title, this.context(userId, conversationId, "title"));
    const renamed = await this.renameScript.exec([this.key(userId, conversationId)], [sealed]);
    if (Number(renamed) !== 1) return null;
    const conversation = await this.get({ userId, conversationId });
    if (!conversation) return null;
    const { messages: _messages, ...summary } = conversation;
    return summary;
  }

  async remove({ userId, conversationId }: { userId: string; conversationId: string }) {
    const [deleted] = await this.redis
      .pipeline()
      .del(this.key(userId, conversationId), this.messagesKey(userId, conversationId))
      .zrem(this.indexKey(userId), conversationId)
      .exec<[number, number]>();
    return Number(deleted) > 0;
  }

  async removeAll({ userId }: { userId: string }) {
    const index = this.indexKey(userId);
    // Counted like `list`: conversations past their TTL are already gone.
    await this.redis.zremrangebyscore(index, "-inf", `(${Date.now() - this.ttlMs}`);
    const count = await this.redis.zcard(index);
    // SCAN too, so nothing is left behind even if the index and the records ever disagree.
    const keys = new Set<string>([index]);
    let cursor = "0";
    do {
      const [next, found] = await this.redis.scan(cursor, { match: `${index}:*`, count: 500 });
      cursor = String(next);
      for (const key of found) keys.add(key);
    } while (cursor !== "0");
    await this.redis.del(...keys);
    return Number(count);
  }

  private get ttlMs() {
    return this.options.ttlDays * 86_400_000;
  }

  private indexKey(userId: string) {
    return storeKey(this.options.prefix, "conv", userKey(userId));
  }

  private key(userId: string, conversationId: string) {
    return `${this.indexKey(userId)}:${conversationId}`;
  }

  private messagesKey(userId: string, conversationId: string) {
    return `${this.key(userId, conversationId)}:m`;
  }

  /** The associated data each ciphertext is bound to: the record, its owner and its field. */
  private context(userId: string, conversationId: string, field: string) {
    return `conv:${userKey(userId)}:${conversationId}:${field}`;
  }

  private summary(userId: string, id: string, hash: Record<string, unknown> | null, messageCount: number): ConversationSummary | null {
    if (!hash || hash.title === undefined) return null;
    try {
      const title = this.options.keyring.decrypt(String(hash.title), this.context(userId, id, "title"));
      return { id, title, createdAt: iso(hash.createdAt), updatedAt: iso(hash.updatedAt), messageCount };
    } catch (error) {
      return this.unreadable(error);
    }
  }

  /** A record no configured key opens (its key was removed from the list): treated as gone, and logged. */
  private unreadable(error: unknown): null {
    if (!(error instanceof DecryptError)) throw error;
    log.error("store.conversation_unreadable", { detail: "a conversation was encrypted with a key no longer in CONVERSATION_ENCRYPTION_KEY" });
    return null;
  }
}

const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
