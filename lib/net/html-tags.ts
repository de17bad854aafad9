/**
 * The tag-level half of html-text.ts: what each element means for the text (one table), and a
 * reader for one tag at a time that never looks back, so a page is read in linear time however its
 * tags are broken.
 */
import { decodeEntities } from "./html-entities";

/** What an element means for the text; bits, so one lookup per tag answers every question. */
export const Kind = {
  /** Content not read at all: scripts, styles, templates, embedded documents and images. */
  dropped: 1,
  /** Read to its end tag without looking for markup (the HTML standard's raw text and RCDATA elements). */
  rawText: 2,
  /** Has no content and no end tag. */
  void: 4,
  /** Foreign content, where a self-closing `/>` ends the element; on HTML elements the slash is ignored, as browsers do. */
  foreign: 8,
  /** Starting it while a `<p>` is the open element closes the paragraph, as in browsers. */
  closesP: 16,
  /** Whitespace kept as written. */
  pre: 32,
  /** On its own line. */
  line: 64,
  /** On its own line with a blank line around it. */
  paragraph: 128,
  /** A table cell: a space from its neighbours. */
  cell: 256,
} as const;

const KINDS = new Map<string, number>();
const mark = (names: string, kind: number) => {
  for (const name of names.split(" ")) KINDS.set(name, (KINDS.get(name) ?? 0) | kind);
};
mark("script style noscript template svg iframe object noembed noframes", Kind.dropped);
mark("script style noscript iframe noembed noframes xmp title textarea", Kind.rawText);
mark("area base br col embed hr img input link meta param source track wbr", Kind.void);
mark("svg math", Kind.foreign);
mark(
  "address article aside blockquote div dl dd dt fieldset figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table ul",
  Kind.closesP,
);
mark("pre listing", Kind.pre);
mark("p h1 h2 h3 h4 h5 h6 blockquote pre table", Kind.paragraph);
mark(
  "ul ol dl li dt dd tr div section article header footer nav aside main form fieldset figure figcaption address details summary caption hr textarea xmp listing plaintext",
  Kind.line,
);
mark("td th", Kind.cell);

/** The kind bits of an element (0 for an ordinary inline element). */
export const kindOf = (name: string): number => KINDS.get(name) ?? 0;

/**
 * The tag readTag last read. Filled in place, one object for the whole page rather than one per tag:
 * a page of nothing but tags is the hostile case. `closed` is false when the input ended inside the
 * tag, which drops it, as the HTML standard does.
 */
export const tag = { name: "", end: 0, closed: false, selfClosing: false, hidden: false };

const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
const SLASH = 0x2f;
const GT = 0x3e;
const EQUALS = 0x3d;
const WHITESPACE = /\s+/g;

function hidingStyle(style: string): boolean {
  const compact = style.toLowerCase().replace(WHITESPACE, "");
  return compact.includes("display:none") || compact.includes("visibility:hidden");
}

function hides(attr: string, value: string): boolean {
  if (attr === "hidden") return true;
  if (attr === "aria-hidden") return decodeEntities(value).trim().toLowerCase() === "true";
  return attr === "style" && hidingStyle(decodeEntities(value));
}

/**
 * Reads the tag whose `<` is at `start` (an end tag when `closing`) into `tag`: its lower-case name,
 * the index after its `>`, and whether an attribute hides it (`hidden`, `aria-hidden="true"`, an
 * inline `display: none` or `visibility: hidden`).
 */
export function readTag(html: string, start: number, closing: boolean): void {
  const n = html.length;
  let j = start + (closing ? 2 : 1);
  const nameStart = j;
  for (let code = html.charCodeAt(j); j < n && !isSpace(code) && code !== SLASH && code !== GT; code = html.charCodeAt(++j));
  tag.name = html.slice(nameStart, j).toLowerCase();
  tag.closed = false;
  tag.selfClosing = false;
  tag.hidden = false;
  tag.end = n;
  while (j < n) {
    const code = html.charCodeAt(j);
    if (isSpace(code)) {
      j++;
      continue;
    }
    if (code === SLASH) {
      tag.selfClosing = html.charCodeAt(j + 1) === GT;
      j++;
      continue;
    }
    if (code === GT) {
      tag.end = j + 1;
      tag.closed = true;
      return;
    }
    tag.selfClosing = false;
    // An attribute: its name (whose first character may be "="), then an optional value.
    const attrStart = j;
    for (let c = html.charCodeAt(++j); j < n && !isSpace(c) && c !== SLASH && c !== GT && c !== EQUALS; c = html.charCodeAt(++j));
    const attr = html.slice(attrStart, j).toLowerCase();
    while (j < n && isSpace(html.charCodeAt(j))) j++;
    let value = "";
    if (html.charCodeAt(j) === EQUALS) {
      j++;
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) return;
        value = html.slice(j + 1, close);
        j = close + 1;
      } else {
        const valueStart = j;
        for (let c = html.charCodeAt(j); j < n && !isSpace(c) && c !== GT; c = html.charCodeAt(++j));
        value = html.slice(valueStart, j);
      }
    }
    if (!tag.hidden && hides(attr, value)) tag.hidden = true;
  }
}

const endTagPatterns = new Map<string, RegExp>();

/** Where the raw text of `name` that starts at `from` ends: the index of its `</name` end tag, or -1. */
export function rawTextEnd(html: string, name: string, from: number): number {
  let pattern = endTagPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`</${name}[\\t\\n\\f\\r />]`, "gi");
    endTagPatterns.set(name, pattern);
  }
  pattern.lastIndex = from;
  return pattern.exec(html)?.index ?? -1;
}
