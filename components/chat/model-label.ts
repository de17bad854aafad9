import type { ModelRef } from "@/lib/config/models";

const PROVIDER_NAMES = { openai: "OpenAI", anthropic: "Anthropic", demo: "Demo" } as const;

/** The name people see in the model picker, e.g. "gpt-4o-mini · OpenAI" or "Demo (offline)". */
export function modelLabel(model: ModelRef): string {
  if (model.provider === "demo") return model.model === "demo" ? "Demo (offline)" : `${model.model} · Demo (offline)`;
  return `${model.model} · ${PROVIDER_NAMES[model.provider]}`;
}
