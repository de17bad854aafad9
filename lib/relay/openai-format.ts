import type { DoneExtra, ReplyFormat } from "../ai/stream-format";
import type { Usage } from "../ai/types";

/**
 * Replies in OpenAI's Chat Completions shapes, so the official SDKs and the tools built on them
 * read this relay as they read OpenAI: `chat.completion` for a whole reply, `chat.completion.chunk`
 * events ending in `data: [DONE]` for a stream, with the usage chunk when the client asked for it
 * (`stream_options.include_usage`). An error after the stream began is an event holding `error`,
 * which the SDKs raise as an APIError.
 */
export type CompletionMeta = { id: string; created: number; model: string; maxOutputTokens: number };

const encoder = new TextEncoder();
const event = (data: unknown) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`);

export const openAiUsage = (usage: Usage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
});

/** `length` when the reply used every token it was allowed: the client may want to continue it. */
export const finishReason = (usage: Usage, maxOutputTokens: number) => (usage.outputTokens >= maxOutputTokens ? "length" : "stop");

export const OPENAI_SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-store, no-transform",
  "X-Accel-Buffering": "no",
  "X-Content-Type-Options": "nosniff",
} as const;

export function openAiChunkFormat(meta: CompletionMeta, { includeUsage }: { includeUsage: boolean }): ReplyFormat {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    event({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, system_fingerprint: null, choices, ...extra });
  let started = false;
  // The first chunk names the role, as OpenAI's does; a reply with no text still sends it.
  const delta = (text: string) => {
    const first = !started;
    started = true;
    return first ? { role: "assistant", content: text, refusal: null } : { content: text };
  };
  return {
    headers: OPENAI_SSE_HEADERS,
    text: (text) => chunk([{ index: 0, delta: delta(text), logprobs: null, finish_reason: null }]),
    error: ({ code, message }) => event({ error: { message, type: "api_error", param: null, code } }),
    done: (usage: Usage, _extra: DoneExtra | undefined) => {
      const parts = [
        ...(started ? [] : [chunk([{ index: 0, delta: delta(""), logprobs: null, finish_reason: null }])]),
        chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason(usage, meta.maxOutputTokens) }], includeUsage ? { usage: null } : {}),
        ...(includeUsage ? [chunk([], { usage: openAiUsage(usage) })] : []),
        encoder.encode("data: [DONE]\n\n"),
      ];
      return Buffer.concat(parts);
    },
    // The relay offers the model no tools, so no tool activity is ever written.
    event: () => null,
  };
}

/** For a reply returned whole: nothing goes on the wire while it is written. */
export const SILENT_FORMAT: ReplyFormat = {
  headers: {},
  text: () => new Uint8Array(),
  error: () => new Uint8Array(),
  done: () => new Uint8Array(),
  event: () => null,
};

export function completionBody(meta: CompletionMeta, { text, usage }: { text: string; usage: Usage }) {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [
      { index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: finishReason(usage, meta.maxOutputTokens) },
    ],
    usage: openAiUsage(usage),
  };
}
