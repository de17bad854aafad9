import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/errors";
import { MemoryNoteStore, NOTE_LIMITS, type Note } from "@/lib/notes/store";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const T0 = new Date("2026-03-01T12:00:00.000Z");
const ALICE = "credentials:alice@example.test";
// Starts with Alice's id: a store that matched owners by prefix would mix the two up.
const MALLORY = "credentials:alice@example.test.evil";

const newStore = () => new MemoryNoteStore();

/** The ApiError `run` rejects with, failing the test when it resolves or rejects with anything else. */
async function refusal(run: () => Promise<unknown>): Promise<ApiError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("MemoryNoteStore: add and list", () => {
  it("returns the saved note, and lists it whole", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore();
    expect(await store.list({ userId: ALICE })).toEqual([]);
    const note = await store.add({ userId: ALICE, title: "Wi-Fi", body: "The guest network is called Harbour." });
    expect(note).toEqual({ id: expect.stringMatching(UUID_V4), title: "Wi-Fi", body: "The guest network is called Harbour.", createdAt: T0.toISOString() });
    expect(await store.list({ userId: ALICE })).toEqual([note]);
  });

  it("lists newest first", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const store = newStore();
    const saved: Note[] = [];
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(T0.getTime() + i * 60_000);
      saved.push(await store.add({ userId: ALICE, title: `note ${i}`, body: "" }));
    }
    // Two in the same millisecond: the later one is still listed first.
    saved.push(await store.add({ userId: ALICE, title: "note 5", body: "" }));
    expect((await store.list({ userId: ALICE })).map((n) => n.title)).toEqual(["note 5", "note 4", "note 3", "note 2", "note 1", "note 0"]);
  });

  it("gives every note its own random UUID", async () => {
    const store = newStore();
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) ids.add((await store.add({ userId: `user-${i % 3}`, title: "same", body: "same" })).id);
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it("keeps the text exactly as given", async () => {
    const store = newStore();
    const title = "  Spaces, émoji 🦀 and <b>tags</b>  ";
    const body = "line one\n\tline two\u0000 after a NUL";
    await store.add({ userId: ALICE, title, body });
    expect(await store.list({ userId: ALICE })).toMatchObject([{ title, body }]);
  });
});

describe("MemoryNoteStore: sizes and the cap per user", () => {
  it("takes a title and a body at their limits, and refuses one character more, keeping nothing", async () => {
    const store = newStore();
    await store.add({ userId: ALICE, title: "t".repeat(NOTE_LIMITS.titleMaxChars), body: "b".repeat(NOTE_LIMITS.bodyMaxChars) });

    const longTitle = await refusal(() => store.add({ userId: ALICE, title: "t".repeat(NOTE_LIMITS.titleMaxChars + 1), body: "" }));
    expect(longTitle.code).toBe("invalid_request");
    expect(longTitle.status).toBe(400);
    expect(longTitle.extra.fields).toEqual({ title: "must be at most 120 characters" });

    const both = await refusal(() => store.add({ userId: ALICE, title: "t".repeat(121), body: "b".repeat(NOTE_LIMITS.bodyMaxChars + 1) }));
    expect(both.extra.fields).toEqual({ title: "must be at most 120 characters", body: "must be at most 4000 characters" });
    expect(both.message).not.toContain("tttt");

    expect(await store.list({ userId: ALICE })).toHaveLength(1);
  });

  it("are the numbers the tool's schema will use", () => {
    expect(NOTE_LIMITS).toEqual({ titleMaxChars: 120, bodyMaxChars: 4_000, maxPerUser: 200 });
  });

  it("refuses a note past maxPerUser with 409 note_limit_reached, for that user only, until one is deleted", async () => {
    const store = newStore();
    const first = await store.add({ userId: ALICE, title: "first", body: "" });
    for (let i = 1; i < NOTE_LIMITS.maxPerUser; i++) await store.add({ userId: ALICE, title: `note ${i}`, body: "" });

    const full = await refusal(() => store.add({ userId: ALICE, title: "one too many", body: "" }));
    expect(full.code).toBe("note_limit_reached");
    expect(full.status).toBe(409);
    expect(full.message).toMatch(/200 notes.*Delete some/);
    const listed = await store.list({ userId: ALICE });
    expect(listed).toHaveLength(NOTE_LIMITS.maxPerUser);
    expect(listed.map((n) => n.title)).not.toContain("one too many");

    // Someone else's notes are counted on their own.
    await expect(store.add({ userId: MALLORY, title: "mine", body: "" })).resolves.toMatchObject({ title: "mine" });

    expect(await store.remove({ userId: ALICE, noteId: first.id })).toBe(true);
    await expect(store.add({ userId: ALICE, title: "room again", body: "" })).resolves.toMatchObject({ title: "room again" });
  });

  it("bounds the whole process: past maxNotes the oldest note goes first", async () => {
    const store = new MemoryNoteStore({ maxNotes: 3 });
    for (const [userId, title] of [
      [ALICE, "a1"],
      [MALLORY, "m1"],
      [ALICE, "a2"],
      [MALLORY, "m2"],
    ] as const)
      await store.add({ userId, title, body: "" });
    expect((await store.list({ userId: ALICE })).map((n) => n.title)).toEqual(["a2"]);
    expect((await store.list({ userId: MALLORY })).map((n) => n.title)).toEqual(["m2", "m1"]);
  });
});

describe("MemoryNoteStore: a note is found only under its owner", () => {
  it("never lists, removes or counts another user's note, whatever id is passed", async () => {
    const store = newStore();
    const secret = await store.add({ userId: ALICE, title: "Alice's door code", body: "4711" });
    const others = ["mallory", MALLORY, "credentials:alice", "", "credentials:ALICE@example.test"];

    for (const userId of others) {
      expect(await store.list({ userId }), userId).toEqual([]);
      for (const noteId of [secret.id, secret.id.toUpperCase(), `${ALICE}\u0000${secret.id}`, `\u0000${secret.id}`, "*", ""]) {
        expect(await store.remove({ userId, noteId }), `${userId} removing ${noteId}`).toBe(false);
      }
      expect(await store.removeAll({ userId }), userId).toBe(0);
    }
    expect(await store.list({ userId: ALICE })).toEqual([secret]);
  });

  it("lets the owner remove a note once; a second time, or an unknown id, is false", async () => {
    const store = newStore();
    const keep = await store.add({ userId: ALICE, title: "keep", body: "" });
    const drop = await store.add({ userId: ALICE, title: "drop", body: "" });
    expect(await store.remove({ userId: ALICE, noteId: drop.id })).toBe(true);
    expect(await store.remove({ userId: ALICE, noteId: drop.id })).toBe(false);
    expect(await store.remove({ userId: ALICE, noteId: "00000000-0000-4000-8000-000000000000" })).toBe(false);
    expect(await store.list({ userId: ALICE })).toEqual([keep]);
  });
});

describe("MemoryNoteStore: removeAll", () => {
  it("deletes every note of the user and says how many, leaving other users' notes", async () => {
    const store = newStore();
    for (let i = 0; i < 3; i++) await store.add({ userId: ALICE, title: `a${i}`, body: "" });
    const mallorys = await store.add({ userId: MALLORY, title: "m", body: "" });
    expect(await store.removeAll({ userId: ALICE })).toBe(3);
    expect(await store.list({ userId: ALICE })).toEqual([]);
    expect(await store.removeAll({ userId: ALICE })).toBe(0);
    expect(await store.list({ userId: MALLORY })).toEqual([mallorys]);
    // A full account that deleted everything can save again.
    await expect(store.add({ userId: ALICE, title: "fresh start", body: "" })).resolves.toMatchObject({ title: "fresh start" });
  });
});
