/**
 * The PII redactor on Presidio's labelled synthetic sentences (recall per entity type) and on
 * number-heavy text that holds no personal data (how much is left alone), as the chat route runs it:
 * normalizeInput, then a PlaceholderMap.
 */
import { normalizeInput } from "../../lib/guard/normalize";
import { findEntities, PlaceholderMap } from "../../lib/guard/pii";
import type { EntityType, Span } from "../../lib/guard/types";
import type { PresidioRow, PresidioSpan } from "./eval-data";
import { code, ms, percentile, rate, share, timed, type Table, type Target } from "./eval-format";

/** Presidio's label for each type the redactor detects (SECRET has no label there). */
const LABELS = {
  CREDIT_CARD: "CARD",
  IBAN_CODE: "IBAN",
  PHONE_NUMBER: "PHONE",
  EMAIL_ADDRESS: "EMAIL",
  US_SSN: "SSN",
  IP_ADDRESS: "IP",
} as const satisfies Record<string, EntityType>;
type Label = keyof typeof LABELS;

export const PII_TARGETS = { recall: 0.95, unchanged: 0.99 } as const;

const EXAMPLES = 3;

type Value = { label: Label; type: EntityType; value: string; found: boolean; detected: string };

export function evaluatePii({ presidio, benign }: { presidio: PresidioRow[]; benign: { name: string; texts: string[] }[] }): { tables: Table[]; targets: Target[] } {
  const latencies: number[] = [];
  const redact = (text: string) => {
    const { value, ms: elapsed } = timed(() => new PlaceholderMap().redact(normalizeInput(text).text));
    latencies.push(elapsed);
    return value;
  };

  const values: Value[] = [];
  const extra = new Map<string, number>(); // "PHONE over US_DRIVER_LICENSE" → count
  let remapped = 0;
  let detectedSpans = 0;
  for (const row of presidio) {
    redact(row.full_text);
    const { text, spans: labelled, moved } = normalizedWithSpans(row);
    if (moved) remapped++;
    const detected = findEntities(text);
    detectedSpans += detected.length;
    for (const span of labelled) {
      if (!isLabel(span.entity_type)) continue;
      const type = LABELS[span.entity_type];
      values.push({ label: span.entity_type, type, value: span.entity_value, found: covered({ text, span, detected, type }), detected: describe({ text, span, detected }) });
    }
    for (const span of detected) {
      const match = labelled.some((l) => isLabel(l.entity_type) && LABELS[l.entity_type] === span.type && overlaps(l, span));
      if (match) continue;
      const under = labelled.filter((l) => overlaps(l, span)).map((l) => l.entity_type);
      const key = `${span.type} over ${under.length > 0 ? [...new Set(under)].join("+") : "unlabelled text"}`;
      extra.set(key, (extra.get(key) ?? 0) + 1);
    }
  }

  const recallTable: Table = {
    title: "PII recall per type (pii_presidio_synth_dataset_v2.json)",
    headers: ["type", "Presidio label", "recall"],
    rows: (Object.entries(LABELS) as [Label, EntityType][]).map(([label, type]) => {
      const of = values.filter((v) => v.label === label);
      return [type, label, rate({ hits: of.filter((v) => v.found).length, total: of.length })];
    }),
    notes: [
      "A value counts as found when every non-space character of it lies inside a detected span of the right type.",
      ...(Object.keys(LABELS) as Label[]).flatMap((label) => {
        const missed = values.filter((v) => v.label === label && !v.found).slice(0, EXAMPLES);
        return missed.length === 0 ? [] : [`Missed ${label}, for example: ${missed.map((v) => `${code(v.value)} (${v.detected})`).join("; ")}.`];
      }),
      ...(remapped > 0 ? [`${remapped} sentences change under normalizeInput (NFKC); their labelled offsets were carried over to the normalised text.`] : []),
    ],
  };
  const extraTable: Table = {
    title: "Detections outside the labelled values of their type (Presidio sentences)",
    headers: ["detected as, over", "spans"],
    rows: extra.size === 0 ? [["none", "0"]] : [...extra].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key, n]) => [key, String(n)]),
    notes: [
      `${detectedSpans} spans detected in all, ${[...extra.values()].reduce((a, b) => a + b, 0)} of them outside the labelled values of their type.`,"Not a target: Presidio labels only its own entity types, so a detection over, say, a US_DRIVER_LICENSE or a ZIP code may still be right to redact."],
  };

  const unchanged = benign.map(({ name, texts }) => {
    const changed: { text: string; found: string[] }[] = [];
    for (const text of texts) {
      const normalized = normalizeInput(text).text;
      const out = redact(text);
      if (out.text !== normalized) {
        changed.push({ text, found: findEntities(normalized).map((s: Span) => `${s.type} ${code(normalized.slice(s.start, s.end))}`) });
      }
    }
    return { name, total: texts.length, changed };
  });
  const benignTable: Table = {
    title: "Number-heavy benign text left unchanged by redaction",
    headers: ["set", "unchanged", "changed by type"],
    rows: unchanged.map(({ name, total, changed }) => [name, rate({ hits: total - changed.length, total }), countTypes(changed.flatMap((c) => c.found))]),
    notes: unchanged.flatMap(({ name, changed }) =>
      changed.length === 0 ? [] : [`${name}, for example: ${changed.slice(0, EXAMPLES).map((c) => c.found.join(", ")).join("; ")}.`],
    ),
  };
  const latency: Table = {
    title: "PII latency (normalizeInput + PlaceholderMap.redact, all types)",
    headers: ["texts", "p50", "p99", "max"],
    rows: [[String(latencies.length), ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), ms(Math.max(...latencies))]],
    notes: ["Every Presidio sentence and every benign text above, as stored, in that order; no warm-up."],
  };

  const targets: Target[] = [
    ...(Object.entries(LABELS) as [Label, EntityType][]).map(([label, type]): Target => {
      const of = values.filter((v) => v.label === label);
      const found = of.filter((v) => v.found).length;
      return { area: `PII recall, ${type}`, target: `>= ${PII_TARGETS.recall}`, measured: rate({ hits: found, total: of.length }), met: share({ hits: found, total: of.length }) >= PII_TARGETS.recall };
    }),
    ...unchanged.map(({ name, total, changed }): Target => ({
      area: `PII, benign unchanged: ${name}`,
      target: `>= ${PII_TARGETS.unchanged * 100}% unchanged`,
      measured: rate({ hits: total - changed.length, total }),
      met: share({ hits: total - changed.length, total }) >= PII_TARGETS.unchanged,
    })),
  ];
  return { tables: [recallTable, extraTable, benignTable, latency], targets };
}

function isLabel(type: string): type is Label {
  return Object.hasOwn(LABELS, type);
}

type Labelled = PresidioSpan & { start: number; end: number };

/**
 * The sentence as the redactor sees it (normalised) and the labelled spans in its offsets. NFKC can
 * change lengths ("½" → "1⁄2"), so offsets are carried over by normalising the text before each span.
 */
function normalizedWithSpans(row: PresidioRow): { text: string; spans: Labelled[]; moved: boolean } {
  const text = normalizeInput(row.full_text).text;
  if (text === row.full_text) return { text, spans: row.spans.map((s) => ({ ...s, start: s.start_position, end: s.end_position })), moved: false };
  const spans = row.spans.map((s) => {
    const start = normalizeInput(row.full_text.slice(0, s.start_position)).text.length;
    const value = normalizeInput(s.entity_value).text;
    if (text.slice(start, start + value.length) !== value) throw new Error(`Cannot place the ${s.entity_type} label of ${JSON.stringify(row.full_text)} in its normalised text`);
    return { ...s, start, end: start + value.length };
  });
  return { text, spans, moved: true };
}

function covered({ text, span, detected, type }: { text: string; span: Labelled; detected: Span[]; type: EntityType }): boolean {
  for (let i = span.start; i < span.end; i++) {
    if (/\s/.test(text[i] ?? "")) continue;
    if (!detected.some((d) => d.type === type && d.start <= i && i < d.end)) return false;
  }
  return true;
}

/** What the redactor made of a labelled value, for the examples of misses. */
function describe({ text, span, detected }: { text: string; span: Labelled; detected: Span[] }): string {
  const over = detected.filter((d) => overlaps(span, d));
  return over.length === 0 ? "nothing detected" : over.map((d) => `${d.type} ${code(text.slice(d.start, d.end))}`).join(", ");
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

function countTypes(found: string[]): string {
  const counts = new Map<string, number>();
  for (const f of found) {
    const type = f.slice(0, f.indexOf(" "));
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts].map(([type, n]) => `${type} ${n}`).join(", ") || "–";
}
