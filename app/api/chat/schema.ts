import { z } from "zod";

/**
 * The only body POST /api/chat accepts. Strict: a client sends text and, optionally, which
 * conversation and which allowed model; any other field (`role`, `messages`, `system`…) is refused,
 * so a client can never supply a system or assistant turn.
 */
export function chatRequestSchema({ modelIds, maxMessageChars }: { modelIds: readonly string[]; maxMessageChars: number }) {
  return z.strictObject({
    conversationId: z.uuid({ error: "must be the id of one of your conversations" }).optional(),
    message: z
      .string({ error: "must be text" })
      .refine((m) => m.trim().length > 0, { error: "must not be empty" })
      .refine((m) => m.length <= maxMessageChars, { error: `must be at most ${maxMessageChars} characters` }),
    model: z
      .string({ error: "must be text" })
      .refine((m) => modelIds.includes(m), { error: `must be one of the allowed models: ${modelIds.join(", ")}` })
      .optional(),
  });
}

export type ChatRequestBody = z.infer<ReturnType<typeof chatRequestSchema>>;
