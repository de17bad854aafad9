import { z } from "zod";

/**
 * The only bodies POST /api/chat accepts. Strict: a client sends text and, optionally, which
 * conversation and which allowed model; any other field (`role`, `messages`, `system`…) is refused,
 * so a client can never supply a system or assistant turn. Or it answers a tool call that waits for
 * its approval, in a conversation, by the call's id: the server alone knows what the call does.
 */
export function chatRequestSchema({ modelIds, maxMessageChars }: { modelIds: readonly string[]; maxMessageChars: number }) {
  return z
    .strictObject({
      conversationId: z.uuid({ error: "must be the id of one of your conversations" }).optional(),
      message: z
        .string({ error: "must be text" })
        .refine((m) => m.trim().length > 0, { error: "must not be empty" })
        .refine((m) => m.length <= maxMessageChars, { error: `must be at most ${maxMessageChars} characters` })
        .optional(),
      model: z
        .string({ error: "must be text" })
        .refine((m) => modelIds.includes(m), { error: `must be one of the allowed models: ${modelIds.join(", ")}` })
        .optional(),
      toolApproval: z
        .strictObject({
          id: z.string({ error: "must be the id of the call to answer" }).regex(/^[A-Za-z0-9_-]{1,200}$/, { error: "must be the id of the call to answer" }),
          approve: z.boolean({ error: "must be true or false" }),
        })
        .optional(),
    })
    .superRefine((body, ctx) => {
      if (!body.toolApproval) {
        if (body.message === undefined) ctx.addIssue({ code: "custom", path: ["message"], message: "must be text" });
        return;
      }
      if (body.message !== undefined) ctx.addIssue({ code: "custom", path: ["message"], message: "must not be sent with toolApproval" });
      if (body.model !== undefined) ctx.addIssue({ code: "custom", path: ["model"], message: "must not be sent with toolApproval" });
      if (!body.conversationId) ctx.addIssue({ code: "custom", path: ["conversationId"], message: "is required with toolApproval" });
    });
}

export type ChatRequestBody = z.infer<ReturnType<typeof chatRequestSchema>>;
