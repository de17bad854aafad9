/** The providers a model can come from. `demo` is the offline model that needs no key and no network. */
export const PROVIDERS = ["openai", "anthropic", "demo"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** One allowed model: `id` is what clients send (`openai:gpt-4o-mini`), `model` what the provider gets. */
export type ModelRef = { id: string; provider: Provider; model: string };

// Model names from providers and local servers (Ollama's `llama3.2:3b`, vLLM's `org/name`).
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

/**
 * Parses AI_MODELS, `provider:model` separated by commas, the first being the default.
 * Returns the list, or a sentence saying what is wrong (naming entries by position, never quoting
 * them: a key pasted here by mistake must not reach the logs).
 */
export function parseModelList(text: string): ModelRef[] | string {
  const models: ModelRef[] = [];
  for (const [index, entry] of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const which = `entry ${index + 1}`;
    const colon = entry.indexOf(":");
    const provider = entry.slice(0, colon);
    const model = entry.slice(colon + 1);
    if (colon < 1 || !(PROVIDERS as readonly string[]).includes(provider)) {
      return `${which} must start with one of ${PROVIDERS.join(", ")} and a colon`;
    }
    if (!MODEL_NAME.test(model)) return `${which} has no valid model name after the colon`;
    const id = `${provider}:${model}`;
    if (models.some((m) => m.id === id)) return `${which} is listed twice`;
    models.push({ id, provider: provider as Provider, model });
  }
  if (models.length === 0) return "must list at least one model, e.g. demo:demo";
  return models;
}
