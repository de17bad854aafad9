import { randomUUID } from "node:crypto";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { ApiError } from "../errors";
import { storeBackend } from "../store/backend";
import { oncePerProcess } from "../store/once";
import type { Note } from "../wire";

export type { Note };

/**
 * The user's notes: saved by the `save_note` tool once the user has approved it, listed and deleted
 * by the user. Every call names the user, and a note is found only under its owner: someone else's
 * note id behaves exactly like an id that does not exist, in the data layer itself, so no route or
 * tool can forget the check. Two implementations: this process (below) and Redis, encrypted at rest
 * (redis-store.ts).
 *
 * Notes do not expire. The user chose to keep each one, so it stays until they delete it (or all
 * their data); the cap per user bounds what one account holds instead. Conversations, which nobody
 * saved on purpose, expire after CONVERSATION_TTL_DAYS.
 */

/**
 * The most a note and a user may hold. Lengths are in characters as JavaScript and zod count them
 * (UTF-16 code units), so the tool's schema can use these numbers and agree with the store.
 */
export const NOTE_LIMITS = {
  /** Longest title. */
  titleMaxChars: 120,
  /** Longest body. */
  bodyMaxChars: 4_000,
  /** Notes one user may keep; saving another is refused (409 `note_limit_reached`) until they delete some. */
  maxPerUser: 200,
} as const satisfies Record<string, number>;

type Owned = { userId: string; noteId: string };

export interface NoteStore {
  /** The user's notes, newest first, each whole (they are short). */
  list(args: { userId: string }): Promise<Note[]>;
  /**
   * Saves a new note under a random id and returns it. Throws ApiError `invalid_request` for a title
   * or body longer than NOTE_LIMITS allows, and `note_limit_reached` when the user already keeps
   * `maxPerUser` notes; the count and the write are one step, so saves in parallel cannot pass it.
   */
  add(args: { userId: string; title: string; body: string }): Promise<Note>;
  /** false when this user has no such note. */
  remove(args: Owned): Promise<boolean>;
  /** Deletes every note of the user; returns how many there were. */
  removeAll(args: { userId: string }): Promise<number>;
}

/** The store's own check of a note's size: whoever calls it (the tool, a later route), nothing longer is kept. */
export function assertNoteSize({ title, body }: { title: string; body: string }): void {
  const fields: Record<string, string> = {};
  if (title.length > NOTE_LIMITS.titleMaxChars) fields.title = `must be at most ${NOTE_LIMITS.titleMaxChars} characters`;
  if (body.length > NOTE_LIMITS.bodyMaxChars) fields.body = `must be at most ${NOTE_LIMITS.bodyMaxChars} characters`;
  const problems = Object.entries(fields);
  if (problems.length === 0) return;
  throw new ApiError("invalid_request", `The note was not saved: ${problems.map(([name, problem]) => `its ${name} ${problem}`).join("; ")}.`, { fields });
}

export const noteLimitReached = () =>
  new ApiError(
    "note_limit_reached",
    `You have ${NOTE_LIMITS.maxPerUser} notes, the most you can keep. Delete some you no longer need, then save this one again.`,
  );

/** A new note id: a random UUID (122 random bits), so one user cannot guess another's. */
export const newNoteId = (): string => randomUUID();

type MemoryNote = { title: string; body: string; createdAt: number };

/** This process only: for development and single-instance deployments. Same caps, and a bound on the whole process. */
export class MemoryNoteStore implements NoteStore {
  // Oldest first (a note is never updated), so the oldest go first when the process-wide cap is reached.
  private readonly notes = new Map<string, MemoryNote>();

  constructor(private readonly options: { maxNotes: number } = { maxNotes: 10_000 }) {}

  async list({ userId }: { userId: string }) {
    const prefix = ownerPrefix(userId);
    const found: Note[] = [];
    for (const [key, note] of this.notes) if (key.startsWith(prefix)) found.push(toNote(key.slice(prefix.length), note));
    return found.reverse();
  }

  async add({ userId, title, body }: { userId: string; title: string; body: string }) {
    assertNoteSize({ title, body });
    const prefix = ownerPrefix(userId);
    // Counted and written with no await between: nothing else runs in this process meanwhile.
    let held = 0;
    for (const key of this.notes.keys()) if (key.startsWith(prefix)) held += 1;
    if (held >= NOTE_LIMITS.maxPerUser) throw noteLimitReached();
    const id = newNoteId();
    const note: MemoryNote = { title, body, createdAt: Date.now() };
    this.notes.set(`${prefix}${id}`, note);
    for (const oldest of this.notes.keys()) {
      if (this.notes.size <= this.options.maxNotes) break;
      this.notes.delete(oldest);
    }
    return toNote(id, note);
  }

  async remove({ userId, noteId }: Owned) {
    return this.notes.delete(`${ownerPrefix(userId)}${noteId}`);
  }

  async removeAll({ userId }: { userId: string }) {
    const prefix = ownerPrefix(userId);
    let count = 0;
    for (const key of [...this.notes.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.notes.delete(key);
      count += 1;
    }
    return count;
  }
}

// A NUL cannot occur in a user id or a UUID, so two different pairs never make the same key.
const ownerPrefix = (userId: string) => `${userId}\u0000`;

const toNote = (id: string, { title, body, createdAt }: MemoryNote): Note => ({ id, title, body, createdAt: new Date(createdAt).toISOString() });

/** The notes of this process, on the configured backend: in memory, or on Redis encrypted at rest. */
export function noteStore(): Promise<NoteStore> {
  return oncePerProcess("store.notes", async () => {
    const backend = await storeBackend();
    if (backend.kind === "memory") return new MemoryNoteStore();
    const { RedisNoteStore } = await import("./redis-store");
    return new RedisNoteStore(backend.redis, { prefix: backend.prefix, keyring: new Keyring(env().conversations.encryptionKeys) });
  });
}
