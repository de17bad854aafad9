/**
 * Tables and the "## Spotlighting" section of docs/documents.md for `npm run eval:spotlight`. Other
 * sections of that file are written by other commands: this one replaces its own section only.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { percentile, rate, tableMarkdown, type Table } from "./eval-format";
import type { LiveFigures } from "./spotlight-live";
import type { EscapeFigures, MarkingFigures, RetrievalFigures, SizeTotals } from "./spotlight-measure";

const n = (value: number) => value.toLocaleString("en-US");
const times = (value: number, base: number) => `${(value / base).toFixed(2)}×`;
const pct = (hits: number, total: number) => (total === 0 ? "–" : `${((100 * hits) / total).toFixed(1)} %`);

export function sizeTable({ title, totals, docs }: { title: string; totals: SizeTotals; docs: number }): Table {
  const raw = totals.raw;
  return {
    title,
    headers: ["form", "characters", "× raw", "tokens, bytes/4", "× raw", "tokens, floor (pieces)", "× raw"],
    rows: (["raw", "off", "datamark", "base64"] as const).map((form) => {
      const t = totals[form];
      return [
        form === "raw" ? "raw text, unfenced" : `fenced, ${form}`,
        n(t.chars),
        times(t.chars, raw.chars),
        n(t.bytes4),
        times(t.bytes4, raw.bytes4),
        // The floor says nothing about base64 (one long run of letters and digits): left out rather than misread.
        form === "base64" ? "–" : n(t.pieces),
        form === "base64" ? "–" : times(t.pieces, raw.pieces),
      ];
    }),
    notes: [`${n(docs)} documents. Fenced forms include the opening and closing lines (about 100 characters a document).`],
  };
}

export function sizeBySourceTable(rows: { source: string; docs: number; totals: SizeTotals }[]): Table {
  return {
    title: "Overhead by kind of document (fenced form against the raw text)",
    headers: ["source", "documents", "datamark, characters", "datamark, floor", "base64, characters", "base64, bytes/4"],
    rows: rows.map(({ source, docs, totals }) => [
      source,
      n(docs),
      times(totals.datamark.chars, totals.raw.chars),
      times(totals.datamark.pieces, totals.raw.pieces),
      times(totals.base64.chars, totals.raw.chars),
      times(totals.base64.bytes4, totals.raw.bytes4),
    ]),
  };
}

export function markingTable(rows: { label: string; mode: string; figures: MarkingFigures }[]): Table {
  return {
    title: "How planted attack text reaches the model",
    headers: [
      "attacks",
      "mode",
      "attack text marked or encoded",
      "found as marked / decodes back",
      "a 5-word run reads as plain text",
      "a line of ≥ 20 characters left unmarked",
    ],
    rows: rows.map(({ label, mode, figures: f }) => [
      label,
      mode,
      pct(f.markedChars, f.chars),
      mode === "off" ? "–" : rate({ hits: f.found, total: f.attacks }),
      rate({ hits: f.verbatim, total: f.attacks }),
      mode === "datamark" ? rate({ hits: f.unmarkedLine, total: f.attacks }) : "–",
    ]),
    notes: [
      "Marked: under datamark, the share of the attack's characters on a line that carries the mark (a line with no space in it has nothing to mark); under base64, all of it when the block decodes back to the attack. A 5-word run: any five consecutive words of the attack, with plain spaces, inside the fenced block (shorter attack lines: the whole line).",
    ],
  };
}

export function escapeTable(rows: { mode: string; figures: EscapeFigures[] }[]): Table {
  return {
    title: "Planted fence lines",
    headers: ["planted line", "mode", "tries", "fence ended early", "a line inside still reads as a closing tag"],
    rows: rows.flatMap(({ mode, figures }) =>
      figures.map((f) => [f.label, mode, n(f.tries), rate({ hits: f.ended, total: f.tries }), rate({ hits: f.closingLineInside, total: f.tries })]),
    ),
    notes: [
      "Ended early: the request's closing line appears anywhere but at the end of the block. The last column counts lines inside the fence that begin `</document>`, `</document id=`, `</user_input>` or `</user_input id=` as written, whatever id they carry: the model is told that only the request's id closes a fence, and these figures say how often it has to rely on that.",
    ],
  };
}

export function retrievalTable(rows: RetrievalFigures[], budget: number): Table {
  return {
    title: `Passage selection at the default budget (${n(budget)} characters)`,
    headers: ["questions", "document length", "cases", "passage kept whole", "half of it or more", "without ranking (opening text)", "median time", "p95 time"],
    rows: rows.map((r) => [
      r.set,
      `${n(r.length)} characters`,
      n(r.cases),
      rate({ hits: r.full, total: r.cases }),
      rate({ hits: r.half, total: r.cases }),
      rate({ hits: r.opening, total: r.cases }),
      `${percentile(r.ms, 0.5).toFixed(1)} ms`,
      `${percentile(r.ms, 0.95).toFixed(1)} ms`,
    ]),
    notes: [
      "Kept whole: every line of the planted passage is in the selected passages. Without ranking: the first budget's worth of the document holds it whole (what a cut at the budget would send). Times: one selectPassages call (chunking, a fresh index, the search), wall clock on the machine above.",
    ],
  };
}

export function liveTable(rows: LiveFigures[], { provider, model, cases }: { provider: string; model: string; cases: number }): Table {
  return {
    title: `Attack success against ${provider} ${model} (${n(cases)} attacked documents per mode)`,
    headers: ["mode", "calls", "replies with the canary (attack succeeded)", "replies that used the document", "errors"],
    rows: rows.map((r) => [
      r.mode,
      n(r.calls),
      rate({ hits: r.canary, total: r.calls - r.errors }),
      rate({ hits: r.usedDocument, total: r.calls - r.errors }),
      n(r.errors),
    ]),
  };
}

/** `file` with its "## Spotlighting" section replaced by `section` (or added at the end; the file made if missing). */
export function writeSection({ file, section }: { file: string; section: string }): void {
  const body = section.trimEnd();
  if (!existsSync(file)) {
    writeFileSync(file, `${body}\n`);
    return;
  }
  const text = readFileSync(file, "utf8");
  const start = text.search(/^## Spotlighting\s*$/m);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${body}\n`);
    return;
  }
  const rest = text.slice(start + 1);
  const next = rest.search(/^## /m);
  const end = next < 0 ? text.length : start + 1 + next;
  writeFileSync(file, `${text.slice(0, start)}${body}\n${end < text.length ? `\n${text.slice(end)}` : ""}`);
}

export function tablesMarkdown(tables: Table[]): string {
  return tables.map((t) => tableMarkdown(t)).join("\n\n");
}
