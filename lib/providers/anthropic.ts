import "server-only";
import Anthropic from "@anthropic-ai/sdk";
import type { ContentBlockParam, MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import type { ChatProvider, ChatRequest, PromptMessage, StreamPart, ToolSpec } from "../ai/types";
import { sdkProvider } from "./sdk-provider";

/** Anthropic's Messages API; the system prompt travels in its own field, never as a turn. */
export function anthropicProvider({ apiKey, baseURL, timeoutMs }: { apiKey: string; baseURL: string | undefined; timeoutMs: number }): ChatProvider {
  const client = new Anthropic({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 1 });

  async function* run({ model, messages, maxOutputTokens, signal, endUserId, tools }: ChatRequest): AsyncIterable<StreamPart> {
    const system = messages
      .filter((m) => m.role === "system")
      .map((m) => m.content)
      .join("\n\n");
    const stream = await client.messages.create(
      {
        model,
        system,
        messages: toAnthropicTurns(messages),
        ...(tools && tools.length > 0 && { tools: tools.map(toAnthropicTool) }),
        max_tokens: maxOutputTokens,
        stream: true,
        // metadata.user_id: the keyed id of the person (Anthropic asks for an opaque one), never their email.
        metadata: { user_id: endUserId },
      },
      { signal },
    );
    let inputTokens = 0;
    let outputTokens = 0;
    // A tool_use block streams its input as pieces of JSON; it is whole when the block stops.
    const calls = new Map<number, { id: string; name: string; argsJson: string }>();
    for await (const event of stream) {
      if (event.type === "message_start") inputTokens = event.message.usage.input_tokens;
      else if (event.type === "content_block_start" && event.content_block.type === "tool_use") {
        calls.set(event.index, { id: event.content_block.id, name: event.content_block.name, argsJson: "" });
      } else if (event.type === "content_block_delta" && event.delta.type === "text_delta") yield { type: "text", text: event.delta.text };
      else if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        const call = calls.get(event.index);
        if (call) call.argsJson += event.delta.partial_json;
      } else if (event.type === "content_block_stop") {
        const call = calls.get(event.index);
        if (call) {
          calls.delete(event.index);
          yield { type: "tool-call", call };
        }
      } else if (event.type === "message_delta") outputTokens = event.usage.output_tokens;
    }
    yield { type: "usage", usage: { inputTokens, outputTokens } };
  }

  return sdkProvider({ run, errors: Anthropic });
}

/**
 * The turns after the system prompt, in the Messages API's shape: an assistant turn's tool calls
 * become tool_use blocks, and the results that follow it go back together in the next user turn,
 * as tool_result blocks (the API wants every result of a turn in one message).
 */
export function toAnthropicTurns(messages: readonly PromptMessage[]): MessageParam[] {
  const turns: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    if (message.role === "tool") {
      const result: ContentBlockParam = { type: "tool_result", tool_use_id: message.toolCallId, content: message.content };
      const last = turns.at(-1);
      if (last?.role === "user" && Array.isArray(last.content) && last.content.every((b) => b.type === "tool_result")) last.content.push(result);
      else turns.push({ role: "user", content: [result] });
      continue;
    }
    if (message.role === "assistant" && message.toolCalls && message.toolCalls.length > 0) {
      const blocks: ContentBlockParam[] = message.content ? [{ type: "text", text: message.content }] : [];
      for (const call of message.toolCalls) blocks.push({ type: "tool_use", id: call.id, name: call.name, input: parseInput(call.argsJson) });
      turns.push({ role: "assistant", content: blocks });
      continue;
    }
    turns.push({ role: message.role, content: message.content });
  }
  return turns;
}

/** A call's arguments as the object the API wants back; a call whose JSON was broken was refused, and is echoed as empty. */
function parseInput(argsJson: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argsJson || "{}");
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toAnthropicTool(tool: ToolSpec): Tool {
  return { name: tool.name, description: tool.description, input_schema: { ...tool.parameters, type: "object" } };
}
