import { z } from "zod";
import { TITLE_MAX_CHARS } from "@/lib/ai/titles";

/** The one body PATCH /api/conversations/:id accepts: a new title. */
export const renameSchema = z.strictObject({
  title: z
    .string({ error: "must be text" })
    .transform((t) => t.replace(/\s+/g, " ").trim())
    .refine((t) => t.length > 0, { error: "must not be empty" })
    .refine((t) => t.length <= TITLE_MAX_CHARS, { error: `must be at most ${TITLE_MAX_CHARS} characters` }),
});

export type RenameBody = z.infer<typeof renameSchema>;

/** Conversation ids are UUIDs; anything else cannot name one, so it gets the same 404. */
export const isConversationId = (id: string | undefined): id is string => z.uuid().safeParse(id).success;
