import "server-only";
import type { Redis } from "@upstash/redis";
import { DecryptError, type Keyring } from "../crypto/keyring";
import { log } from "../log/logger";
import { storeKey, userKey } from "../store/keys";
import { assertNoteSize, NOTE_LIMITS, newNoteId, noteLimitReached, type Note, type NoteStore } from "./store";

/**
 * Notes on Redis: one hash per user, a field per note, its value the note (title, body and time as
 * JSON) encrypted with AES-256-GCM (lib/crypto/keyring.ts). Each ciphertext is bound to its user and
 * note id, so one moved to another field or another user's hash does not open. No TTL: a note stays
 * until its owner deletes it (store.ts says why).
 *
 *   <prefix>:notes:<userKey>     hash  note id → encrypted JSON {t, b, c}
 *
 * The key holds the user only as a hash (lib/store/keys.ts): a raw dump shows no email and no text.
 */
type Sealed = { t: string; b: string; c: number };

// Counted and written in one step, so saves in parallel, on any instance, cannot pass the cap together.
// -1: the id is taken (a random UUID colliding; nothing is overwritten).
const ADD = `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 0 then return -1 end
return 1`;

export class RedisNoteStore implements NoteStore {
  private readonly addScript;

  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; keyring: Keyring },
  ) {
    this.addScript = redis.createScript<number>(ADD);
  }

  async list({ userId }: { userId: string }) {
    const hash = await this.redis.hgetall<Record<string, unknown>>(this.key(userId));
    const notes: { note: Note; at: number }[] = [];
    let unreadable = 0;
    for (const [id, value] of Object.entries(hash ?? {})) {
      const opened = this.open(userId, id, String(value));
      if (opened) notes.push(opened);
      else unreadable += 1;
    }
    if (unreadable > 0) {
      // Left in place, not deleted: listing the key again brings them back. Until then they count
      // under the cap, and "delete all my data" removes them.
      log.error("store.note_unreadable", {
        count: unreadable,
        detail: "notes no configured key opens: encrypted with a key no longer in CONVERSATION_ENCRYPTION_KEY, or altered",
      });
    }
    // Newest first; two saved in the same millisecond keep one order, by id.
    return notes.sort((a, b) => b.at - a.at || (a.note.id < b.note.id ? -1 : 1)).map(({ note }) => note);
  }

  async add({ userId, title, body }: { userId: string; title: string; body: string }) {
    assertNoteSize({ title, body });
    const id = newNoteId();
    const createdAt = Date.now();
    const sealed = this.options.keyring.encrypt(JSON.stringify({ t: title, b: body, c: createdAt } satisfies Sealed), this.context(userId, id));
    const added = Number(await this.addScript.exec([this.key(userId)], [String(NOTE_LIMITS.maxPerUser), id, sealed]));
    if (added === 0) throw noteLimitReached();
    if (added !== 1) throw new Error("a new note's random id was taken");
    return { id, title, body, createdAt: new Date(createdAt).toISOString() };
  }

  async remove({ userId, noteId }: { userId: string; noteId: string }) {
    return Number(await this.redis.hdel(this.key(userId), noteId)) > 0;
  }

  async removeAll({ userId }: { userId: string }) {
    const [count] = await this.redis.multi().hlen(this.key(userId)).del(this.key(userId)).exec<[number, number]>();
    return Number(count);
  }

  private key(userId: string) {
    return storeKey(this.options.prefix, "notes", userKey(userId));
  }

  /** The associated data each ciphertext is bound to: its owner and its note. */
  private context(userId: string, noteId: string) {
    return `note:${userKey(userId)}:${noteId}`;
  }

  /** The note and its time (ms), or null when no configured key opens it (its key was removed from the list). */
  private open(userId: string, id: string, token: string): { note: Note; at: number } | null {
    try {
      const { t, b, c } = JSON.parse(this.options.keyring.decrypt(token, this.context(userId, id))) as Sealed;
      return { note: { id, title: t, body: b, createdAt: new Date(c).toISOString() }, at: c };
    } catch (error) {
      if (error instanceof DecryptError) return null;
      throw error;
    }
  }
}
