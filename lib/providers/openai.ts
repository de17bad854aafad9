import "server-only";
import OpenAI from "openai";
import type { ChatProvider, ChatRequest, StreamPart } from "../ai/types";
import { sdkProvider } from "./sdk-provider";

/**
 * OpenAI, or any OpenAI-compatible server (Ollama, vLLM, LiteLLM…) through OPENAI_BASE_URL. The SDK
 * retries once, which can only happen before the response starts, so no text is ever repeated.
 */
export function openAIProvider({ apiKey, baseURL, timeoutMs }: { apiKey: string; baseURL: string | undefined; timeoutMs: number }): ChatProvider {
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 1 });
  const capField = outputCapField(baseURL);

  async function* run({ model, messages, maxOutputTokens, signal, endUserId }: ChatRequest): AsyncIterable<StreamPart> {
    const stream = await client.chat.completions.create(
      // safety_identifier, not the deprecated `user`: the keyed id of the person, never their email.
      { model, messages, stream: true, stream_options: { include_usage: true }, [capField]: maxOutputTokens, safety_identifier: endUserId },
      { signal },
    );
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) yield { type: "text", text };
      if (chunk.usage) yield { type: "usage", usage: { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens } };
    }
  }

  return sdkProvider({ run, errors: OpenAI });
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
