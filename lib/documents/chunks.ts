/**
 * A document cut into chunks for passage selection (lib/documents/context.ts): prose (plain text,
 * Markdown, a PDF's text) by paragraph, CSV by rows with the header row repeated in every chunk, JSON
 * by lines. A chunk is at most `max` characters and is never cut inside a word unless a single
 * "word" is longer than a chunk. One pass over the text: documents run to a few megabytes.
 */
import type { AttachmentType } from "../wire";

/** Chunk sizes, in characters: packing stops once a chunk reaches `target`, and no chunk passes `max`. */
export const CHUNK_CHARS = { target: 1_000, max: 1_500 } as const;

type Span = { start: number; end: number };

/** Spans of `text` separated by matches of `separator`, blank ones left out. */
function spansBetween(text: string, separator: RegExp): Span[] {
  const spans: Span[] = [];
  let start = 0;
  for (const match of text.matchAll(separator)) {
    spans.push({ start, end: match.index });
    start = match.index + match[0].length;
  }
  spans.push({ start, end: text.length });
  return spans.filter((s) => text.slice(s.start, s.end).trim() !== "");
}

/** CSV records (a quoted field may hold line breaks): the span of each row, without its line break. */
function csvRows(text: string): Span[] {
  const rows: Span[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (c === 0x0a && !quoted) {
      rows.push({ start, end: i > start && text.charCodeAt(i - 1) === 0x0d ? i - 1 : i });
      start = i + 1;
    }
  }
  rows.push({ start, end: text.length });
  return rows.filter((s) => text.slice(s.start, s.end).trim() !== "");
}

/** Where to end a piece of `text` that starts at `from` and may run to `limit`: the last line break, sentence end, space or punctuation, in that preference. */
function breakBefore(text: string, from: number, limit: number): number {
  const window = text.slice(from, limit);
  const floor = Math.floor(window.length / 2);
  const marks = [/\n/g, /[.!?]["')\]]?\s/g, /\s/g, /[,;)\]}]/g];
  const lasts = marks.map((mark) => {
    let last = -1;
    for (const m of window.matchAll(mark)) last = m.index + m[0].length;
    return last;
  });
  // A break in the second half of the window, by preference; else any break; else the word itself is too long.
  const best = lasts.find((last) => last > floor) ?? Math.max(...lasts);
  if (best > 0) return from + best;
  // One "word" longer than a chunk: cut it, but not between the halves of a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** A span longer than `max` in pieces of at most `max`, each trimmed. */
function splitLong(text: string, span: Span, max: number): string[] {
  const pieces: string[] = [];
  let at = span.start;
  while (span.end - at > max) {
    const cut = breakBefore(text, at, at + max);
    const piece = text.slice(at, cut).trim();
    if (piece !== "") pieces.push(piece);
    at = cut;
  }
  const rest = text.slice(at, span.end).trim();
  if (rest !== "") pieces.push(rest);
  return pieces;
}

/** Consecutive units packed into chunks: the original text between the first and last unit, separators kept. */
function pack(text: string, units: Span[], max: number): string[] {
  const target = Math.min(CHUNK_CHARS.target, max);
  const chunks: string[] = [];
  let open: Span | null = null;
  const flush = () => {
    if (open) chunks.push(text.slice(open.start, open.end).trim());
    open = null;
  };
  for (const unit of units) {
    if (unit.end - unit.start > max) {
      flush();
      chunks.push(...splitLong(text, unit, max));
      continue;
    }
    if (open && unit.end - open.start > max) flush();
    open = open ? { start: open.start, end: unit.end } : { ...unit };
    if (open.end - open.start >= target) flush();
  }
  flush();
  return chunks.filter((c) => c !== "");
}

/** Rows packed under the header row, which every chunk repeats so that each reads as a table. */
function packCsv(text: string, max: number): string[] {
  const [header, ...rows] = csvRows(text);
  if (!header) return [];
  const head = text.slice(header.start, header.end);
  // A header too long to repeat: the rows are cut as prose instead.
  if (head.length > max / 2) return pack(text, spansBetween(text, /\n/g), max);
  if (rows.length === 0) return [head];
  const room = max - head.length - 1;
  return pack(text, rows, room).map((body) => `${head}\n${body}`);
}

/** `text` in chunks of at most `max` characters (CHUNK_CHARS.max when larger). */
export function chunkText({ text, type, max = CHUNK_CHARS.max }: { text: string; type: AttachmentType; max?: number }): string[] {
  const limit = Math.max(1, Math.min(max, CHUNK_CHARS.max));
  if (type === "text/csv") return packCsv(text, limit);
  if (type === "application/json") return pack(text, spansBetween(text, /\r?\n/g), limit);
  return pack(text, spansBetween(text, /\r?\n[ \t]*(?:\r?\n[ \t]*)+/g), limit);
}
