/**
 * A web page as the text a reader sees, for the model: scripts, styles, embedded documents and
 * comments are dropped, and so is text the page hides from readers (the `hidden` attribute,
 * `aria-hidden="true"`, an inline `display: none` or `visibility: hidden`), which is where an
 * indirect injection is usually planted; how much was hidden is counted so the caller can say so.
 * Links keep their text only: the address is left out (fewer tokens, and a page cannot lay out a
 * trail of URLs for the model to follow or repeat).
 *
 * Not a sanitizer and not a full HTML parser: its output is plain text, never rendered as HTML.
 * Where it reads a page differently from a browser (implied end tags beyond `p`, `li`, `dt` and `dd`,
 * tables, misnested formatting), it errs towards dropping text rather than showing hidden text. One
 * pass over the input, every scan moving forward: linear time on any input, however hostile.
 */
import { decodeEntities } from "./html-entities";
import { Kind, kindOf, rawTextEnd, readTag, tag } from "./html-tags";

export type HtmlText = {
  /** The first `<title>`, whitespace collapsed; absent when there is none or it is empty. */
  title?: string;
  /** The readable text: blocks on their own lines, list items as `- `, whitespace collapsed. */
  text: string;
  /** Characters of text inside hidden elements, dropped. */
  hiddenChars: number;
  /** Characters of text inside comments, dropped. */
  commentChars: number;
};

const WHITESPACE = /\s+/g;
const collapse = (text: string) => text.replace(WHITESPACE, " ");
const isAlpha = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/** Builds the text: pending line breaks and spaces are written only before the next visible word. */
class TextOut {
  private readonly parts: string[] = [];
  private breaks = 0;
  private space = false;
  private bullet = false;
  private empty = true;

  block(count: 1 | 2) {
    this.breaks = Math.max(this.breaks, count);
  }

  lineBreak() {
    this.breaks = Math.min(this.breaks + 1, 2);
  }

  listItem() {
    this.block(1);
    this.bullet = true;
  }

  separate() {
    this.space = true;
  }

  /** Ordinary text, whitespace already collapsed. */
  inline(text: string) {
    if (text.charCodeAt(0) === 0x20) this.space = true;
    const words = text.trim();
    if (!words) return;
    this.lead();
    this.parts.push(words);
    this.space = text.charCodeAt(text.length - 1) === 0x20;
  }

  /** Preformatted text, written as it is. */
  raw(text: string) {
    if (!text) return;
    this.lead();
    this.parts.push(text.replace(/\r\n?/g, "\n"));
  }

  private lead() {
    if (!this.empty) {
      if (this.breaks) this.parts.push(this.breaks === 2 ? "\n\n" : "\n");
      else if (this.space) this.parts.push(" ");
    }
    if (this.bullet) this.parts.push("- ");
    this.breaks = 0;
    this.space = false;
    this.bullet = false;
    this.empty = false;
  }

  toString(): string {
    return this.parts
      .join("")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd();
  }
}

/**
 * The open elements, innermost last: names and kind bits in two arrays (no object per element), and
 * how many of each name are open, so an end tag with nothing to close costs nothing and closing is
 * linear overall. The counters say whether the current text is dropped, hidden, foreign or preformatted.
 */
class OpenElements {
  private readonly names: string[] = [];
  private readonly kinds: number[] = [];
  private readonly hides: boolean[] = [];
  private readonly count = new Map<string, number>();
  dropped = 0;
  hidden = 0;
  foreign = 0;
  pre = 0;

  constructor(private readonly out: TextOut) {}

  get shown(): boolean {
    return this.dropped === 0 && this.hidden === 0;
  }

  top(): string | undefined {
    return this.names.at(-1);
  }

  push(name: string, kind: number, hidden: boolean) {
    this.names.push(name);
    this.kinds.push(kind);
    this.hides.push(hidden);
    this.count.set(name, (this.count.get(name) ?? 0) + 1);
    if (kind & Kind.dropped) this.dropped++;
    if (kind & Kind.foreign) this.foreign++;
    if (kind & Kind.pre) this.pre++;
    if (hidden) this.hidden++;
  }

  pop(): string {
    const name = this.names.pop()!;
    const kind = this.kinds.pop()!;
    if (this.hides.pop()) this.hidden--;
    this.count.set(name, this.count.get(name)! - 1);
    if (kind & Kind.dropped) this.dropped--;
    if (kind & Kind.foreign) this.foreign--;
    if (kind & Kind.pre) this.pre--;
    if (this.shown) {
      if (kind & Kind.paragraph) this.out.block(2);
      else if (kind & Kind.line) this.out.block(1);
    }
    return name;
  }

  /** Closes the innermost open `name` and everything opened inside it; nothing when none is open. */
  close(name: string) {
    if (!this.count.get(name)) return;
    while (this.pop() !== name);
  }
}

/** `html` reduced to its visible text and title; see the module comment for what is dropped. */
export function htmlToText(html: string): HtmlText {
  const out = new TextOut();
  const open = new OpenElements(out);
  let title: string | undefined;
  let hiddenChars = 0;
  let commentChars = 0;

  const text = (chunk: string, raw = false) => {
    if (open.dropped) return;
    const decoded = raw ? chunk : decodeEntities(chunk);
    if (open.hidden) hiddenChars += collapse(decoded).trim().length;
    else if (open.pre) out.raw(decoded);
    else out.inline(collapse(decoded));
  };

  const start = (name: string, hidden: boolean, selfClosing: boolean) => {
    const kind = kindOf(name);
    if (name === "br") {
      if (open.shown) out.lineBreak();
      return;
    }
    const top = open.top();
    if (kind & Kind.closesP && top === "p") open.close("p");
    else if ((name === "li" && top === "li") || ((name === "dt" || name === "dd") && (top === "dt" || top === "dd"))) open.pop();
    if (open.shown) {
      if (name === "li") out.listItem();
      else if (kind & Kind.paragraph) out.block(2);
      else if (kind & Kind.line) out.block(1);
      else if (kind & Kind.cell) out.separate();
    }
    if (kind & Kind.void || (selfClosing && (open.foreign || kind & Kind.foreign))) return;
    open.push(name, kind, hidden);
  };

  const n = html.length;
  let i = 0;
  let textStart = 0;
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    const closing = next === 0x2f; /* "/" */
    if (!(isAlpha(next) || (closing && lt + 2 < n) || next === 0x21 /* "!" */ || next === 0x3f) /* "?" */) {
      // A "<" that starts nothing is text: keep scanning the same run.
      i = lt + 1;
      continue;
    }
    if (lt > textStart) text(html.slice(textStart, lt));

    if (html.startsWith("<!--", lt)) {
      // "<!-->" and "<!--->" are whole (empty) comments; an unclosed comment runs to the end.
      const bodyStart = lt + 4;
      const early = html.startsWith(">", bodyStart) ? bodyStart : html.startsWith("->", bodyStart) ? bodyStart + 1 : -1;
      const commentEnd = early >= 0 ? early - 2 : html.indexOf("-->", bodyStart);
      if (!open.dropped) commentChars += collapse(html.slice(bodyStart, commentEnd < 0 ? n : Math.max(commentEnd, bodyStart))).trim().length;
      i = commentEnd < 0 ? n : commentEnd + 3;
    } else if (!isAlpha(next) && !(closing && isAlpha(html.charCodeAt(lt + 2)))) {
      // <!DOCTYPE …>, <![CDATA[…]]>, <?…>, </ …>: bogus comments, up to the next ">".
      const gt = html.indexOf(">", lt + 2);
      i = gt < 0 ? n : gt + 1;
    } else if (closing) {
      readTag(html, lt, true);
      i = tag.end;
      if (tag.closed && tag.name === "br") start("br", false, false);
      else if (tag.closed) open.close(tag.name);
    } else {
      readTag(html, lt, false);
      i = tag.end;
      const { name, hidden, selfClosing } = tag;
      if (!tag.closed) {
        // The input ended inside the tag, which drops it.
      } else if (kindOf(name) & Kind.rawText && !open.foreign) {
        const end = rawTextEnd(html, name, i);
        const content = html.slice(i, end < 0 ? n : end);
        if (name === "title") {
          if (title === undefined && !open.dropped) title = collapse(decodeEntities(content)).trim() || undefined;
        } else if (!(kindOf(name) & Kind.dropped)) {
          start(name, hidden, false);
          text(content, name === "xmp");
          open.close(name);
        }
        if (end < 0) i = n;
        else {
          readTag(html, end, true);
          i = tag.end;
        }
      } else if (name === "plaintext" && !open.dropped) {
        start(name, hidden, false);
        text(html.slice(i), true);
        i = n;
      } else start(name, hidden, selfClosing);
    }
    textStart = i;
  }
  if (textStart < n) text(html.slice(textStart));

  return { ...(title && { title }), text: out.toString(), hiddenChars, commentChars };
}
