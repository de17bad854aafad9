import type { EntityType } from "../types";
import { ENTITY_TYPES } from "./find";
import { MAX_PLACEHOLDER_INDEX } from "./placeholders";

/** Longest unfinished placeholder: "[SECRET_999999" (the closing bracket would finish it). */
const MAX_PARTIAL = 1 + Math.max(...ENTITY_TYPES.map((type) => type.length)) + 1 + String(MAX_PLACEHOLDER_INDEX).length;

/**
 * Restores placeholders in a streamed reply. A chunk may end inside a placeholder ("… at [EMA"),
 * so the end of each chunk that could still become one is held back until the next chunk decides
 * it; everything else is returned at once. At most {@link MAX_PARTIAL} characters are ever held,
 * and each character is looked at a bounded number of times, so a stream costs linear time.
 */
export class PlaceholderRestorer {
  #held = "";

  constructor(private readonly map: { restore(text: string): string }) {}

  /** Text that is safe to show now, with placeholders restored. */
  push(chunk: string): string {
    const text = this.#held + chunk;
    const cut = unfinishedPlaceholderStart(text);
    this.#held = text.slice(cut);
    return this.map.restore(text.slice(0, cut));
  }

  /** Whatever was held back, at the end of the stream. */
  end(): string {
    const rest = this.#held;
    this.#held = "";
    return this.map.restore(rest);
  }
}

/** Where a possible unfinished placeholder starts at the end of `text`, or `text.length`. */
function unfinishedPlaceholderStart(text: string): number {
  const open = text.lastIndexOf("[");
  if (open === -1 || text.length - open > MAX_PARTIAL) return text.length;
  return couldBecomePlaceholder(text.slice(open + 1)) ? open : text.length;
}

/** "EMA", "EMAIL_", "EMAIL_12": what may follow "[" in a placeholder not yet closed. */
function couldBecomePlaceholder(rest: string): boolean {
  const underscore = rest.indexOf("_");
  if (underscore === -1) return ENTITY_TYPES.some((type) => type.startsWith(rest));
  const type = rest.slice(0, underscore);
  const digits = rest.slice(underscore + 1);
  return ENTITY_TYPES.includes(type as EntityType) && /^(?:[1-9]\d{0,5})?$/.test(digits);
}
