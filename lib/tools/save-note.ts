import "server-only";
import { z } from "zod";
import { ApiError } from "../errors";
import { NOTE_LIMITS, noteStore } from "../notes/store";
import { storeOp } from "../store/call";
import { ToolFailure } from "./failure";
import { defineTool } from "./registry";

/**
 * `save_note {title, body}` (write-own-data): saves a note in the person's notes (lib/notes/), which
 * they can read and delete. It changes their data, so it never runs on the model's word alone: the
 * reply stops with the call and its exact arguments, and it runs only when the person approves those
 * (lib/chat/resume.ts). It writes under the caller's user id, the only identity a tool has.
 */
export const saveNote = defineTool({
  name: "save_note",
  description:
    "Save a short note (a title and a text) in the user's notes, when they ask you to remember or note something. The user must approve the exact note before it is saved.",
  args: z.strictObject({
    title: z.string().trim().min(1).max(NOTE_LIMITS.titleMaxChars),
    body: z.string().trim().min(1).max(NOTE_LIMITS.bodyMaxChars),
  }),
  privilege: "write-own-data",
  needsApproval: true,
  rateLimit: "20/60s",
  outputCapChars: 500,
  async run({ title, body }, { userId }) {
    const store = await storeOp("notes.open", noteStore);
    try {
      const note = await storeOp("notes.add", () => store.add({ userId, title, body }));
      return { content: `Saved the note "${note.title}".`, summary: `Saved the note "${note.title}"` };
    } catch (error) {
      // The store's refusals are written for the person (the cap of notes, a size limit).
      if (error instanceof ApiError && (error.code === "note_limit_reached" || error.code === "invalid_request"))
        throw new ToolFailure(error.code, error.message);
      throw error;
    }
  },
});
