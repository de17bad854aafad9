import "server-only";
import Anthropic from "@anthropic-ai/sdk";
import type { ChatProvider, ChatRequest, StreamPart } from "../ai/types";
import { sdkProvider } from "./sdk-provider";

/** Anthropic's Messages API; the system prompt travels in its own field, never as a turn. */
export function anthropicProvider({ apiKey, baseURL, timeoutMs }: { apiKey: string; baseURL: string | undefined; timeoutMs: number }): ChatProvider {
  const client = new Anthropic({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 1 });

  async function* run({ model, messages, maxOutputTokens, signal, endUserId }: ChatRequest): AsyncIterable<StreamPart> {
    const system = messages
      .filter((m) => m.role === "system")
      .map((m) => m.content)
      .join("\n\n");
    const turns = messages.flatMap((m) => (m.role === "system" ? [] : [{ role: m.role, content: m.content }]));
    const stream = await client.messages.create(
      // metadata.user_id: the keyed id of the person (Anthropic asks for an opaque one), never their email.
      { model, system, messages: turns, max_tokens: maxOutputTokens, stream: true, metadata: { user_id: endUserId } },
      { signal },
    );
    let inputTokens = 0;
    let outputTokens = 0;
    for await (const event of stream) {
      if (event.type === "message_start") inputTokens = event.message.usage.input_tokens;
      else if (event.type === "content_block_delta" && event.delta.type === "text_delta") yield { type: "text", text: event.delta.text };
      else if (event.type === "message_delta") outputTokens = event.usage.output_tokens;
    }
    yield { type: "usage", usage: { inputTokens, outputTokens } };
  }

  return sdkProvider({ run, errors: Anthropic });
}
