/**
 * Recall and precision of the PII finders on one labelled set (Presidio's sentences or our dev set),
 * as the chat route sees the text: after normalizeInput.
 */
import { normalizeInput } from "../../lib/guard/normalize";
import { findEntities } from "../../lib/guard/pii";
import type { EntityType, Span } from "../../lib/guard/types";
import { code } from "./eval-format";

/**
 * A labelled value in its row's offsets; `label` is the set's own name for it, `type` the redactor's
 * type, or null for a label the redactor has no type for (Presidio's PERSON): such a value is not
 * counted for recall, but a detection over it still names it.
 */
export type LabelledSpan = { label: string; type: EntityType | null; start: number; end: number };
export type LabelledRow = { text: string; spans: LabelledSpan[] };

export type ValueResult = { label: string; type: EntityType; value: string; found: boolean; detected: string };

export type LabelledResult = {
  values: ValueResult[];
  /** Detections that overlap a labelled value of their own type, and all detections. */
  matchedSpans: number;
  detectedSpans: number;
  /** "PHONE over US_DRIVER_LICENSE" → count, for detections that match no labelled value of their type. */
  extra: Map<string, number>;
  /** Rows whose text normalizeInput changes (their offsets are carried over). */
  remapped: number;
};

/**
 * Every labelled value, found or not (found: every non-space character of it lies inside a detected
 * span of its type), and every detection that matches no labelled value of its type.
 */
export function measureLabelled(rows: readonly LabelledRow[]): LabelledResult {
  const result: LabelledResult = { values: [], matchedSpans: 0, detectedSpans: 0, extra: new Map(), remapped: 0 };
  for (const row of rows) {
    const { text, spans, moved } = normalizedWithSpans(row);
    if (moved) result.remapped++;
    const detected = findEntities(text);
    result.detectedSpans += detected.length;
    for (const span of spans) {
      const { type } = span;
      if (type === null) continue;
      result.values.push({
        label: span.label,
        type,
        value: text.slice(span.start, span.end),
        found: covered({ text, span, type, detected }),
        detected: describe({ text, span, detected }),
      });
    }
    for (const span of detected) {
      if (spans.some((l) => l.type === span.type && overlaps(l, span))) {
        result.matchedSpans++;
        continue;
      }
      const under = spans.filter((l) => overlaps(l, span)).map((l) => l.label);
      const key = `${span.type} over ${under.length > 0 ? [...new Set(under)].join("+") : `unlabelled ${code(text.slice(span.start, span.end))}`}`;
      result.extra.set(key, (result.extra.get(key) ?? 0) + 1);
    }
  }
  return result;
}

/**
 * The text as the redactor sees it (normalised) and the labelled spans in its offsets. NFKC can
 * change lengths ("½" → "1⁄2"), so offsets are carried over by normalising the text before each span.
 */
function normalizedWithSpans(row: LabelledRow): { text: string; spans: LabelledSpan[]; moved: boolean } {
  const text = normalizeInput(row.text).text;
  if (text === row.text) return { text, spans: row.spans, moved: false };
  const spans = row.spans.map((s) => {
    const start = normalizeInput(row.text.slice(0, s.start)).text.length;
    const value = normalizeInput(row.text.slice(s.start, s.end)).text;
    if (text.slice(start, start + value.length) !== value)
      throw new Error(`Cannot place the ${s.label} label of ${JSON.stringify(row.text)} in its normalised text`);
    return { ...s, start, end: start + value.length };
  });
  return { text, spans, moved: true };
}

function covered({ text, span, type, detected }: { text: string; span: LabelledSpan; type: EntityType; detected: Span[] }): boolean {
  for (let i = span.start; i < span.end; i++) {
    if (/\s/.test(text[i] ?? "")) continue;
    if (!detected.some((d) => d.type === type && d.start <= i && i < d.end)) return false;
  }
  return true;
}

/** What the redactor made of a labelled value, for the examples of misses. */
function describe({ text, span, detected }: { text: string; span: LabelledSpan; detected: Span[] }): string {
  const over = detected.filter((d) => overlaps(span, d));
  return over.length === 0 ? "nothing detected" : over.map((d) => `${d.type} ${code(text.slice(d.start, d.end))}`).join(", ");
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}
