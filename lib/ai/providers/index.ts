import "server-only";
import { env } from "../../env";
import type { ModelRef, Provider } from "../../config/models";
import type { ChatProvider } from "../types";
import { processSingleton } from "../../store/singleton";

/**
 * Provider clients, created once per process and lazily: an SDK whose provider is not in use is
 * never even loaded. Keys come from the validated environment and go nowhere but the SDK.
 */
const clients = processSingleton("ai.clients", () => new Map<Provider, Promise<ChatProvider>>());

export function providerFor(model: ModelRef): Promise<ChatProvider> {
  let client = clients.get(model.provider);
  if (!client) {
    client = create(model.provider);
    clients.set(model.provider, client);
  }
  return client;
}

async function create(provider: Provider): Promise<ChatProvider> {
  const { ai } = env();
  switch (provider) {
    case "openai": {
      if (!ai.openai) throw new Error("OPENAI_API_KEY is not set");
      const { openAIProvider } = await import("./openai");
      return openAIProvider({ ...ai.openai, timeoutMs: ai.timeoutMs });
    }
    case "anthropic": {
      if (!ai.anthropic) throw new Error("ANTHROPIC_API_KEY is not set");
      const { anthropicProvider } = await import("./anthropic");
      return anthropicProvider({ ...ai.anthropic, timeoutMs: ai.timeoutMs });
    }
    case "demo": {
      const { demoProvider } = await import("./demo");
      return demoProvider();
    }
  }
}
