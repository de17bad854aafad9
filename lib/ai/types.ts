/** A turn of the prompt. The server alone decides every role: clients only ever send text. */
export type PromptMessage = { role: "system" | "user" | "assistant"; content: string };

export type Usage = { inputTokens: number; outputTokens: number };

/** What a provider's stream yields: pieces of text, then (at most once) the usage it reports. */
export type StreamPart = { type: "text"; text: string } | { type: "usage"; usage: Usage };

export type ChatRequest = {
  model: string;
  /** The system prompt first, then alternating user and assistant turns, ending with a user turn. */
  messages: PromptMessage[];
  maxOutputTokens: number;
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
