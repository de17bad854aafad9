import { Lexer, Marked, Tokenizer, type Links, type Token, type Tokens } from "marked";
import { escapeAttribute, escapeText } from "./escape";

/**
 * Markdown to (unsanitized) HTML with marked, within limits that keep hostile input linear-time.
 * Returns null for input too long to render; the caller shows it as text.
 */
export function parseMarkdown(markdown: string): string | null {
  if (markdown.length > MAX_MARKDOWN_CHARS) return null;
  const tokens = marked.lexer(markdown);
  limitRawHtml(tokens);
  return marked.parser(tokens);
}

// ---------------------------------------------------------------------------------------------
// Limits. marked is fast on ordinary text, but several of its rules rescan the rest of the
// paragraph from every position, so crafted input costs the square of its length (200 KB of
// `*a_` took five minutes). The windows below bound each rescan; what they cut off is rare in
// real text and degrades to literal characters, never to unsafe output.
// ---------------------------------------------------------------------------------------------

/** Longer input is shown as plain text: far beyond a real reply, and it keeps the worst case bounded. */
export const MAX_MARKDOWN_CHARS = 250_000;

/** Most characters an inline rule (a link, a code span, a raw tag, a run of text) may look at. */
const INLINE_WINDOW = 2_000;

/** Most characters between an opening `*`, `_` or `~` and its closer; farther closers are text. */
const EMPHASIS_WINDOW = 500;

/** Characters before the current position kept for the emphasis rules, which look back a little. */
const EMPHASIS_LOOK_BEHIND = 64;

/**
 * Deepest nesting of block quotes and lists (block), and of emphasis and strikethrough (inline).
 * Each level re-reads its content, and deep enough nesting overflows the parser's stack.
 */
const MAX_DEPTH = { block: 16, inline: 16 } as const;

/**
 * Most raw HTML start tags rendered as HTML. Beyond this, all raw HTML is shown as text: the HTML
 * parser can multiply misnested formatting tags (each new paragraph reopens them all), and deep
 * raw nesting is slow to sanitize. Real replies use a handful of tags.
 */
export const MAX_RAW_HTML_TAGS = 300;

/** Nesting level of the container being tokenized right now; see {@link withDepth}. */
const depth: Record<keyof typeof MAX_DEPTH, number> = { block: 0, inline: 0 };

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  tokenizer: {
    blockquote(src: string) {
      return withDepth({ kind: "block", tokenize: () => Tokenizer.prototype.blockquote.call(this, src) });
    },
    list(src: string) {
      return withDepth({ kind: "block", tokenize: () => Tokenizer.prototype.list.call(this, src) });
    },
    emStrong(src: string, maskedSrc: string, prevChar?: string) {
      const view = emphasisView({ src, maskedSrc });
      return withDepth({
        kind: "inline",
        tokenize: () => Tokenizer.prototype.emStrong.call(this, view.src, view.maskedSrc, prevChar),
      });
    },
    del(src: string, maskedSrc: string, prevChar?: string) {
      const view = emphasisView({ src, maskedSrc });
      return withDepth({
        kind: "inline",
        tokenize: () => Tokenizer.prototype.del.call(this, view.src, view.maskedSrc, prevChar),
      });
    },
    escape(src: string) {
      return Tokenizer.prototype.escape.call(this, src.slice(0, INLINE_WINDOW));
    },
    tag(src: string) {
      return Tokenizer.prototype.tag.call(this, src.slice(0, INLINE_WINDOW));
    },
    link(src: string) {
      return Tokenizer.prototype.link.call(this, src.slice(0, INLINE_WINDOW));
    },
    reflink(src: string, links: Links) {
      return Tokenizer.prototype.reflink.call(this, src.slice(0, INLINE_WINDOW), links);
    },
    codespan(src: string) {
      return Tokenizer.prototype.codespan.call(this, src.slice(0, INLINE_WINDOW));
    },
    br(src: string) {
      return Tokenizer.prototype.br.call(this, src.slice(0, INLINE_WINDOW));
    },
    autolink(src: string) {
      return Tokenizer.prototype.autolink.call(this, src.slice(0, INLINE_WINDOW));
    },
    url(src: string) {
      const view = src.slice(0, INLINE_WINDOW);
      const token = Tokenizer.prototype.url.call(this, view);
      // A bare URL runs to the next space or "<". If none is in view, the window cut the URL, and
      // linking the cut-off part would point somewhere else: leave it as text.
      if (token && view.length < src.length && !/[\s<]/.test(view.slice(token.raw.length))) return undefined;
      return token;
    },
    // Cutting a run of text only splits it into two text tokens, which render the same.
    inlineText(src: string) {
      return Tokenizer.prototype.inlineText.call(this, src.slice(0, INLINE_WINDOW));
    },
  },
  renderer: {
    // No src: the sanitizer turns every <img> into a text marker, this one included.
    image({ text, tokens }: Tokens.Image): string {
      const alt = tokens.length > 0 ? this.parser.parseInline(tokens, this.parser.textRenderer) : text;
      return `<img alt="${escapeAttribute(alt)}">`;
    },
    // A task list's <input> is refused by the policy; a text box keeps the meaning.
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked ? "[x] " : "[ ] ";
    },
  },
});

/**
 * Runs a container tokenizer one level deeper, or declines (the text is then read as a
 * paragraph) once the level is too deep. Nested levels call back in before this one returns.
 */
function withDepth<T>({ kind, tokenize }: { kind: keyof typeof MAX_DEPTH; tokenize: () => T }): T | undefined {
  if (depth[kind] >= MAX_DEPTH[kind]) return undefined;
  depth[kind]++;
  try {
    return tokenize();
  } finally {
    depth[kind]--;
  }
}

/**
 * Cuts the emphasis rules' view of the paragraph around the current position. `maskedSrc` is the
 * whole inline text and `src` its unparsed tail; marked computes the tail's offset from their
 * lengths and scans `maskedSrc` in full on every call, so both ends of it are cut.
 */
function emphasisView({ src, maskedSrc }: { src: string; maskedSrc: string }): { src: string; maskedSrc: string } {
  const offset = maskedSrc.length - src.length;
  if (src.length <= EMPHASIS_WINDOW && offset <= EMPHASIS_LOOK_BEHIND) return { src, maskedSrc };
  const start = Math.max(0, offset - EMPHASIS_LOOK_BEHIND);
  return { src: src.slice(0, EMPHASIS_WINDOW), maskedSrc: maskedSrc.slice(start, offset + EMPHASIS_WINDOW) };
}

/** Past {@link MAX_RAW_HTML_TAGS}, every raw HTML token is shown as its text. */
function limitRawHtml(tokens: Token[]): void {
  const { html, startTags } = rawHtmlOf(tokens);
  if (startTags <= MAX_RAW_HTML_TAGS) return;
  for (const token of html) token.text = escapeText(token.text);
}

function rawHtmlOf(tokens: Token[]): { html: Array<Tokens.HTML | Tokens.Tag>; startTags: number } {
  const html: Array<Tokens.HTML | Tokens.Tag> = [];
  let startTags = 0;
  marked.walkTokens(tokens, (token) => {
    if (!isHtmlToken(token)) return;
    html.push(token);
    startTags += token.text.match(/<[A-Za-z]/g)?.length ?? 0;
  });
  return { html, startTags };
}

function isHtmlToken(token: Token): token is Tokens.HTML | Tokens.Tag {
  return token.type === "html";
}

// ---------------------------------------------------------------------------------------------
// One document in blocks (see ./stream). A block is lexed on its own, with the document's link
// reference definitions, and the document's raw HTML count decides for every block whether its
// raw HTML is shown as text; so the blocks render as the whole document would.
// ---------------------------------------------------------------------------------------------

/** Link reference definitions by normalized label, as marked keeps them (the first one wins). */
export type LinkDefinitions = Links;

/** One block of a longer document, lexed. */
export type LexedBlock = {
  tokens: Token[];
  /** Raw HTML start tags, which count towards the document's {@link MAX_RAW_HTML_TAGS}. */
  rawHtmlTags: number;
  /** Every reference label the block looked up, defined or not: its rendering depends on their definitions. */
  labels: ReadonlySet<string>;
};

/** A lexer of this module's marked instance, starting from `links` (copied, never changed). */
function lexerWith(links: LinkDefinitions): Lexer {
  const lexer = new Lexer(marked.defaults);
  lexer.tokens.links = Object.assign(Object.create(null) as LinkDefinitions, links);
  return lexer;
}

/**
 * The top-level block tokens of `markdown` (without their inline content, which is most of the
 * work) and the link definitions of the document so far: `links`, from the blocks before, and
 * those in `markdown`. The tokens' `raw` strings add up to `markdown`, whose line ends must
 * already be "\n".
 */
export function lexTopLevel({ markdown, links }: { markdown: string; links: LinkDefinitions }): { tokens: Token[]; links: LinkDefinitions } {
  const lexer = lexerWith(links);
  const tokens = lexer.blockTokens(markdown, []);
  return { tokens, links: lexer.tokens.links };
}

/** Lexes one block with the document's definitions, noting which labels it looked up. */
export function lexBlock({ markdown, links }: { markdown: string; links: LinkDefinitions }): LexedBlock {
  const lexer = lexerWith(links);
  const labels = new Set<string>();
  // marked reads the definitions by property access (reference links) and Object.hasOwn (the
  // emphasis mask); both go through here.
  lexer.tokens.links = new Proxy(lexer.tokens.links, {
    get(target, key) {
      if (typeof key === "string") labels.add(key);
      return Reflect.get(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === "string") labels.add(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    has(target, key) {
      if (typeof key === "string") labels.add(key);
      return Reflect.has(target, key);
    },
  });
  const tokens = lexer.lex(markdown);
  return { tokens, rawHtmlTags: rawHtmlOf(tokens).startTags, labels };
}

/**
 * A lexed block to (unsanitized) HTML. `escapeRawHtml` is the document's verdict: past
 * {@link MAX_RAW_HTML_TAGS} in the whole document, raw HTML is shown as text in every block.
 */
export function parseBlock({ block, escapeRawHtml }: { block: LexedBlock; escapeRawHtml: boolean }): string {
  if (escapeRawHtml) for (const token of rawHtmlOf(block.tokens).html) token.text = escapeText(token.text);
  return marked.parser(block.tokens);
}
