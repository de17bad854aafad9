import { z } from "zod";

/**
 * The body of POST /api/v1/chat/completions: OpenAI's Chat Completions request, the part of it this
 * relay serves. Strict, so a feature it does not serve (tools, images, n > 1, logprobs, a JSON
 * response format) is a clear 400 naming the field, never silently dropped. Sampling settings are
 * accepted (SDKs and tools send them) and not forwarded: the server decides them, as for the chat UI.
 * So are the fields that name the end user (`user`, `safety_identifier`, `metadata`): the provider is
 * told the key owner's keyed id (lib/ai/provider-user-id.ts) and nothing a client wrote, which could be
 * an email address or another user's id.
 * Roles: `user` and `assistant` only. `system` and `developer` are refused, because the server
 * alone writes the instructions (its system prompt and the canary that guards it).
 */
const textPart = z.strictObject({
  type: z.literal("text", {
    error: "must be text: this relay takes text parts only, not images, audio or files (documents can be attached in the chat app, not through this API)",
  }),
  text: z.string({ error: "must be text" }),
});

const content = (maxChars: number) =>
  z
    .union([z.string(), z.array(textPart, { error: "must be text or a list of text parts" })], {
      error:
        "must be text or a list of text parts: this relay takes no images, audio or files (documents can be attached in the chat app, not through this API)",
    })
    .transform((c) => (typeof c === "string" ? c : c.map((part) => part.text).join("")))
    .refine((c) => c.length <= maxChars, { error: `must be at most ${maxChars} characters` });

const sampling = z.number({ error: "must be a number" }).nullable().optional();
const nullableOff = (what: string) =>
  z
    .unknown()
    .refine((v) => v === undefined || v === null || v === false, { error: `is not supported by this relay (${what})` })
    .optional();

export function completionRequestSchema({ maxMessageChars }: { maxMessageChars: number }) {
  const message = z.strictObject({
    role: z.enum(["user", "assistant", "system", "developer"], { error: "must be user or assistant" }).refine((r) => r === "user" || r === "assistant", {
      error: "must be user or assistant: this service writes the system instructions itself, so send your instructions as part of a user message",
    }),
    content: content(maxMessageChars),
    name: z.string({ error: "must be text" }).max(64, { error: "must be at most 64 characters" }).optional(),
  });
  return z.strictObject({
    model: z.string({ error: "must be a model id from GET /api/v1/models" }).min(1, { error: "must be a model id from GET /api/v1/models" }),
    messages: z
      .array(message, { error: "must be a list of messages" })
      .min(1, { error: "must hold at least one message" })
      .max(200, { error: "must hold at most 200 messages" })
      .refine((list) => list.at(-1)?.role === "user", { error: "must end with a user message" }),
    stream: z.boolean({ error: "must be true or false" }).nullable().optional(),
    stream_options: z
      .strictObject({ include_usage: z.boolean({ error: "must be true or false" }).optional() })
      .nullable()
      .optional(),
    max_tokens: z.number().int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" }).nullable().optional(),
    max_completion_tokens: z.number().int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" }).nullable().optional(),
    n: z
      .number()
      .nullable()
      .optional()
      .refine((n) => n === undefined || n === null || n === 1, { error: "must be 1: this relay writes one reply per request" }),
    temperature: sampling,
    top_p: sampling,
    presence_penalty: sampling,
    frequency_penalty: sampling,
    seed: z.number({ error: "must be a number" }).int({ error: "must be a whole number" }).nullable().optional(),
    user: z.string({ error: "must be text" }).max(256, { error: "must be at most 256 characters" }).optional(),
    safety_identifier: z.string({ error: "must be text" }).max(256, { error: "must be at most 256 characters" }).nullable().optional(),
    // OpenAI's shape: at most 16 pairs, keys up to 64 characters, values up to 512.
    metadata: z
      .record(
        z.string().max(64, { error: "keys must be at most 64 characters" }),
        z.string({ error: "values must be text" }).max(512, { error: "values must be at most 512 characters" }),
        { error: "must be an object of text values" },
      )
      .refine((m) => Object.keys(m).length <= 16, { error: "must hold at most 16 pairs" })
      .nullable()
      .optional(),
    store: z.boolean({ error: "must be true or false" }).nullable().optional(),
    stop: nullableOff("stop sequences"),
    tools: nullableOff("tools and function calling"),
    tool_choice: nullableOff("tools and function calling"),
    logprobs: nullableOff("log probabilities"),
    response_format: z
      .strictObject({ type: z.literal("text", { error: "must be text: this relay does not produce JSON output modes" }) })
      .nullable()
      .optional(),
  });
}

export type CompletionRequest = z.infer<ReturnType<typeof completionRequestSchema>>;
