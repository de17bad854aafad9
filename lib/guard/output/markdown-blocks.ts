/**
 * The block structure the link audit needs, read line by line in one pass: which stretches of the
 * text are paragraphs (where links and images can be), which are fenced code (where they cannot),
 * and the link reference definitions. It follows CommonMark closely enough for an audit: block
 * quote and list markers are stripped before a fence or a definition is recognised, a fence inside
 * a block quote ends with the quote. Indented code blocks and HTML blocks are read as paragraphs,
 * so a link written there is reported although it would not be rendered: the audit errs towards
 * reporting.
 */

/** A stretch of text read as inline content, `[start, end)` in the source. */
export type Segment = { start: number; end: number };

/** Paragraph segments, and the reference definitions by normalized label (the first one wins). */
export type Blocks = { segments: Segment[]; definitions: Map<string, string> };

/** CommonMark's longest link label. */
export const MAX_LABEL_CHARS = 999;

type Fence = { char: number; length: number; quotes: number };

const BACKTICK = 0x60;
const TILDE = 0x7e;

export function splitBlocks(src: string): Blocks {
  const segments: Segment[] = [];
  const definitions = new Map<string, string>();
  let fence: Fence | null = null;
  let paragraph = -1;
  const closeParagraph = (at: number) => {
    if (paragraph >= 0 && at > paragraph) segments.push({ start: paragraph, end: at });
    paragraph = -1;
  };

  for (let lineStart = 0; lineStart <= src.length; ) {
    const newline = src.indexOf("\n", lineStart);
    const lineEnd = newline < 0 ? src.length : newline;
    const next = lineEnd + 1;
    const { content, quotes } = containerPrefix({ src, from: lineStart, to: lineEnd });
    if (fence !== null && quotes >= fence.quotes) {
      if (closesFence({ src, from: content, to: lineEnd, fence })) fence = null;
      lineStart = next;
      continue;
    }
    fence = null;
    const opened = opensFence({ src, from: content, to: lineEnd });
    if (opened !== null) {
      closeParagraph(lineStart);
      fence = { ...opened, quotes };
      lineStart = next;
      continue;
    }
    if (isBlank({ src, from: content, to: lineEnd })) {
      closeParagraph(lineStart);
      lineStart = next;
      continue;
    }
    if (paragraph < 0) {
      // A definition cannot interrupt a paragraph, so it is looked for only where one could start.
      const definition = readDefinition({ src, from: content, to: lineEnd });
      if (definition !== null) {
        if (!definitions.has(definition.label)) definitions.set(definition.label, definition.href);
        lineStart = definition.next;
        continue;
      }
      paragraph = lineStart;
    }
    lineStart = next;
  }
  closeParagraph(src.length);
  return { segments, definitions };
}

/** Case-folded, whitespace-collapsed label, as CommonMark matches references to definitions. */
export function normalizeLabel(label: string): string {
  return label
    .trim()
    .replace(/[ \t\r\n]+/g, " ")
    .toUpperCase()
    .toLowerCase();
}

type Range = { src: string; from: number; to: number };

/** Skips indentation, block quote markers and list markers; counts the block quote markers. */
function containerPrefix({ src, from, to }: Range): { content: number; quotes: number } {
  let p = from;
  let quotes = 0;
  for (;;) {
    while (p < to && isSpaceOrTab(src.charCodeAt(p))) p++;
    const c = src.charCodeAt(p);
    if (p < to && c === 0x3e /* > */) {
      quotes++;
      p++;
      continue;
    }
    if (p < to && (c === 0x2d || c === 0x2a || c === 0x2b) /* - * + */ && (p + 1 === to || isSpaceOrTab(src.charCodeAt(p + 1)))) {
      p++;
      continue;
    }
    let q = p;
    while (q < to && q - p < 9 && isDigit(src.charCodeAt(q))) q++;
    const d = src.charCodeAt(q);
    if (q > p && q < to && (d === 0x2e || d === 0x29) /* . ) */ && (q + 1 === to || isSpaceOrTab(src.charCodeAt(q + 1)))) {
      p = q + 1;
      continue;
    }
    return { content: p, quotes };
  }
}

function opensFence({ src, from, to }: Range): { char: number; length: number } | null {
  const char = src.charCodeAt(from);
  if (from >= to || (char !== BACKTICK && char !== TILDE)) return null;
  const length = runLength({ src, from, to, char });
  if (length < 3) return null;
  // A backtick fence's info string has no backtick; otherwise the line is inline code.
  if (char === BACKTICK && src.slice(from + length, to).includes("`")) return null;
  return { char, length };
}

function closesFence({ src, from, to, fence }: Range & { fence: Fence }): boolean {
  const length = runLength({ src, from, to, char: fence.char });
  return length >= fence.length && isBlank({ src, from: from + length, to });
}

function runLength({ src, from, to, char }: Range & { char: number }): number {
  let p = from;
  while (p < to && src.charCodeAt(p) === char) p++;
  return p - from;
}

/** `[label]: destination`, the destination on the same line or the next. */
function readDefinition({ src, from, to }: Range): { label: string; href: string; next: number } | null {
  if (src.charCodeAt(from) !== 0x5b /* [ */) return null;
  let p = from + 1;
  for (; p < to && p - from <= MAX_LABEL_CHARS; p++) {
    const c = src.charCodeAt(p);
    if (c === 0x5c /* \ */) p++;
    else if (c === 0x5b) return null;
    else if (c === 0x5d /* ] */) break;
  }
  if (p >= to || src.charCodeAt(p) !== 0x5d || src.charCodeAt(p + 1) !== 0x3a /* : */) return null;
  const label = normalizeLabel(src.slice(from + 1, p));
  if (label === "") return null;
  let destination = readToken({ src, from: p + 2, to });
  let next = to + 1;
  if (destination === null && to < src.length) {
    const lineEnd = src.indexOf("\n", to + 1);
    const end = lineEnd < 0 ? src.length : lineEnd;
    destination = readToken({ src, from: to + 1, to: end });
    next = end + 1;
  }
  if (destination === null) return null;
  return { label, href: destination, next };
}

/** The first whitespace-delimited token of a range, without its angle brackets. */
function readToken({ src, from, to }: Range): string | null {
  let p = from;
  while (p < to && isSpaceOrTab(src.charCodeAt(p))) p++;
  if (p >= to) return null;
  if (src.charCodeAt(p) === 0x3c /* < */) {
    for (let q = p + 1; q < to; q++) if (src.charCodeAt(q) === 0x3e /* > */) return src.slice(p + 1, q);
    return null;
  }
  let q = p;
  while (q < to && !isWhitespace(src.charCodeAt(q))) q++;
  return src.slice(p, q);
}

function isBlank({ src, from, to }: Range): boolean {
  for (let p = from; p < to; p++) if (!isWhitespace(src.charCodeAt(p))) return false;
  return true;
}

function isSpaceOrTab(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

export function isWhitespace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
