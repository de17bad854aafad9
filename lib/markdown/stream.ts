import type { Token } from "marked";
import { plainTextHtml } from "./escape";
import { lexTopLevel, MAX_MARKDOWN_CHARS, MAX_RAW_HTML_TAGS, type LinkDefinitions } from "./parse";
import { renderMarkdownBlock } from "./render";

/**
 * A reply rendered while it streams in, in time linear in its length: the blocks that are
 * finished are rendered (parsed and sanitized) once and kept; only the open tail, after the last
 * finished block, is read again as text arrives.
 *
 * The finished part ends at the last place where a top-level block (as marked's own block lexer
 * finds them) starts after a blank line and has a complete first line. After a blank line no
 * block rule looks back, so the text before it lexes on its own exactly as in place: the blank
 * line ends paragraphs, tables, quotes and HTML blocks, and stops a setext underline or a table's
 * delimiter row from reaching back. The complete first line settles whether a list (or indented
 * code) goes on across the blank line ("1. a", blank line, "2" is a paragraph until ". b" makes
 * it a second item). A fenced code block still open runs to the end of the text, so it stays in
 * the tail. What one call finds finished becomes one block, so a reply opened from history is
 * still rendered in one go.
 *
 * Each block is rendered as the whole document would render it: with the document's link
 * reference definitions (a definition may come after its use; a block is rendered again when the
 * definition of a label it looked up appears or changes), and with the document's verdict on raw
 * HTML (past MAX_RAW_HTML_TAGS all of it is shown as text, in every block). Each block goes
 * through renderMarkdownBlock, so through the same limits, sanitizer and policy check as
 * renderMarkdown; and each block's HTML is parsed on its own, so markup in one block cannot open
 * an element that takes in the next. That is the one difference from rendering the whole: where
 * raw HTML spans blank lines (`<div>`, blank line, text, blank line, `</div>`), the whole
 * document nests the later blocks in the open element, and the blocks render side by side.
 */
export class StreamingMarkdown {
  /** The text of the last call, which the next one should extend. */
  #text = "";
  /** Where, in `#text`, the open tail starts: before it lie the finished blocks. */
  #stable = 0;
  #blocks: Block[] = [];
  /** The link definitions in the finished blocks. */
  #links: LinkDefinitions = Object.create(null) as LinkDefinitions;
  /** Raw HTML start tags in the finished blocks. */
  #rawHtmlTags = 0;
  #escapeRawHtml = false;
  /** The document's link definitions at the last call. */
  #definitions = "";

  /** Work done, in characters and renders, for tests that it stays linear. */
  readonly stats = { lexedChars: 0, renderedChars: 0, blockRenders: 0 };

  /**
   * The HTML of each block of `text`, in order, the open tail last: safe to insert, each block on
   * its own. A finished block's string is the same object from call to call until it has to be
   * rendered again, so a caller can compare by identity. `text` may be anything; a text that does
   * not extend the previous one starts over.
   */
  render(text: string): string[] {
    if (text === "" || text.length > MAX_MARKDOWN_CHARS) {
      this.#reset();
      // As renderMarkdown: far beyond a real reply is shown as text.
      return text === "" ? [] : [plainTextHtml(text)];
    }
    if (!text.startsWith(this.#text)) this.#reset();
    this.#text = text;

    const raw = text.slice(this.#stable);
    const source = raw.includes("\r") ? raw.replace(/\r\n?/g, "\n") : raw;
    const { tokens, links } = lexTopLevel({ markdown: source, links: this.#links });
    this.stats.lexedChars += source.length;
    const cut = finishedLength({ tokens, source });
    if (cut > 0) {
      // Everything this call found finished is one block: one parse, one sanitizer pass, one
      // insertion into the page (a reply opened from history is rendered in one go).
      const markdown = source.slice(0, cut);
      if (Object.keys(links).length > Object.keys(this.#links).length) {
        this.#links = lexTopLevel({ markdown, links: this.#links }).links;
        this.stats.lexedChars += cut;
      }
      const block = this.#renderBlock({ markdown, links });
      this.#rawHtmlTags += block.rawHtmlTags;
      this.#blocks.push(block);
      this.#stable += raw === source ? cut : rawLength({ raw, normalized: cut });
    }

    const tailSource = source.slice(cut);
    let tail = this.#renderSource({ markdown: tailSource, links });
    const escapeRaw = this.#rawHtmlTags + tail.rawHtmlTags > MAX_RAW_HTML_TAGS;
    const verdictChanged = escapeRaw !== this.#escapeRawHtml;
    if (verdictChanged) {
      this.#escapeRawHtml = escapeRaw;
      tail = this.#renderSource({ markdown: tailSource, links });
    }
    const definitions = JSON.stringify(Object.entries(links));
    if (verdictChanged || definitions !== this.#definitions) {
      this.#definitions = definitions;
      this.#blocks = this.#blocks.map((block) =>
        isCurrent({ block, links, escapeRawHtml: escapeRaw }) ? block : this.#renderBlock({ markdown: block.markdown, links }),
      );
    }
    return [...this.#blocks.map((block) => block.html), tail.html];
  }

  #renderBlock({ markdown, links }: { markdown: string; links: LinkDefinitions }): Block {
    const rendered = this.#renderSource({ markdown, links });
    this.stats.blockRenders++;
    const labels = [...rendered.labels];
    return {
      markdown,
      html: rendered.html,
      rawHtmlTags: rendered.rawHtmlTags,
      labels,
      definitions: definitionsOf({ labels, links }),
      escapeRawHtml: this.#escapeRawHtml,
    };
  }

  #renderSource({ markdown, links }: { markdown: string; links: LinkDefinitions }) {
    this.stats.renderedChars += markdown.length;
    return renderMarkdownBlock({ markdown, links, escapeRawHtml: this.#escapeRawHtml });
  }

  #reset(): void {
    this.#text = "";
    this.#stable = 0;
    this.#blocks = [];
    this.#links = Object.create(null) as LinkDefinitions;
    this.#rawHtmlTags = 0;
    this.#escapeRawHtml = false;
    this.#definitions = "";
  }
}

type Block = {
  /** The block's source, line ends normalized. */
  markdown: string;
  html: string;
  rawHtmlTags: number;
  /** The reference labels the block looked up while it was lexed. */
  labels: string[];
  /** Their definitions when `html` was rendered. */
  definitions: string;
  escapeRawHtml: boolean;
};

function definitionsOf({ labels, links }: { labels: string[]; links: LinkDefinitions }): string {
  if (labels.length === 0) return "";
  return JSON.stringify(labels.map((label) => [label, links[label]?.href ?? null, links[label]?.title ?? null]));
}

function isCurrent({ block, links, escapeRawHtml }: { block: Block; links: LinkDefinitions; escapeRawHtml: boolean }): boolean {
  return block.escapeRawHtml === escapeRawHtml && definitionsOf({ labels: block.labels, links }) === block.definitions;
}

const BLANK_LINE = /\n[ \t]*\n/;

/**
 * Where in `source` a block starts after a blank line: the places it can be cut into blocks that
 * lex the same on their own as in place (after a blank line no block rule looks back).
 */
function blankLineStarts({ tokens, source }: { tokens: Token[]; source: string }): number[] {
  const starts: number[] = [];
  let offset = 0;
  let contentEnd = -1;
  for (const token of tokens) {
    if (token.type !== "space") {
      if (contentEnd >= 0 && BLANK_LINE.test(source.slice(contentEnd, offset))) starts.push(offset);
      contentEnd = offset + token.raw.trimEnd().length;
    }
    offset += token.raw.length;
  }
  // The tokens always cover the source exactly; if a marked upgrade ever broke that, cut nowhere.
  return offset === source.length ? starts : [];
}

/**
 * How much of `source` is finished (see StreamingMarkdown): up to the last blank-line start whose
 * block has a complete first line, or 0.
 */
function finishedLength({ tokens, source }: { tokens: Token[]; source: string }): number {
  const starts = blankLineStarts({ tokens, source });
  for (let i = starts.length - 1; i >= 0; i--) {
    const start = starts[i] ?? 0;
    if (source.indexOf("\n", start) >= 0) return start;
  }
  return 0;
}

/** The length in `raw` of its first `normalized` characters once "\r\n" and "\r" are "\n". */
function rawLength({ raw, normalized }: { raw: string; normalized: number }): number {
  let at = 0;
  for (let n = 0; n < normalized; n++) at += raw[at] === "\r" && raw[at + 1] === "\n" ? 2 : 1;
  return at;
}
