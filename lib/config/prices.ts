/**
 * What a model costs, in US dollars per million tokens, for the daily spend cap. The table holds
 * list prices for common models at the time of writing: check your provider's current prices and
 * set AI_MODEL_PRICES for anything else (a fine-tune, a local model at 0/0). A model with no price
 * cannot be used while a spend cap is set: the cap would not count it.
 */
export type ModelPrice = { inputPerMTok: number; outputPerMTok: number };

export const LIST_PRICES: Readonly<Record<string, ModelPrice>> = {
  "openai:gpt-4o-mini": { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  "openai:gpt-4o": { inputPerMTok: 2.5, outputPerMTok: 10 },
  "openai:gpt-4.1": { inputPerMTok: 2, outputPerMTok: 8 },
  "openai:gpt-4.1-mini": { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  "openai:gpt-4.1-nano": { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  "openai:gpt-5": { inputPerMTok: 1.25, outputPerMTok: 10 },
  "openai:gpt-5-mini": { inputPerMTok: 0.25, outputPerMTok: 2 },
  "openai:gpt-5-nano": { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  "openai:o4-mini": { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  "anthropic:claude-sonnet-4-6": { inputPerMTok: 3, outputPerMTok: 15 },
  "anthropic:claude-sonnet-4-5": { inputPerMTok: 3, outputPerMTok: 15 },
  "anthropic:claude-opus-4-5": { inputPerMTok: 5, outputPerMTok: 25 },
  "anthropic:claude-haiku-4-5": { inputPerMTok: 1, outputPerMTok: 5 },
  "demo:demo": { inputPerMTok: 0, outputPerMTok: 0 },
};

const ENTRY = /^([a-z]+:[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127})=(\d{1,6}(?:\.\d{1,6})?)\/(\d{1,6}(?:\.\d{1,6})?)$/;

/**
 * Parses AI_MODEL_PRICES, `provider:model=IN/OUT` separated by commas (USD per million input and
 * output tokens), or returns a sentence saying which entry is wrong.
 */
export function parsePriceList(text: string): Record<string, ModelPrice> | string {
  const prices: Record<string, ModelPrice> = {};
  for (const [index, entry] of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const match = ENTRY.exec(entry.replace(/\s+/g, ""));
    if (!match) return `entry ${index + 1} must look like openai:gpt-4o-mini=0.15/0.60 (USD per million input/output tokens)`;
    const [, id, input, output] = match as unknown as [string, string, string, string];
    prices[id] = { inputPerMTok: Number(input), outputPerMTok: Number(output) };
  }
  return prices;
}

/**
 * Millionths of a dollar, rounded up, so that sums stay exact integers in the store. Prices have at
 * most six decimals, so they are scaled to whole numbers first: 100 tokens at $1.10 is exactly 110.
 */
export function costMicroUsd(price: ModelPrice, usage: { inputTokens: number; outputTokens: number }): number {
  const scaled = usage.inputTokens * Math.round(price.inputPerMTok * 1e6) + usage.outputTokens * Math.round(price.outputPerMTok * 1e6);
  return Math.ceil(scaled / 1e6);
}
