import { z } from "zod";

/**
 * The only bodies POST /api/chat accepts. Strict: a client sends text and, optionally, which
 * conversation and which allowed model; any other field (`role`, `messages`, `system`…) is refused,
 * so a client can never supply a system or assistant turn. A message may carry documents the user
 * uploaded (`attachments`, ids from POST /api/attachments). Or it answers a tool call that waits for
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
      // The cap per message (ATTACHMENTS_MAX_PER_MESSAGE) is the route's, with its own error; this
      // bound only keeps a hostile body small.
      attachments: z
        .array(z.uuid({ error: "must be the id of a document you attached" }), { error: "must be a list of attachment ids" })
        .max(200, { error: "must list at most 200 attachments" })
        .refine((ids) => new Set(ids).size === ids.length, { error: "must not list the same attachment twice" })
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
      if (body.attachments !== undefined) ctx.addIssue({ code: "custom", path: ["attachments"], message: "must not be sent with toolApproval" });
      if (!body.conversationId) ctx.addIssue({ code: "custom", path: ["conversationId"], message: "is required with toolApproval" });
    });
}

export type ChatRequestBody = z.infer<ReturnType<typeof chatRequestSchema>>;
