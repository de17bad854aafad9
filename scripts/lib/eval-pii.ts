/**
 * The PII redactor on labelled text (Presidio's synthetic sentences, and our own dev set built by
 * ./pii-dev-set.ts: recall per type, and precision, the share of detections that match a labelled
 * value of their type) and on number-heavy text that holds no personal data (gsm8k, NumberModel and
 * our own: how much is left unchanged), as the chat route runs it: normalizeInput, then a PlaceholderMap.
 */
import { normalizeInput } from "../../lib/guard/normalize";
import { ENTITY_TYPES, findEntities, PlaceholderMap } from "../../lib/guard/pii";
import type { EntityType, Span } from "../../lib/guard/types";
import type { PresidioRow } from "./eval-data";
import { code, ms, percentile, rate, share, timed, type Table, type Target } from "./eval-format";
import { measureLabelled, type LabelledResult, type LabelledRow } from "./eval-pii-labelled";
import { buildNumberHeavyBenign, buildPiiDevSet, DEV_SEED } from "./pii-dev-set";

/** Presidio's label for each type the redactor detects (SECRET has no label there). */
const PRESIDIO_LABELS: Readonly<Record<string, EntityType>> = {
  CREDIT_CARD: "CARD",
  IBAN_CODE: "IBAN",
  PHONE_NUMBER: "PHONE",
  EMAIL_ADDRESS: "EMAIL",
  US_SSN: "SSN",
  IP_ADDRESS: "IP",
};

export const PII_TARGETS = { recall: 0.97, unchanged: 0.99 } as const;

const EXAMPLES = 3;
const DEV_NAME = `our dev set (scripts/lib/pii-dev-set.ts, seed ${DEV_SEED})`;
const PRESIDIO_NAME = "pii_presidio_synth_dataset_v2.json";

export function evaluatePii({ presidio, benign }: { presidio: PresidioRow[]; benign: { name: string; texts: string[] }[] }): {
  tables: Table[];
  targets: Target[];
} {
  const latencies: number[] = [];
  const redact = (text: string) => {
    const { value, ms: elapsed } = timed(() => new PlaceholderMap().redact(normalizeInput(text).text));
    latencies.push(elapsed);
    return value;
  };

  const presidioRows: LabelledRow[] = presidio.map((row) => ({
    text: row.full_text,
    spans: row.spans.map((s) => ({ label: s.entity_type, type: PRESIDIO_LABELS[s.entity_type] ?? null, start: s.start_position, end: s.end_position })),
  }));
  const devRows: LabelledRow[] = buildPiiDevSet().map((row) => ({ text: row.text, spans: row.spans.map((s) => ({ ...s, label: s.type })) }));
  for (const row of [...presidioRows, ...devRows]) redact(row.text);
  const sets = [
    { name: PRESIDIO_NAME, result: measureLabelled(presidioRows) },
    { name: DEV_NAME, result: measureLabelled(devRows) },
  ];

  const unchanged = [...benign, { name: "our number-heavy benign set (scripts/lib/pii-dev-set.ts)", texts: buildNumberHeavyBenign() }].map(
    ({ name, texts }) => {
      const changed: { text: string; found: string[] }[] = [];
      for (const text of texts) {
        const normalized = normalizeInput(text).text;
        if (redact(text).text !== normalized) {
          changed.push({ text, found: findEntities(normalized).map((s: Span) => `${s.type} ${code(normalized.slice(s.start, s.end))}`) });
        }
      }
      return { name, total: texts.length, changed };
    },
  );

  const tables: Table[] = [
    ...sets.map(({ name, result }) => recallTable({ name, result })),
    precisionTable(sets),
    {
      title: "Number-heavy benign text left unchanged by redaction",
      headers: ["set", "unchanged", "changed by type"],
      rows: unchanged.map(({ name, total, changed }) => [name, rate({ hits: total - changed.length, total }), countTypes(changed.flatMap((c) => c.found))]),
      notes: unchanged.flatMap(({ name, changed }) =>
        changed.length === 0
          ? []
          : [
              `${name}, for example: ${changed
                .slice(0, EXAMPLES)
                .map((c) => c.found.join(", "))
                .join("; ")}.`,
            ],
      ),
    },
    {
      title: "PII latency (normalizeInput + PlaceholderMap.redact, all types)",
      headers: ["texts", "p50", "p99", "max"],
      rows: [[String(latencies.length), ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), ms(Math.max(...latencies))]],
      notes: [
        "Every labelled row and every benign text above, as stored, in that order; no warm-up. The 8,000-character pipeline run is in the injection section.",
      ],
    },
  ];

  const targets: Target[] = [
    ...sets.flatMap(({ name, result }) =>
      typesIn(result).map((type): Target => {
        const of = result.values.filter((v) => v.type === type);
        const found = of.filter((v) => v.found).length;
        const set = name === PRESIDIO_NAME ? "Presidio" : "dev set";
        return {
          area: `PII recall, ${type} (${set})`,
          target: `>= ${PII_TARGETS.recall}`,
          measured: rate({ hits: found, total: of.length }),
          met: share({ hits: found, total: of.length }) >= PII_TARGETS.recall,
        };
      }),
    ),
    ...unchanged.map(
      ({ name, total, changed }): Target => ({
        area: `PII, benign unchanged: ${name}`,
        target: `>= ${PII_TARGETS.unchanged * 100}% unchanged`,
        measured: rate({ hits: total - changed.length, total }),
        met: share({ hits: total - changed.length, total }) >= PII_TARGETS.unchanged,
      }),
    ),
  ];
  return { tables, targets };
}

function typesIn(result: LabelledResult): EntityType[] {
  return ENTITY_TYPES.filter((type) => result.values.some((v) => v.type === type));
}

function recallTable({ name, result }: { name: string; result: LabelledResult }): Table {
  const { values } = result;
  return {
    title: `PII recall per type (${name})`,
    headers: ["type", "labels", "recall"],
    rows: typesIn(result).map((type) => {
      const of = values.filter((v) => v.type === type);
      return [type, [...new Set(of.map((v) => v.label))].join(", "), rate({ hits: of.filter((v) => v.found).length, total: of.length })];
    }),
    notes: [
      "A value counts as found when every non-space character of it lies inside a detected span of the right type.",
      ...typesIn(result).flatMap((type) => {
        const missed = values.filter((v) => v.type === type && !v.found).slice(0, EXAMPLES);
        return missed.length === 0 ? [] : [`Missed ${type}, for example: ${missed.map((v) => `${code(v.value)} (${v.detected})`).join("; ")}.`];
      }),
      ...(result.remapped > 0
        ? [`${result.remapped} texts change under normalizeInput (NFKC); their labelled offsets were carried over to the normalised text.`]
        : []),
    ],
  };
}

/**
 * Precision: detections that match a labelled value of their type, over all detections. Presidio
 * labels only its own types, so a detection over, say, a US_DRIVER_LICENSE may still be right to
 * redact; our dev set labels every value it plants.
 */
function precisionTable(sets: { name: string; result: LabelledResult }[]): Table {
  return {
    title: "PII precision (detections that match a labelled value of their type)",
    headers: ["set", "precision", "outside the labels"],
    rows: sets.map(({ name, result }) => [
      name,
      rate({ hits: result.matchedSpans, total: result.detectedSpans }),
      String(result.detectedSpans - result.matchedSpans),
    ]),
    notes: sets.flatMap(({ name, result }) => {
      const extra = [...result.extra].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 6);
      return extra.length === 0 ? [] : [`${name}: ${extra.map(([key, n]) => `${key} (${n})`).join("; ")}.`];
    }),
  };
}

function countTypes(found: string[]): string {
  const counts = new Map<string, number>();
  for (const f of found) {
    const type = f.slice(0, f.indexOf(" "));
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts].map(([type, n]) => `${type} ${n}`).join(", ") || "–";
}
