import "server-only";
import { env } from "../env";
import type { ModelRef, Provider } from "../config/models";
import type { ChatProvider } from "../ai/types";
import { processSingleton } from "../singleton";
import { keyPool, type KeyProvider } from "../provider-keys/pool";
import { pooledProvider } from "../provider-keys/failover";
import { keyFingerprint, type ProviderKey } from "../config/provider-keys";

/**
 * Provider clients, created lazily and kept per process: an SDK whose provider is not in use is
 * never even loaded. Each provider draws its key from a live pool (lib/provider-keys/pool.ts), with one SDK
 * client per key; keys go nowhere but the SDK.
 */
const providers = processSingleton("ai.providers", () => new Map<Provider, ChatProvider>());
const clients = processSingleton("ai.clients", () => new Map<string, Promise<ChatProvider>>());

export async function providerFor(model: ModelRef): Promise<ChatProvider> {
  let provider = providers.get(model.provider);
  if (!provider) {
    provider = await create(model.provider);
    providers.set(model.provider, provider);
  }
  return provider;
}

async function create(provider: Provider): Promise<ChatProvider> {
  if (provider === "demo") {
    const { demoProvider } = await import("./demo");
    return demoProvider();
  }
  const pool = keyPool(provider);
  if (!pool) throw new Error(`${provider === "openai" ? "OPENAI_API_KEYS" : "ANTHROPIC_API_KEYS"} is not set`);
  return pooledProvider({ pool, clientFor: (key) => clientFor(provider, key) });
}

function clientFor(provider: KeyProvider, key: ProviderKey): Promise<ChatProvider> {
  const id = `${provider}:${keyFingerprint(key.value)}`;
  let client = clients.get(id);
  if (!client) {
    client = makeClient(provider, key.value);
    clients.set(id, client);
    // Keys rotate out over time: keep the clients of the keys still configured and a few others.
    if (clients.size > 32) clients.delete(clients.keys().next().value as string);
  }
  return client;
}

async function makeClient(provider: KeyProvider, apiKey: string): Promise<ChatProvider> {
  const { ai } = env();
  if (provider === "openai") {
    const { openAIProvider } = await import("./openai");
    return openAIProvider({ apiKey, baseURL: ai.openai?.baseURL, timeoutMs: ai.timeoutMs });
  }
  const { anthropicProvider } = await import("./anthropic");
  return anthropicProvider({ apiKey, baseURL: ai.anthropic?.baseURL, timeoutMs: ai.timeoutMs });
}
