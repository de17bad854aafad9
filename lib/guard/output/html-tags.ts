import { isWhitespace } from "./markdown-blocks";

/**
 * Raw HTML start tags in markdown, read for the link audit: the tag's name and the attributes that
 * name a URL. A tag is read by CommonMark's grammar first (quoted values may hold `<` and `>`),
 * then, failing that, the way a browser would take it (`<img/src=x>`), up to the next `>` before
 * any other `<`. Every attempt stops at a bounded distance or at a character that a later attempt
 * starts from, so reading all tags of a text is linear in its length.
 */

/** Attributes whose value is a URL that is fetched, followed or sent to. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "src",
  "srcset",
  "href",
  "xlink:href",
  "poster",
  "background",
  "data",
  "action",
  "formaction",
  "ping",
  "lowsrc",
  "dynsrc",
  "longdesc",
  "cite",
  "codebase",
  "manifest",
]);

/** Longest tag read, in UTF-16 code units. */
const MAX_TAG_CHARS = 4_000;

/** A start tag: lower-case name, its URL attributes in order, and where it ends. */
export type StartTag = { name: string; urls: Array<{ attribute: string; value: string }>; end: number };

/** The start tag at `src[at] === "<"`, if there is one before `to`. */
export function readStartTag({ src, at, to }: { src: string; at: number; to: number }): StartTag | null {
  const limit = Math.min(to, at + MAX_TAG_CHARS);
  return strictTag({ src, at, limit }) ?? lenientTag({ src, at, limit });
}

type Attributes = StartTag["urls"];

function strictTag({ src, at, limit }: { src: string; at: number; limit: number }): StartTag | null {
  let p = at + 1;
  const nameEnd = scan({ src, from: p, limit, accept: isNameChar });
  if (nameEnd === p || !isLetter(src.charCodeAt(p))) return null;
  const name = src.slice(p, nameEnd).toLowerCase();
  p = nameEnd;
  const urls: Attributes = [];
  for (;;) {
    const spaced = scan({ src, from: p, limit, accept: isWhitespace });
    const c = src.charCodeAt(spaced);
    if (spaced >= limit) return null;
    if (c === 0x3e /* > */) return { name, urls, end: spaced + 1 };
    if (c === 0x2f /* / */ && spaced + 1 < limit && src.charCodeAt(spaced + 1) === 0x3e) return { name, urls, end: spaced + 2 };
    if (spaced === p || !isAttributeStart(c)) return null;
    const attributeEnd = scan({ src, from: spaced, limit, accept: isAttributeChar });
    const attribute = src.slice(spaced, attributeEnd).toLowerCase();
    p = attributeEnd;
    const equals = scan({ src, from: p, limit, accept: isWhitespace });
    if (src.charCodeAt(equals) !== 0x3d /* = */ || equals >= limit) continue;
    const valueStart = scan({ src, from: equals + 1, limit, accept: isWhitespace });
    const quote = src.charCodeAt(valueStart);
    let value: string;
    if (quote === 0x22 || quote === 0x27) {
      const close = scan({ src, from: valueStart + 1, limit, accept: (c) => c !== quote });
      if (close >= limit) return null;
      value = src.slice(valueStart + 1, close);
      p = close + 1;
    } else {
      const valueEnd = scan({ src, from: valueStart, limit, accept: isUnquotedValueChar });
      if (valueEnd === valueStart) return null;
      value = src.slice(valueStart, valueEnd);
      p = valueEnd;
    }
    if (URL_ATTRIBUTES.has(attribute)) urls.push({ attribute, value });
  }
}

/**
 * An attribute with a value, as a browser reads it. A name must follow whitespace, `/` or a
 * quote, so that a long name is not retried from each of its characters.
 */
const LENIENT_ATTRIBUTE = /(?<=[\s/"'])([^\s"'>/=]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g;

/** What a browser's tokenizer would make of `<name …>` when the strict grammar refuses it. */
function lenientTag({ src, at, limit }: { src: string; at: number; limit: number }): StartTag | null {
  if (!isLetter(src.charCodeAt(at + 1))) return null;
  let close = at + 1;
  while (close < limit && src.charCodeAt(close) !== 0x3e && src.charCodeAt(close) !== 0x3c) close++;
  if (close >= limit || src.charCodeAt(close) !== 0x3e) return null;
  const inner = src.slice(at + 1, close);
  const name = /^[^\s/>]+/.exec(inner)?.[0]?.toLowerCase() ?? "";
  const urls: Attributes = [];
  for (const match of inner.slice(name.length).matchAll(LENIENT_ATTRIBUTE)) {
    const attribute = (match[1] ?? "").toLowerCase();
    const raw = match[2] ?? "";
    const value = raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw;
    if (URL_ATTRIBUTES.has(attribute)) urls.push({ attribute, value });
  }
  return { name, urls, end: close + 1 };
}

/** The URLs of a `srcset`: the first word of each comma-separated candidate. */
export function srcsetUrls(value: string): string[] {
  return value
    .split(",")
    .map((candidate) => candidate.trim().split(/\s+/)[0] ?? "")
    .filter((url) => url !== "");
}

function scan({ src, from, limit, accept }: { src: string; from: number; limit: number; accept: (c: number) => boolean }): number {
  let p = from;
  while (p < limit && accept(src.charCodeAt(p))) p++;
  return p;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isNameChar(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

function isAttributeStart(c: number): boolean {
  return isLetter(c) || c === 0x5f || c === 0x3a;
}

function isAttributeChar(c: number): boolean {
  return isNameChar(c) || c === 0x5f || c === 0x3a || c === 0x2e;
}

function isUnquotedValueChar(c: number): boolean {
  // Not whitespace, quotes, =, <, > or backtick.
  return !isWhitespace(c) && c !== 0x22 && c !== 0x27 && c !== 0x3d && c !== 0x3c && c !== 0x3e && c !== 0x60 && !Number.isNaN(c);
}
