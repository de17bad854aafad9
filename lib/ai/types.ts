import type { ToolEvent } from "../wire";

/** A call the model asked for: the tool's name and the arguments as the JSON text it wrote. */
export type ToolCallRequest = { id: string; name: string; argsJson: string };

/**
 * A turn of the prompt. The server alone decides every role: clients only ever send text. An
 * assistant turn may carry the tool calls the model made; each call's result comes back as a `tool`
 * turn (untrusted text, fenced by the caller).
 */
export type PromptMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCallRequest[] }
  | { role: "tool"; toolCallId: string; name: string; content: string };

/** A tool as a provider is told about it: name, description, and the JSON Schema of its arguments. */
export type ToolSpec = { name: string; description: string; parameters: Record<string, unknown> };

export type Usage = { inputTokens: number; outputTokens: number };

/**
 * What a provider's stream yields: pieces of text, the tool calls the model made (each once, whole,
 * after its arguments have streamed in), then (at most once) the usage it reports.
 */
export type StreamPart =
  | { type: "text"; text: string }
  | { type: "tool-call"; call: ToolCallRequest }
  | { type: "usage"; usage: Usage }
  /** What the tool loop (lib/chat/tool-loop.ts) tells the person about the calls it ran: never from a provider. */
  | { type: "event"; event: ToolEvent };

export type ChatRequest = {
  model: string;
  /** The system prompt first, then alternating user and assistant turns, ending with a user turn. */
  messages: PromptMessage[];
  maxOutputTokens: number;
  /** The tools the model may call in this step; none when absent. */
  tools?: ToolSpec[];
  /** Aborted when the client disconnects, presses Stop, or the timeout passes. */
  signal: AbortSignal;
  /**
   * Who asked, as the provider may know it: the keyed, opaque `providerUserId` (lib/ai/provider-user-id.ts),
   * sent as OpenAI's `safety_identifier` and Anthropic's `metadata.user_id`. Never an email or a raw user id.
   */
  endUserId: string;
  /** Who asked, for the audit event if a provider key fails over during this request. */
  origin?: { userId: string; route: string; requestId: string };
};

/** One streaming interface for every provider. */
export interface ChatProvider {
  stream(request: ChatRequest): AsyncIterable<StreamPart>;
}
