import type { AttachmentType } from "@/lib/wire";
import { notUtf8, unsupportedType } from "./refusals";

/**
 * Bytes that are not a known binary format, as text: decoded strictly (UTF-8, or UTF-8/UTF-16 with
 * a byte-order mark), refused when they are binary data or markup, then recognised as JSON, CSV,
 * Markdown or plain text.
 */

/** C0 controls other than tab, newlines, form feed; and DEL: rare in text, common in binary data. */
const isControl = (code: number) => (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) || code === 0x7f;

/** Decodes the bytes, or refuses: binary data (415) or text in another encoding (422). */
export function decodeOrThrow(bytes: Uint8Array): string {
  const [a, b] = bytes;
  const encoding = a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : "utf-8";
  if (encoding === "utf-8" && bytes.includes(0)) throw unsupportedType("binary data (it contains NUL bytes)");
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    if (encoding !== "utf-8") throw notUtf8();
  }
  // Text in an older encoding (Windows-1252, Latin-1) reads as printable characters in that
  // encoding, however many accents it has: it can be saved again as UTF-8. Bytes that leave control
  // characters there too are binary data.
  const legacy = new TextDecoder("windows-1252").decode(bytes);
  let controls = 0;
  for (const ch of legacy) {
    const code = ch.charCodeAt(0);
    if (isControl(code) || (code >= 0x80 && code <= 0x9f)) controls++;
  }
  if (controls > legacy.length * 0.01) throw unsupportedType("binary data (it is not text)");
  throw notUtf8();
}

/**
 * Markup at the start, as the WHATWG MIME Sniffing Standard's HTML patterns match it (after
 * whitespace, a tag name then a space or `>`), plus XML and SVG. Browsers would treat such a file
 * as a page, so it is refused rather than attached as text. Only the first 4 KiB are looked at.
 */
const HTML_START = /^[\t\n\f\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[ >]/i;
/**
 * The start of a web page, not of a fragment: a Markdown file may open with a fragment (a README's
 * `<p align="center">` or `<div>` banner) and is still Markdown. It is never served as a page here
 * (downloads are attachments, nosniff, sandboxed), so the sniffing rule only decides its type.
 */
const PAGE_START = /^[\t\n\f\r ]*<(?:!doctype html|html|head|body|script|iframe|style|title)[ >]/i;
const XML_START = /^[\t\n\f\r ]*<\?xml[\s?]/i;
// Comments cannot contain `-->`, so a run of them splits one way only (no backtracking blow-up).
const SVG_START = /^[\t\n\f\r ]*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->)[^])*-->\s*)*(?:<!doctype svg[^>]*>\s*)?<svg[\s>]/i;

export function refuseMarkup(text: string): void {
  const head = text.slice(0, 4096);
  if (SVG_START.test(head)) throw unsupportedType("an SVG image (markup that can carry scripts)");
  if (PAGE_START.test(head) || (HTML_START.test(head) && !hasMarkdownBlocks(text))) throw unsupportedType("an HTML page (markup that can carry scripts)");
  if (XML_START.test(head)) throw unsupportedType("an XML document");
}

/** The kind of a decoded text: JSON, CSV, Markdown or plain. */
export function textKind(text: string): AttachmentType {
  if (isJson(text)) return "application/json";
  if (hasMarkdownBlocks(text)) return "text/markdown";
  if (isCsv(text)) return "text/csv";
  if (hasMarkdownInline(text)) return "text/markdown";
  return "text/plain";
}

function isJson(text: string): boolean {
  const start = text.trimStart()[0];
  if (start !== "{" && start !== "[") return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}

/**
 * Fields per record for one delimiter, RFC 4180 quoting (a quoted field may hold the delimiter, a
 * newline, and `""`), or null when a quote is left open. Blank lines are skipped.
 */
function fieldCounts(text: string, delimiter: string): number[] | null {
  const counts: number[] = [];
  let fields = 1;
  let quoted = false;
  let fieldStart = true;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (ch === '"' && fieldStart) {
      quoted = true;
      blank = false;
      fieldStart = false;
    } else if (ch === delimiter) {
      fields++;
      blank = false;
      fieldStart = true;
    } else if (ch === "\n") {
      if (!blank) counts.push(fields);
      fields = 1;
      blank = true;
      fieldStart = true;
    } else if (ch !== "\r") {
      if (ch !== " " && ch !== "\t") blank = false;
      fieldStart = false;
    }
  }
  if (quoted) return null;
  if (!blank) counts.push(fields);
  return counts;
}

/** At least two records, each with the same number of fields (more than one) for one of `,` `;` tab. */
function isCsv(text: string): boolean {
  return [",", ";", "\t"].some((delimiter) => {
    const counts = fieldCounts(text, delimiter);
    if (!counts || counts.length < 2) return false;
    const first = counts[0]!;
    return first > 1 && counts.every((n) => n === first);
  });
}

// Every pattern below runs in linear time on a hostile text: no two unbounded quantifiers that can
// trade characters, inline spans bounded to 200 characters.

/** Headings, fenced code, tables (their delimiter row), setext headings, block quotes. */
const MARKDOWN_BLOCKS = [
  /^ {0,3}#{1,6}[ \t]+\S/m,
  /^ {0,3}(```|~~~)[^]*?^ {0,3}\1/m,
  /^ {0,3}\|? *:?-{3,}:? *\|[-:| ]*$/m,
  /^\S.*\n {0,3}(?:={3,}|-{3,})[ \t]*$/m,
  /^ {0,3}>[ \t]?\S.*\n {0,3}>/m,
];
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S/gm;
/** Links and images, strong emphasis. */
const MARKDOWN_INLINE = [/!?\[[^\]\n]{1,200}\]\((?:https?:\/\/|mailto:|\/|#|\.\.?\/)[^)\s]{0,2000}\)/, /(\*\*|__)(?=\S)[^\n]{1,200}?(?<=\S)\1/];
const CODE_SPAN = /`[^`\n]{1,200}`/g;

const atLeast = (re: RegExp, text: string, n: number) => {
  let found = 0;
  for (const _ of text.matchAll(re)) if (++found >= n) return true;
  return false;
};
const hasMarkdownBlocks = (text: string) => MARKDOWN_BLOCKS.some((re) => re.test(text)) || atLeast(LIST_ITEM, text, 2);
const hasMarkdownInline = (text: string) => MARKDOWN_INLINE.some((re) => re.test(text)) || atLeast(CODE_SPAN, text, 2);
