import { z } from "zod";

/**
 * The `:id` of DELETE /api/notes/:id. Notes are named by random UUIDs (lib/notes/store.ts); anything
 * else is a malformed request (400), told apart from a well-formed id this user has no note under (404).
 */
export const noteParamsSchema = z.strictObject({
  id: z.uuid({ error: "must be a note id (a UUID)" }),
});

export type NoteParams = z.infer<typeof noteParamsSchema>;
