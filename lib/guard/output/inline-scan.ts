import { readStartTag, srcsetUrls, type StartTag } from "./html-tags";
import { decodeReference } from "./link-urls";
import { isWhitespace, MAX_LABEL_CHARS, normalizeLabel, type Segment } from "./markdown-blocks";

/**
 * The inline half of the link audit's markdown reader: finds images, links, autolinks, raw HTML
 * tags and bare URLs in one paragraph and reports each, with its URL decoded, to a sink.
 */

/** Receives what the scan finds; the URLs are decoded (escapes and character references). */
export type LinkSink = {
  image(urls: string[]): void;
  link(href: string): void;
  resource(href: string): void;
};

const C = {
  bang: 0x21,
  quote: 0x22,
  apostrophe: 0x27,
  lparen: 0x28,
  rparen: 0x29,
  lt: 0x3c,
  gt: 0x3e,
  lbracket: 0x5b,
  backslash: 0x5c,
  rbracket: 0x5d,
  backtick: 0x60,
  newline: 0x0a,
} as const;

/** Deepest parenthesis nesting in a link destination (CommonMark implementations stop at 32). */
const MAX_PAREN_DEPTH = 32;

const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\u0000-\u001f]*)>/y;
const IMAGE_TAG_START = /^<(?:img|image)[\s/>]/i;
const BARE_URL_PREFIX = /^(?:https?:\/\/|www\.)/i;
/** Characters GFM drops from the end of a bare URL. */
const TRAILING_PUNCTUATION: ReadonlySet<number> = new Set([..."?!.,:*_~'\";"].map((c) => c.charCodeAt(0)));

type Opener = { at: number; image: boolean };

/**
 * The next occurrence of a string at or after a position, for positions that only grow (the
 * paragraphs are scanned in order): each part of the text is searched at most once.
 */
export class ForwardSearch {
  readonly #src: string;
  readonly #needle: string;
  #found = -1;

  constructor({ src, needle }: { src: string; needle: string }) {
    this.#src = src;
    this.#needle = needle;
  }

  /** Position of the next occurrence at or after `from`, or Infinity. */
  next(from: number): number {
    if (this.#found === Infinity || this.#found >= from) return this.#found;
    const found = this.#src.indexOf(this.#needle, from);
    this.#found = found < 0 ? Infinity : found;
    return this.#found;
  }
}

/**
 * One paragraph's inline content, left to right. Each construct is tried where it can start and,
 * when it is found, skipped whole. A failed attempt stops at the next place another attempt would
 * start from (a destination at the next `](`, a label at the next bracket, a tag at the next `<`),
 * so the attempts never overlap and the scan stays linear.
 */
export class InlineScan {
  readonly #src: string;
  readonly #start: number;
  readonly #end: number;
  readonly #definitions: Map<string, string>;
  readonly #sink: LinkSink;
  readonly #openers: Opener[] = [];
  /** Position of the last bracket seen: a label holds no bracket if its opener is this one. */
  #lastBracket = -1;
  /** Backtick runs of the paragraph by length, and the next one of each length not yet passed. */
  readonly #ticks = new Map<number, { at: number[]; next: number }>();
  readonly #commentEnds: ForwardSearch;

  constructor({
    src,
    segment,
    definitions,
    sink,
    commentEnds,
  }: { src: string; segment: Segment; definitions: Map<string, string>; sink: LinkSink; commentEnds: ForwardSearch }) {
    this.#src = src;
    this.#commentEnds = commentEnds;
    this.#start = segment.start;
    this.#end = segment.end;
    this.#definitions = definitions;
    this.#sink = sink;
    this.#indexBacktickRuns();
  }

  run(): void {
    for (let i = this.#start; i < this.#end; ) {
      switch (this.#code(i)) {
        case C.backslash:
          i += isAsciiPunctuation(this.#code(i + 1)) ? 2 : 1;
          break;
        case C.backtick:
          i = this.#codeSpan(i);
          break;
        case C.bang:
          if (this.#code(i + 1) === C.lbracket) {
            this.#openers.push({ at: i + 1, image: true });
            this.#lastBracket = i + 1;
            i += 2;
          } else i++;
          break;
        case C.lbracket:
          this.#openers.push({ at: i, image: false });
          this.#lastBracket = i;
          i++;
          break;
        case C.rbracket:
          i = this.#closeBracket(i);
          break;
        case C.lt:
          i = this.#angle(i);
          break;
        case 0x68: // h
        case 0x48: // H
        case 0x77: // w
        case 0x57: // W
          i = this.#bareUrl(i);
          break;
        default:
          i++;
      }
    }
  }

  /** The character code at `i`, or -1 outside the paragraph. */
  #code(i: number): number {
    return i >= this.#start && i < this.#end ? this.#src.charCodeAt(i) : -1;
  }

  // A plain loop, not indexOf: that would search on past the paragraph, once per paragraph.
  #indexBacktickRuns(): void {
    for (let p = this.#start; p < this.#end; ) {
      if (this.#code(p) !== C.backtick) {
        p++;
        continue;
      }
      let q = p;
      while (this.#code(q) === C.backtick) q++;
      const runs = this.#ticks.get(q - p) ?? { at: [], next: 0 };
      runs.at.push(p);
      this.#ticks.set(q - p, runs);
      p = q;
    }
  }

  /** A code span opening at `i` is skipped to its closing run of the same length, if there is one. */
  #codeSpan(i: number): number {
    let q = i;
    while (this.#code(q) === C.backtick) q++;
    const length = q - i;
    const runs = this.#ticks.get(length);
    if (runs === undefined) return q;
    while (runs.next < runs.at.length && (runs.at[runs.next] ?? Infinity) < q) runs.next++;
    const close = runs.at[runs.next];
    if (close === undefined) return q;
    runs.next++;
    return close + length;
  }

  #closeBracket(i: number): number {
    const opener = this.#openers.pop();
    const plainLabel = opener !== undefined && opener.at === this.#lastBracket;
    this.#lastBracket = i;
    if (opener === undefined) return i + 1;
    const next = this.#code(i + 1);
    if (next === C.lparen) {
      const inline = this.#destination(i + 2);
      if (inline === null) return i + 1;
      this.#record({ image: opener.image, href: decodeReference({ text: inline.href, markdown: true }) });
      return inline.end;
    }
    if (this.#definitions.size === 0) return i + 1;
    let label: string | null = plainLabel && i - opener.at - 1 <= MAX_LABEL_CHARS ? this.#src.slice(opener.at + 1, i) : null;
    let end = i + 1;
    if (next === C.lbracket) {
      const reference = this.#label(i + 1);
      if (reference === null) return i + 1;
      if (reference.text !== "") label = reference.text; // `[text][]` uses the text as its label
      end = reference.end;
    }
    const href = label === null ? undefined : this.#definitions.get(normalizeLabel(label));
    if (href === undefined) return i + 1;
    this.#record({ image: opener.image, href: decodeReference({ text: href, markdown: true }) });
    return end;
  }

  /** `[label]` at `at`: no bracket inside, at most {@link MAX_LABEL_CHARS}. */
  #label(at: number): { text: string; end: number } | null {
    for (let p = at + 1; p <= at + 1 + MAX_LABEL_CHARS; p++) {
      const c = this.#code(p);
      if (c === -1 || c === C.lbracket) return null;
      if (c === C.backslash) p++;
      else if (c === C.rbracket) return { text: this.#src.slice(at + 1, p), end: p + 1 };
    }
    return null;
  }

  /** `(destination "title")` after `]`, from just past the `(`. */
  #destination(from: number): { href: string; end: number } | null {
    let p = this.#skipSpace(from);
    let href: string;
    if (this.#code(p) === C.lt) {
      let q = p + 1;
      for (let c = this.#code(q); c !== C.gt; c = this.#code(q)) {
        if (c === -1 || c === C.newline || c === C.lt || this.#startsLink(q)) return null;
        q += c === C.backslash ? 2 : 1;
      }
      href = this.#src.slice(p + 1, q);
      p = q + 1;
    } else {
      let q = p;
      let depth = 0;
      for (let c = this.#code(q); c > 0x20; c = this.#code(q)) {
        if (c === C.lparen && ++depth > MAX_PAREN_DEPTH) return null;
        if (c === C.rparen && depth-- === 0) break;
        if (this.#startsLink(q)) return null;
        q += c === C.backslash && isAsciiPunctuation(this.#code(q + 1)) ? 2 : 1;
      }
      if (depth > 0) return null;
      href = this.#src.slice(p, q);
      p = q;
    }
    const afterHref = p;
    p = this.#skipSpace(p);
    const open = this.#code(p);
    if (p > afterHref && (open === C.quote || open === C.apostrophe || open === C.lparen)) {
      const close = open === C.lparen ? C.rparen : open;
      let q = p + 1;
      for (let c = this.#code(q); c !== close; c = this.#code(q)) {
        if (c === -1 || this.#startsLink(q)) return null;
        q += c === C.backslash ? 2 : 1;
      }
      p = this.#skipSpace(q + 1);
    }
    return this.#code(p) === C.rparen ? { href, end: p + 1 } : null;
  }

  /** `](` at `i`: where the next inline link attempt starts, so none scans past it. */
  #startsLink(i: number): boolean {
    return this.#code(i) === C.rbracket && this.#code(i + 1) === C.lparen;
  }

  /** Spaces and tabs, and at most one line break. */
  #skipSpace(from: number): number {
    let p = from;
    let newlines = 0;
    for (let c = this.#code(p); c === 0x20 || c === 0x09 || (c === C.newline && newlines++ === 0); c = this.#code(p)) p++;
    return p;
  }

  #angle(i: number): number {
    const src = this.#src;
    if (src.startsWith("<!--", i)) return this.#comment(i);
    AUTOLINK.lastIndex = i;
    const autolink = AUTOLINK.exec(src);
    if (autolink !== null && AUTOLINK.lastIndex <= this.#end) {
      this.#sink.link(decodeReference({ text: autolink[1] ?? "", markdown: false }));
      return AUTOLINK.lastIndex;
    }
    const tag = readStartTag({ src, at: i, to: this.#end });
    if (tag === null) {
      // Unterminated or oversized, it renders as text; it is still an attempt at an image.
      if (IMAGE_TAG_START.test(src.slice(i, i + 7))) this.#sink.image([]);
      return i + 1;
    }
    this.#recordTag(tag);
    return tag.end;
  }

  /** An HTML comment is removed by the sanitizer with everything in it. */
  #comment(i: number): number {
    const close = this.#commentEnds.next(i + 4);
    return close < this.#end ? close + 3 : i + 1;
  }

  #recordTag(tag: StartTag): void {
    const urls = tag.urls.map(({ attribute, value }) => ({
      attribute,
      hrefs: (attribute === "srcset" ? srcsetUrls(value) : [value]).map((text) => decodeReference({ text, markdown: false })),
    }));
    if (tag.name === "img" || tag.name === "image") {
      this.#sink.image(urls.flatMap(({ hrefs }) => hrefs));
      return;
    }
    for (const { attribute, hrefs } of urls) {
      for (const href of hrefs) {
        if (tag.name === "a" && attribute === "href") this.#sink.link(href);
        else this.#sink.resource(href);
      }
    }
  }

  /**
   * A GFM bare URL (`https://…`, `www.…`) after a space, a line start or `*_~(`: up to whitespace
   * or `<` (or `]` inside link text), without trailing punctuation or unbalanced `)`.
   */
  #bareUrl(i: number): number {
    const before = this.#code(i - 1);
    if (before !== -1 && !isWhitespace(before) && !"*_~(".includes(String.fromCharCode(before))) return i + 1;
    const prefix = BARE_URL_PREFIX.exec(this.#src.slice(i, i + 8))?.[0];
    if (prefix === undefined) return i + 1;
    const inLinkText = this.#openers.length > 0;
    let q = i + prefix.length;
    for (let c = this.#code(q); c !== -1 && !isWhitespace(c) && c !== C.lt && !(inLinkText && c === C.rbracket); c = this.#code(q)) q++;
    let opens = 0;
    let closes = 0;
    for (let p = i; p < q; p++) {
      const c = this.#code(p);
      if (c === C.lparen) opens++;
      else if (c === C.rparen) closes++;
    }
    let end = q;
    while (end > i + prefix.length) {
      const c = this.#code(end - 1);
      if (TRAILING_PUNCTUATION.has(c)) end--;
      else if (c === C.rparen && closes > opens) {
        closes--;
        end--;
      } else break;
    }
    const url = this.#src.slice(i, end);
    if (end > i + prefix.length) this.#sink.link(prefix.toLowerCase() === "www." ? `http://${url}` : url);
    return q;
  }

  #record({ image, href }: { image: boolean; href: string }): void {
    if (image) this.#sink.image([href]);
    else this.#sink.link(href);
  }
}

function isAsciiPunctuation(c: number): boolean {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}
