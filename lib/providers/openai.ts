import "server-only";
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { ChatProvider, ChatRequest, PromptMessage, StreamPart, ToolSpec } from "../ai/types";
import { sdkProvider } from "./sdk-provider";

/**
 * OpenAI, or any OpenAI-compatible server (Ollama, vLLM, LiteLLM…) through OPENAI_BASE_URL. The SDK
 * retries once, which can only happen before the response starts, so no text is ever repeated.
 */
export function openAIProvider({ apiKey, baseURL, timeoutMs }: { apiKey: string; baseURL: string | undefined; timeoutMs: number }): ChatProvider {
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 1 });
  const capField = outputCapField(baseURL);

  async function* run({ model, messages, maxOutputTokens, signal, endUserId, tools }: ChatRequest): AsyncIterable<StreamPart> {
    const stream = await client.chat.completions.create(
      {
        model,
        messages: messages.map(toOpenAIMessage),
        ...(tools && tools.length > 0 && { tools: tools.map(toOpenAITool), parallel_tool_calls: true }),
        stream: true,
        stream_options: { include_usage: true },
        [capField]: maxOutputTokens,
        // safety_identifier, not the deprecated `user`: the keyed id of the person, never their email.
        safety_identifier: endUserId,
      },
      { signal },
    );
    // A tool call streams in pieces, keyed by its index: the id and name first, the arguments after.
    const calls = new Map<number, { id: string; name: string; argsJson: string }>();
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) yield { type: "text", text: delta.content };
      for (const piece of delta?.tool_calls ?? []) {
        const call = calls.get(piece.index) ?? { id: "", name: "", argsJson: "" };
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name += piece.function.name;
        if (piece.function?.arguments) call.argsJson += piece.function.arguments;
        calls.set(piece.index, call);
      }
      if (chunk.usage) yield { type: "usage", usage: { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens } };
    }
    for (const [, call] of [...calls].sort(([a], [b]) => a - b)) yield { type: "tool-call", call };
  }

  return sdkProvider({ run, errors: OpenAI });
}

function toOpenAIMessage(message: PromptMessage): ChatCompletionMessageParam {
  if (message.role === "tool") return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  if (message.role === "assistant" && message.toolCalls && message.toolCalls.length > 0) {
    return {
      role: "assistant",
      content: message.content || null,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.argsJson } })),
    };
  }
  return { role: message.role, content: message.content };
}

function toOpenAITool(tool: ToolSpec): ChatCompletionTool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

/**
 * OpenAI's newer models take only max_completion_tokens; compatible servers widely know only
 * max_tokens. OpenAI's own regional hosts (data residency: `https://eu.api.openai.com/v1`, `us.`…) are
 * OpenAI, so a deployment that pins a region keeps working with those models.
 */
export function outputCapField(baseURL: string | undefined): "max_tokens" | "max_completion_tokens" {
  if (!baseURL) return "max_completion_tokens";
  const host = URL.canParse(baseURL) ? new URL(baseURL).hostname : "";
  return host === "api.openai.com" || host.endsWith(".api.openai.com") ? "max_completion_tokens" : "max_tokens";
}
