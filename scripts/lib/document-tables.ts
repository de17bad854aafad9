/**
 * Tables for `npm run eval:documents`: per set of documents, how many each mode flags (flag or block
 * verdict) and blocks, message mode beside document mode.
 */
import type { Table } from "./eval-format";
import { percentile } from "./eval-format";
import type { Split } from "./document-cases";
import { DOCUMENT_INTENTS, type DocumentIntent } from "./document-attacks";
import type { Scored } from "./document-score";
import { INTENTS, type Intent } from "./tool-output-attacks";
import { rateWithInterval } from "./tool-output-score";

type Row = { set: string; label: string };

const ATTACK_FORMS = (split: Split): Row[] => [
  { set: `${split}:pages`, label: "in 1–3 KB pages, start, middle and end" },
  { set: `${split}:inline`, label: "… inside a paragraph, middle of the page" },
  { set: `${split}:long`, label: "… in a 20,000-character document, middle" },
  { set: `${split}:tag-characters`, label: "… hidden in tag characters, middle" },
  { set: `${split}:zero-width`, label: "… split by zero-width characters, middle" },
  { set: `${split}:alone`, label: "… alone, as the whole document" },
];

export const HELD_OUT_ROWS: Row[] = [
  ...ATTACK_FORMS("held-out"),
  { set: "bipia:text, task-irrelevant", label: "BIPIA text, task-irrelevant (pages)" },
  { set: "bipia:text, task-relevant", label: "BIPIA text, task-relevant (pages)" },
  { set: "bipia:text, targeted", label: "BIPIA text, targeted (pages)" },
  { set: "bipia:code", label: "BIPIA code (pages)" },
  { set: "promptmap", label: "promptmap (pages)" },
];

export const ORDINARY_ROWS: Row[] = [
  { set: "page:all", label: "public sources, pages of 1–3 KB" },
  { set: "page:alpaca-answers", label: "… alpaca_eval answers (markdown)" },
  { set: "page:bipia-email", label: "… e-mails (BIPIA)" },
  { set: "page:bipia-code", label: "… Stack Overflow answers with code (BIPIA)" },
  { set: "page:bipia-table", label: "… Wikipedia tables as text (BIPIA)" },
  { set: "page:gsm8k-test", label: "… maths problems and worked answers (GSM8K test)" },
  { set: "page:commonmark-spec", label: "… the CommonMark spec (Markdown and raw HTML)" },
  { set: "answer", label: "alpaca_eval answers, one per document" },
  { set: "answer:how-to", label: "… of which how-to answers (imperative steps)" },
  { set: "csv:tables", label: "CSV: Wikipedia tables (BIPIA) as CSV" },
  { set: "json:answers", label: "JSON: alpaca_eval answers as a JSON export, 1–3 KB" },
  { set: "json:problems", label: "JSON: GSM8K problems as a JSON export, 1–3 KB" },
  { set: "long:10000", label: "pages of 10,000 characters" },
  { set: "long:20000", label: "pages of 20,000 characters" },
  { set: "repo-docs", label: "this repository's docs, 1–3 KB pages (quote attacks: a hard negative)" },
];

const intentRows = (split: "development" | "own"): Row[] =>
  split === "development"
    ? (Object.keys(INTENTS) as Intent[]).map((intent) => ({ set: `templated:${intent}`, label: `${intent}: ${INTENTS[intent]} (pages)` }))
    : (Object.keys(DOCUMENT_INTENTS) as DocumentIntent[]).map((intent) => ({ set: `own:${intent}`, label: `${intent}: ${DOCUMENT_INTENTS[intent]} (pages)` }));

export const DEVELOPMENT_ROWS: Row[] = [...ATTACK_FORMS("development"), ...intentRows("development")];
export const OWN_ROWS: Row[] = [...ATTACK_FORMS("own"), ...intentRows("own")];

export type Counts = { total: number; message: { flagged: number; blocked: number }; document: { flagged: number; blocked: number } };

export function countSet(scored: readonly Scored[], set: string): Counts {
  const docs = scored.filter((d) => d.sets.includes(set));
  const n = (pick: (d: Scored) => boolean) => docs.filter(pick).length;
  return {
    total: docs.length,
    message: { flagged: n((d) => d.message !== "allow"), blocked: n((d) => d.message === "block") },
    document: { flagged: n((d) => d.document !== "allow"), blocked: n((d) => d.document === "block") },
  };
}

const HEADERS = ["documents", "count", "message mode: flagged", "message mode: blocked", "document mode: flagged", "document mode: blocked"];

export function modeTable({ title, rows, scored, notes }: { title: string; rows: Row[]; scored: readonly Scored[]; notes?: string[] }): Table {
  return {
    title,
    headers: HEADERS,
    rows: rows.map(({ set, label }) => {
      const c = countSet(scored, set);
      const r = (hits: number) => rateWithInterval({ hits, total: c.total });
      return [label, c.total.toLocaleString("en-US"), r(c.message.flagged), r(c.message.blocked), r(c.document.flagged), r(c.document.blocked)];
    }),
    ...(notes && { notes }),
  };
}

/**
 * What the attachment's chip shows (reportedLevel): flagged in document mode, then shown: every block,
 * and a flag a named signal agrees with; a flag on the model's word alone is audited only.
 */
export function reportedTable(scored: readonly Scored[]): Table {
  const rows: Row[] = [
    ...ORDINARY_ROWS.filter((row) =>
      ["page:all", "answer", "csv:tables", "json:answers", "json:problems", "long:10000", "long:20000", "repo-docs"].includes(row.set),
    ),
    { set: "held-out:pages", label: "held out: public attacks in 1–3 KB pages" },
    ...HELD_OUT_ROWS.filter((row) => row.set === "promptmap" || row.set.startsWith("bipia:")),
    { set: "development:pages", label: "development: templated attacks in pages" },
    { set: "own:pages", label: "written after the patterns: attacks in pages" },
  ];
  return {
    title: "What an attachment's chip shows: flagged in document mode, and of those shown (every block; a flag only when a named signal agrees)",
    headers: ["documents", "count", "flagged", "shown on the chip", "of which likely (block)"],
    rows: rows.map(({ set, label }) => {
      const docs = scored.filter((d) => d.sets.includes(set));
      const r = (hits: number) => rateWithInterval({ hits, total: docs.length });
      return [
        label,
        docs.length.toLocaleString("en-US"),
        r(docs.filter((d) => d.document !== "allow").length),
        r(docs.filter((d) => d.reported !== null).length),
        r(docs.filter((d) => d.reported === "likely").length),
      ];
    }),
  };
}

/** Which signals the ordinary documents that document mode flagged rest on. */
export function ordinarySignalsTable(scored: readonly Scored[]): Table {
  const flagged = scored.filter((d) => (d.split === "ordinary" || d.split === "hard-negative") && d.document !== "allow");
  const bySignals = new Map<string, { ordinary: number; repo: number }>();
  for (const d of flagged) {
    const key = d.signals.length > 0 ? d.signals.join(", ") : "(none)";
    const entry = bySignals.get(key) ?? { ordinary: 0, repo: 0 };
    if (d.split === "ordinary") entry.ordinary++;
    else entry.repo++;
    bySignals.set(key, entry);
  }
  return {
    title: "Ordinary documents flagged in document mode, by the signals the verdict rests on",
    headers: ["signals", "public ordinary documents", "this repository's docs"],
    rows: [...bySignals.entries()]
      .sort((a, b) => b[1].ordinary + b[1].repo - a[1].ordinary - a[1].repo)
      .map(([k, v]) => [k, String(v.ordinary), String(v.repo)]),
  };
}

export function timingTable(scored: readonly Scored[]): Table {
  const buckets: [string, (d: Scored) => boolean][] = [
    ["up to 3,000 characters", (d) => d.text.length <= 3_000],
    ["3,000 to 12,000", (d) => d.text.length > 3_000 && d.text.length <= 12_000],
    ["12,000 to 25,000", (d) => d.text.length > 12_000],
  ];
  return {
    title: "Time of scanDocument per document (PII off), one thread, wall clock",
    headers: ["length", "documents", "p50 ms", "p99 ms"],
    rows: buckets.map(([label, pick]) => {
      const ms = scored.filter(pick).map((d) => d.ms);
      return [label, ms.length.toLocaleString("en-US"), percentile(ms, 0.5).toFixed(1), percentile(ms, 0.99).toFixed(1)];
    }),
  };
}
