import { randomUUID } from "node:crypto";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { ApiError } from "../errors";
import { tooManyDraftsMessage } from "./messages";
import { storeBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";
import type { Attachment, AttachmentFinding, AttachmentRef, AttachmentType } from "../wire";

export type { Attachment, AttachmentRef };

/**
 * Documents people attach to chat messages: the file as uploaded (for its owner to download), the
 * text read from it (for the prompt), and what the checks found. Every call names the user, and a
 * document is found only under its owner: someone else's id behaves exactly like an id that does not
 * exist, in the data layer itself.
 *
 * A document starts as a *draft*: uploaded, not yet sent. It may name the conversation it was
 * uploaded in; a draft from a new chat names none yet. Sending it in a message (`bind`) ties it to
 * that message's conversation for good: from then on it lives as long as the conversation (its
 * expiry is renewed with it, `touch`), is deleted with it (`removeConversation`) and with "Delete all
 * my data" (`removeAll`), and only messages of that conversation can use it. A draft nobody sends
 * expires after DRAFT_TTL_MS.
 *
 * Two implementations: this process (below) and Redis, encrypted at rest (redis-store.ts).
 */

/** How long an uploaded document waits to be sent before it is dropped. */
export const DRAFT_TTL_MS = 24 * 3_600_000;

/** What the upload read and found, stored beside the file. */
export type AttachmentMeta = { name: string; size: number; type: AttachmentType; pages?: number; chars: number; findings: AttachmentFinding[] };

type Owned = { userId: string; attachmentId: string };

/** The caps a write is checked against (ATTACHMENTS_MAX_PER_*). */
export type AttachmentCaps = { maxPerConversation: number; maxDrafts: number };

export interface AttachmentStore {
  /**
   * Keeps a new draft and returns it. Throws `too_many_attachments` when the user already has
   * `maxDrafts` unsent documents, or when the named conversation already holds (sent and drafted)
   * `maxPerConversation`; the count and the write are one step.
   */
  add(args: {
    userId: string;
    conversationId: string | null;
    meta: AttachmentMeta;
    bytes: Uint8Array;
    text: string;
    caps: AttachmentCaps;
  }): Promise<Attachment>;
  /** The documents with these ids, in order; null for an id this user has no document under. */
  getMany(args: { userId: string; ids: string[] }): Promise<(Attachment | null)[]>;
  /** The text read from the document; null when there is none under this user. */
  text(args: Owned): Promise<string | null>;
  /** The file as uploaded, for its owner's download; null when there is none under this user. */
  file(args: Owned): Promise<{ attachment: Attachment; bytes: Uint8Array } | null>;
  /** The documents sent in the conversation, oldest first. */
  listConversation(args: { userId: string; conversationId: string }): Promise<Attachment[]>;
  /**
   * The user's drafts uploaded in this conversation, or in a new chat (`conversationId` null), oldest
   * first: what the composer had attached when the page was closed or reloaded.
   */
  listDrafts(args: { userId: string; conversationId: string | null }): Promise<Attachment[]>;
  /**
   * Ties drafts to the conversation they were sent in (ids already sent there are left as they are).
   * Throws `attachment_not_found` for an id that is not this user's draft for this conversation (or a
   * new chat's), and `too_many_attachments` when the conversation would pass `maxPerConversation`.
   */
  bind(args: { userId: string; conversationId: string; ids: string[]; maxPerConversation: number }): Promise<void>;
  /** Renews the expiry of the conversation's documents, with the conversation's own (CONVERSATION_TTL_DAYS). */
  touch(args: { userId: string; conversationId: string }): Promise<void>;
  /** false when this user has no such document. */
  remove(args: Owned): Promise<boolean>;
  /** Deletes the conversation's documents, sent and drafted; returns how many there were. */
  removeConversation(args: { userId: string; conversationId: string }): Promise<number>;
  /** Deletes every document of the user; returns how many there were. */
  removeAll(args: { userId: string }): Promise<number>;
}

/** A new document id: a random UUID (122 random bits), so one user cannot guess another's. */
export const newAttachmentId = (): string => randomUUID();

export const attachmentNotFound = () =>
  new ApiError(
    "attachment_not_found",
    "That attachment does not exist, or not in this conversation. It may have been removed or have expired: attach the file again.",
  );

export function tooManyDrafts(max: number): ApiError {
  return new ApiError("too_many_attachments", tooManyDraftsMessage(max), { limit: "attachments_per_message" });
}

export function tooManyInConversation(max: number): ApiError {
  return new ApiError(
    "too_many_attachments",
    `This conversation already holds ${max} documents, the most it can. Start a new chat, or delete one of its documents, then attach this file again.`,
    { limit: "attachments_per_conversation" },
  );
}

export const toAttachment = (id: string, meta: AttachmentMeta, conversationId: string | null, createdAt: number): Attachment => ({
  id,
  name: meta.name,
  size: meta.size,
  type: meta.type,
  ...(meta.pages !== undefined && { pages: meta.pages }),
  chars: meta.chars,
  findings: meta.findings,
  conversationId,
  createdAt: new Date(createdAt).toISOString(),
});

export const refOf = ({ id, name, size, type }: Attachment): AttachmentRef => ({ id, name, size, type });

type MemoryEntry = {
  userId: string;
  meta: AttachmentMeta;
  bytes: Uint8Array;
  text: string;
  conversationId: string | null;
  sent: boolean;
  createdAt: number;
  /** ms; a draft's is fixed, a sent document's follows its conversation. */
  expiresAt: number;
};

/** This process only: for development and single-instance deployments. Same caps, same expiry, and a bound on the whole process. */
export class MemoryAttachmentStore implements AttachmentStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private bytesHeld = 0;

  constructor(private readonly options: { ttlDays: number; maxBytes: number } = { ttlDays: 30, maxBytes: 256 * 1_048_576 }) {}

  async add({ userId, conversationId, meta, bytes, text, caps }: Parameters<AttachmentStore["add"]>[0]) {
    this.sweep();
    const mine = [...this.entries.values()].filter((e) => e.userId === userId);
    if (mine.filter((e) => !e.sent).length >= caps.maxDrafts) throw tooManyDrafts(caps.maxDrafts);
    if (conversationId && mine.filter((e) => e.conversationId === conversationId).length >= caps.maxPerConversation) {
      throw tooManyInConversation(caps.maxPerConversation);
    }
    const id = newAttachmentId();
    const now = Date.now();
    const entry: MemoryEntry = { userId, meta, bytes: new Uint8Array(bytes), text, conversationId, sent: false, createdAt: now, expiresAt: now + DRAFT_TTL_MS };
    this.entries.set(memoryKey(userId, id), entry);
    this.bytesHeld += entry.bytes.byteLength + entry.text.length * 2;
    // The oldest go first when the process holds more than its bound.
    for (const [key, oldest] of this.entries) {
      if (this.bytesHeld <= this.options.maxBytes || this.entries.size <= 1) break;
      this.drop(key, oldest);
    }
    return toAttachment(id, meta, conversationId, now);
  }

  async getMany({ userId, ids }: { userId: string; ids: string[] }) {
    return ids.map((id) => {
      const entry = this.live(userId, id);
      return entry ? toAttachment(id, entry.meta, entry.conversationId, entry.createdAt) : null;
    });
  }

  async text({ userId, attachmentId }: Owned) {
    return this.live(userId, attachmentId)?.text ?? null;
  }

  async file({ userId, attachmentId }: Owned) {
    const entry = this.live(userId, attachmentId);
    if (!entry) return null;
    return { attachment: toAttachment(attachmentId, entry.meta, entry.conversationId, entry.createdAt), bytes: new Uint8Array(entry.bytes) };
  }

  async listConversation({ userId, conversationId }: { userId: string; conversationId: string }) {
    this.sweep();
    const found: Attachment[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.userId === userId && entry.sent && entry.conversationId === conversationId) {
        found.push(toAttachment(key.slice(ownerPrefix(userId).length), entry.meta, conversationId, entry.createdAt));
      }
    }
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async listDrafts({ userId, conversationId }: { userId: string; conversationId: string | null }) {
    this.sweep();
    const found: Attachment[] = [];
    for (const [key, entry] of this.entries) {
      if (entry.userId === userId && !entry.sent && entry.conversationId === conversationId) {
        found.push(toAttachment(key.slice(ownerPrefix(userId).length), entry.meta, conversationId, entry.createdAt));
      }
    }
    return found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async bind({ userId, conversationId, ids, maxPerConversation }: Parameters<AttachmentStore["bind"]>[0]) {
    this.sweep();
    const entries = ids.map((id) => this.live(userId, id));
    for (const entry of entries) {
      if (!entry || (entry.conversationId !== null && entry.conversationId !== conversationId)) throw attachmentNotFound();
    }
    const held = [...this.entries.values()].filter((e) => e.userId === userId && e.conversationId === conversationId).length;
    const joining = entries.filter((e) => e?.conversationId === null).length;
    if (held + joining > maxPerConversation) throw tooManyInConversation(maxPerConversation);
    const expiresAt = Date.now() + this.ttlMs;
    for (const entry of entries) {
      if (!entry) continue;
      entry.conversationId = conversationId;
      entry.sent = true;
      entry.expiresAt = expiresAt;
    }
  }

  async touch({ userId, conversationId }: { userId: string; conversationId: string }) {
    const expiresAt = Date.now() + this.ttlMs;
    for (const entry of this.entries.values())
      if (entry.userId === userId && entry.sent && entry.conversationId === conversationId) entry.expiresAt = expiresAt;
  }

  async remove({ userId, attachmentId }: Owned) {
    const key = memoryKey(userId, attachmentId);
    const entry = this.live(userId, attachmentId);
    if (entry) this.drop(key, entry);
    return !!entry;
  }

  async removeConversation({ userId, conversationId }: { userId: string; conversationId: string }) {
    return this.removeWhere((e) => e.userId === userId && e.conversationId === conversationId);
  }

  async removeAll({ userId }: { userId: string }) {
    return this.removeWhere((e) => e.userId === userId);
  }

  private removeWhere(match: (entry: MemoryEntry) => boolean): number {
    this.sweep();
    let count = 0;
    for (const [key, entry] of [...this.entries]) {
      if (!match(entry)) continue;
      this.drop(key, entry);
      count += 1;
    }
    return count;
  }

  private get ttlMs() {
    return this.options.ttlDays * 86_400_000;
  }

  private live(userId: string, id: string): MemoryEntry | null {
    const key = memoryKey(userId, id);
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt > Date.now()) return entry;
    this.drop(key, entry);
    return null;
  }

  private drop(key: string, entry: MemoryEntry) {
    if (this.entries.delete(key)) this.bytesHeld -= entry.bytes.byteLength + entry.text.length * 2;
  }

  private sweep() {
    const now = Date.now();
    for (const [key, entry] of [...this.entries]) if (entry.expiresAt <= now) this.drop(key, entry);
  }
}

// A NUL cannot occur in a user id or a UUID, so two different pairs never make the same key.
const ownerPrefix = (userId: string) => `${userId}\u0000`;
const memoryKey = (userId: string, id: string) => `${ownerPrefix(userId)}${id}`;

/** The documents of this process, on the configured backend: in memory, or on Redis encrypted at rest. */
export function attachmentStore(): Promise<AttachmentStore> {
  return oncePerProcess("store.attachments", async () => {
    const backend = await storeBackend();
    const { conversations } = env();
    if (backend.kind === "memory") return new MemoryAttachmentStore({ ttlDays: conversations.ttlDays, maxBytes: 256 * 1_048_576 });
    const { RedisAttachmentStore } = await import("./redis-store");
    return new RedisAttachmentStore(backend.redis, {
      prefix: backend.prefix,
      ttlDays: conversations.ttlDays,
      keyring: new Keyring(conversations.encryptionKeys),
    });
  });
}
