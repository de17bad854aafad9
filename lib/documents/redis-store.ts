import "server-only";
import type { Redis } from "@upstash/redis";
import { DecryptError, type Keyring } from "../crypto/keyring";
import { log } from "../log/logger";
import { storeKey, userKey } from "../store/keys";
import {
  type Attachment,
  type AttachmentMeta,
  type AttachmentStore,
  attachmentNotFound,
  DRAFT_TTL_MS,
  newAttachmentId,
  toAttachment,
  tooManyDrafts,
  tooManyInConversation,
} from "./store";

/**
 * Documents on Redis. The file, its text and what the checks found are encrypted with AES-256-GCM
 * (lib/crypto/keyring.ts), each ciphertext bound to its user, document and part, so one moved to
 * another record does not open. The file and the text are written in parts of a few hundred KB, so
 * no single command is larger than a hosted Redis accepts (Upstash: 1 MB a request on its free plan).
 *
 *   <prefix>:att:<userKey>:<id>         hash  m (encrypted metadata), conv, sent (0|1), c (created, ms)
 *   <prefix>:att:<userKey>:<id>:b       list  the file, encrypted base64 parts
 *   <prefix>:att:<userKey>:<id>:t       list  the text, encrypted parts
 *   <prefix>:att:<userKey>:drafts       zset  id → expiry (ms) of every unsent draft
 *   <prefix>:att:<userKey>:c:<conv>     zset  `d:<id>` → expiry (a draft uploaded in it), `s:<id>` → +inf (sent in it)
 *
 * A draft's keys expire by themselves after DRAFT_TTL_MS; a sent document's with its conversation
 * (CONVERSATION_TTL_DAYS after the conversation's last message; `touch` renews them together). Keys
 * hold the user only as a hash (lib/store/keys.ts): a raw dump shows no email, no name, no text.
 */

/** Raw bytes per part of a file: base64 and the ciphertext's own base64 make it about 700 KB on the wire. */
const FILE_PART_BYTES = 384 * 1024;
/** Characters per part of the text: at most ~360 KB as UTF-8, about 640 KB encrypted. */
const TEXT_PART_CHARS = 120_000;

type SealedMeta = AttachmentMeta;

// The count and the write in one step, so uploads in parallel, on any instance, cannot pass a cap.
// 0: too many drafts; -1: the conversation is full; -2: the random id is taken (nothing overwritten).
const ADD = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
if ARGV[5] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return -1 end
end
if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
redis.call('HSET', KEYS[3], 'm', ARGV[7], 'conv', ARGV[5], 'sent', '0', 'c', ARGV[1])
for i = 3, 5 do redis.call('PEXPIRE', KEYS[i], ttl) end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[6])
redis.call('PEXPIRE', KEYS[1], ttl)
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], now + ttl, 'd:' .. ARGV[6])
  if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1`;

// KEYS: drafts, the conversation's zset, then per document its hash, file and text keys.
// ARGV: now, maxPerConversation, conversation id, ttl (ms), then the ids.
// 1: bound; 0: the conversation would hold too many; -1: an id is not this user's draft for it.
const BIND = `
local now = tonumber(ARGV[1])
local conv = ARGV[3]
local ttl = tonumber(ARGV[4])
local n = #ARGV - 4
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local joining = 0
for i = 1, n do
  local owner = redis.call('HGET', KEYS[3 * i], 'conv')
  if not owner then return -1 end
  if owner ~= '' and owner ~= conv then return -1 end
  if owner == '' then joining = joining + 1 end
end
if redis.call('ZCARD', KEYS[2]) + joining > tonumber(ARGV[2]) then return 0 end
for i = 1, n do
  local id = ARGV[4 + i]
  redis.call('HSET', KEYS[3 * i], 'conv', conv, 'sent', '1')
  for k = 0, 2 do redis.call('PEXPIRE', KEYS[3 * i + k], ttl) end
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], 'd:' .. id)
  redis.call('ZADD', KEYS[2], '+inf', 's:' .. id)
end
redis.call('PEXPIRE', KEYS[2], ttl)
return 1`;

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class RedisAttachmentStore implements AttachmentStore {
  private readonly addScript;
  private readonly bindScript;

  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; ttlDays: number; keyring: Keyring },
  ) {
    this.addScript = redis.createScript<number>(ADD);
    this.bindScript = redis.createScript<number>(BIND);
  }

  async add({ userId, conversationId, meta, bytes, text, caps }: Parameters<AttachmentStore["add"]>[0]): Promise<Attachment> {
    const id = newAttachmentId();
    const now = Date.now();
    const { keyring } = this.options;
    const [hash, file, body] = this.keys(userId, id);
    // The parts first, each its own command (and request); the record that makes them visible last.
    try {
      for (const [i, part] of chunks(bytes.byteLength, FILE_PART_BYTES).entries()) {
        await this.redis.rpush(file, keyring.encrypt(Buffer.from(bytes.subarray(part.start, part.end)).toString("base64"), this.context(userId, id, `b:${i}`)));
      }
      for (const [i, part] of chunks(text.length, TEXT_PART_CHARS, text).entries()) {
        await this.redis.rpush(body, keyring.encrypt(text.slice(part.start, part.end), this.context(userId, id, `t:${i}`)));
      }
      await Promise.all([this.redis.pexpire(file, DRAFT_TTL_MS), this.redis.pexpire(body, DRAFT_TTL_MS)]);
      const sealed = keyring.encrypt(JSON.stringify(meta satisfies SealedMeta), this.context(userId, id, "m"));
      const added = Number(
        await this.addScript.exec(
          [this.draftsKey(userId), this.conversationKey(userId, conversationId ?? "none"), hash, file, body],
          [String(now), String(DRAFT_TTL_MS), String(caps.maxDrafts), String(caps.maxPerConversation), conversationId ?? "", id, sealed],
        ),
      );
      if (added === 0) throw tooManyDrafts(caps.maxDrafts);
      if (added === -1) throw tooManyInConversation(caps.maxPerConversation);
      if (added !== 1) throw new Error("a new attachment's random id was taken");
    } catch (error) {
      await this.redis.del(file, body).catch(() => undefined);
      throw error;
    }
    return toAttachment(id, meta, conversationId, now);
  }

  async getMany({ userId, ids }: { userId: string; ids: string[] }) {
    const valid = ids.map((id) => ID.test(id));
    const read = this.redis.pipeline();
    for (const [i, id] of ids.entries()) if (valid[i]) read.hgetall(this.keys(userId, id)[0]);
    const replies = valid.some(Boolean) ? await read.exec<(Record<string, unknown> | null)[]>() : [];
    let next = 0;
    return ids.map((id, i) => (valid[i] ? this.open(userId, id, replies[next++] ?? null) : null));
  }

  async text({ userId, attachmentId }: { userId: string; attachmentId: string }) {
    if (!ID.test(attachmentId)) return null;
    const [hash, , body] = this.keys(userId, attachmentId);
    const [record, parts] = await this.redis.pipeline().hgetall(hash).lrange(body, 0, -1).exec<[Record<string, unknown> | null, unknown[]]>();
    if (!this.open(userId, attachmentId, record)) return null;
    try {
      return parts.map((part, i) => this.options.keyring.decrypt(String(part), this.context(userId, attachmentId, `t:${i}`))).join("");
    } catch (error) {
      return this.unreadable(error);
    }
  }

  async file({ userId, attachmentId }: { userId: string; attachmentId: string }) {
    if (!ID.test(attachmentId)) return null;
    const [hash, file] = this.keys(userId, attachmentId);
    const [record, parts] = await this.redis.pipeline().hgetall(hash).lrange(file, 0, -1).exec<[Record<string, unknown> | null, unknown[]]>();
    const attachment = this.open(userId, attachmentId, record);
    if (!attachment) return null;
    try {
      const bytes = Buffer.concat(
        parts.map((part, i) => Buffer.from(this.options.keyring.decrypt(String(part), this.context(userId, attachmentId, `b:${i}`)), "base64")),
      );
      return { attachment, bytes: new Uint8Array(bytes) };
    } catch (error) {
      return this.unreadable(error);
    }
  }

  async listConversation({ userId, conversationId }: { userId: string; conversationId: string }) {
    const members = (await this.redis.zrange<string[]>(this.conversationKey(userId, conversationId), 0, -1)).map(String);
    const ids = members.filter((m) => m.startsWith("s:")).map((m) => m.slice(2));
    const found = (await this.getMany({ userId, ids })).filter((a): a is Attachment => a !== null);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async listDrafts({ userId, conversationId }: { userId: string; conversationId: string | null }) {
    const drafts = this.draftsKey(userId);
    await this.redis.zremrangebyscore(drafts, "-inf", Date.now());
    const ids = (await this.redis.zrange<string[]>(drafts, 0, -1)).map(String);
    const found = (await this.getMany({ userId, ids })).filter((a): a is Attachment => a !== null && a.conversationId === conversationId);
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async bind({ userId, conversationId, ids, maxPerConversation }: Parameters<AttachmentStore["bind"]>[0]) {
    if (ids.length === 0) return;
    if (!ids.every((id) => ID.test(id))) throw attachmentNotFound();
    const keys = [this.draftsKey(userId), this.conversationKey(userId, conversationId), ...ids.flatMap((id) => this.keys(userId, id))];
    const bound = Number(await this.bindScript.exec(keys, [String(Date.now()), String(maxPerConversation), conversationId, String(this.ttlMs), ...ids]));
    if (bound === -1) throw attachmentNotFound();
    if (bound === 0) throw tooManyInConversation(maxPerConversation);
  }

  async touch({ userId, conversationId }: { userId: string; conversationId: string }) {
    const index = this.conversationKey(userId, conversationId);
    const members = (await this.redis.zrange<string[]>(index, 0, -1)).map(String);
    const sent = members.filter((m) => m.startsWith("s:")).map((m) => m.slice(2));
    if (sent.length === 0) return;
    const renew = this.redis.pipeline();
    for (const key of [index, ...sent.flatMap((id) => this.keys(userId, id))]) renew.pexpire(key, this.ttlMs);
    await renew.exec();
  }

  async remove({ userId, attachmentId }: { userId: string; attachmentId: string }) {
    if (!ID.test(attachmentId)) return false;
    const keys = this.keys(userId, attachmentId);
    const conv = await this.redis.hget<string>(keys[0], "conv");
    if (conv === null || conv === undefined) return false;
    const tx = this.redis.multi();
    tx.del(...keys);
    tx.zrem(this.draftsKey(userId), attachmentId);
    if (String(conv) !== "") tx.zrem(this.conversationKey(userId, String(conv)), `d:${attachmentId}`, `s:${attachmentId}`);
    const [deleted] = await tx.exec<[number, ...unknown[]]>();
    return Number(deleted) > 0;
  }

  async removeConversation({ userId, conversationId }: { userId: string; conversationId: string }) {
    const index = this.conversationKey(userId, conversationId);
    const ids = (await this.redis.zrange<string[]>(index, 0, -1)).map((m) => String(m).slice(2));
    const tx = this.redis.multi();
    if (ids.length > 0) {
      tx.del(...ids.flatMap((id) => this.keys(userId, id)));
      tx.zrem(this.draftsKey(userId), ...ids);
    }
    tx.del(index);
    const replies = await tx.exec<number[]>();
    // Each document has a hash; the file and text lists go with it.
    return ids.length > 0 ? Math.min(ids.length, Math.ceil(Number(replies[0]) / 3)) : 0;
  }

  async removeAll({ userId }: { userId: string }) {
    const base = this.base(userId);
    const keys = new Set<string>();
    let cursor = "0";
    do {
      const [next, found] = await this.redis.scan(cursor, { match: `${base}:*`, count: 500 });
      cursor = String(next);
      for (const key of found) keys.add(String(key));
    } while (cursor !== "0");
    const count = [...keys].filter((key) => ID.test(key.slice(base.length + 1))).length;
    const all = [...keys];
    for (let i = 0; i < all.length; i += 500) await this.redis.del(...all.slice(i, i + 500));
    return count;
  }

  private get ttlMs() {
    return this.options.ttlDays * 86_400_000;
  }

  private base(userId: string) {
    return storeKey(this.options.prefix, "att", userKey(userId));
  }

  /** The document's record, file and text keys. */
  private keys(userId: string, id: string): [string, string, string] {
    const record = `${this.base(userId)}:${id}`;
    return [record, `${record}:b`, `${record}:t`];
  }

  private draftsKey(userId: string) {
    return `${this.base(userId)}:drafts`;
  }

  private conversationKey(userId: string, conversationId: string) {
    return `${this.base(userId)}:c:${conversationId}`;
  }

  /** The associated data each ciphertext is bound to: its owner, its document and its part. */
  private context(userId: string, id: string, part: string) {
    return `att:${userKey(userId)}:${id}:${part}`;
  }

  private open(userId: string, id: string, record: Record<string, unknown> | null): Attachment | null {
    if (!record || record.m === undefined) return null;
    try {
      const meta = JSON.parse(this.options.keyring.decrypt(String(record.m), this.context(userId, id, "m"))) as SealedMeta;
      const conv = record.conv === undefined || record.conv === null ? "" : String(record.conv);
      return toAttachment(id, meta, conv === "" ? null : conv, Number(record.c));
    } catch (error) {
      return this.unreadable(error);
    }
  }

  /** A record no configured key opens (its key was removed from the list): treated as gone, and logged. */
  private unreadable(error: unknown): null {
    if (!(error instanceof DecryptError)) throw error;
    log.error("store.attachment_unreadable", { detail: "an attachment was encrypted with a key no longer in CONVERSATION_ENCRYPTION_KEY, or altered" });
    return null;
  }
}

/**
 * [start, end) ranges of at most `size` covering `length` (none for 0). Given the text, a range never
 * ends between the two halves of a surrogate pair, which UTF-8 could not encode on their own.
 */
function chunks(length: number, size: number, text?: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < length; ) {
    let end = Math.min(length, start + size);
    const last = text?.charCodeAt(end - 1) ?? 0;
    if (end < length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    out.push({ start, end });
    start = end;
  }
  return out;
}
