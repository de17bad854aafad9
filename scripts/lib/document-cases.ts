/**
 * The documents `npm run eval:documents` scores, built once, deterministically (seeded), from the data
 * of the tool-output evaluation (scripts/lib/tool-output-data.ts: each ordinary source split in a
 * measured half and a carrier half):
 * - ordinary: 1–3 KB pages of each public source's measured half, alpaca_eval's answers one per
 *   document, the same data shaped as CSV and JSON, long pages of 10 and 20 thousand characters; and
 *   this repository's docs, which quote attacks (a hard negative, apart);
 * - attacks, each planted in a page built from the carrier halves: the public held-out sources (BIPIA,
 *   promptmap), the templated attacks the patterns were developed on, and the attacks written for this
 *   evaluation after the patterns were fixed; at the start, middle and end, inside a paragraph, in a
 *   20,000-character document, and hidden in tag or zero-width characters.
 * Attachments carry no header: a document is its text.
 */
import { DOCUMENT_ATTACKS } from "./document-attacks";
import { seededRandom } from "./injection-train";
import { hide, type HiddenForm } from "./tool-output-attacks";
import { publicAttacks, templatedAttacks } from "./tool-output-cases";
import { CARRIER_SOURCES, packParagraphs, SEED, type CarrierSource, type Data, type Unit } from "./tool-output-data";
import { insertAt, insertInline, packPages, pageOfLength, POSITIONS } from "./tool-output-docs";

/** Whose the attack is: held out (never looked at while writing the patterns), development, or written after. */
export type Split = "ordinary" | "hard-negative" | "held-out" | "development" | "own";

export type Case = {
  split: Split;
  /** the row of the report the document counts in (one document may count in several) */
  sets: string[];
  text: string;
};

const PAGE = { min: 1_000, max: 3_000 } as const;
const LONG = [10_000, 20_000] as const;
const LONG_PAGES = 60;

/** A table of BIPIA's "| a | b |" lines as CSV, cells quoted where they hold a comma or a quote. */
export function tableAsCsv(table: string): string {
  const cell = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return table
    .split("\n")
    .map((line) =>
      line
        .replace(/^\s*\|/, "")
        .replace(/\|\s*$/, "")
        .split("|")
        .map((c) => cell(c.trim()))
        .join(","),
    )
    .join("\n");
}

/** Units as a pretty-printed JSON export of records, in pages of 1–3 KB. */
function jsonPages({ units, key, random }: { units: readonly Unit[]; key: string; random: () => number }): string[] {
  const pages: string[] = [];
  let records: Record<string, unknown>[] = [];
  let target = PAGE.min + random() * (PAGE.max - PAGE.min);
  for (const [i, unit] of units.entries()) {
    records.push({ id: i + 1, [key]: unit.text, created: `2025-0${(i % 9) + 1}-1${i % 10}T09:00:00Z` });
    const page = JSON.stringify(records, null, 2);
    if (page.length >= target) {
      pages.push(page);
      records = [];
      target = PAGE.min + random() * (PAGE.max - PAGE.min);
    }
  }
  return pages;
}

export function buildCases(data: Data): Case[] {
  const cases: Case[] = [];
  const random = seededRandom(SEED + 300);
  const ordinary = (sets: string[], text: string) => cases.push({ split: "ordinary", sets, text });

  for (const source of CARRIER_SOURCES) {
    for (const page of packPages({ units: data.units[source].measured, ...PAGE, random })) ordinary([`page:${source}`, "page:all"], page);
  }
  for (const unit of data.units["alpaca-answers"].measured) ordinary(unit.howTo ? ["answer", "answer:how-to"] : ["answer"], unit.text);
  for (const unit of data.units["bipia-table"].measured) ordinary(["csv:tables"], tableAsCsv(unit.text));
  for (const page of jsonPages({ units: data.units["alpaca-answers"].measured, key: "answer", random })) ordinary(["json:answers"], page);
  for (const page of jsonPages({ units: data.units["gsm8k-test"].measured, key: "problem", random })) ordinary(["json:problems"], page);
  for (const length of LONG) {
    for (let i = 0; i < LONG_PAGES; i++) {
      const source = CARRIER_SOURCES[i % CARRIER_SOURCES.length] as CarrierSource;
      ordinary([`long:${length}`], pageOfLength({ units: data.units[source].measured, length, random }));
    }
  }
  for (const doc of data.repoDocs) {
    for (const page of packParagraphs({ text: doc.text, ...PAGE, random })) cases.push({ split: "hard-negative", sets: ["repo-docs"], text: page });
  }

  let k = 0;
  const carrier = (length?: number) => {
    const source = CARRIER_SOURCES[k++ % CARRIER_SOURCES.length] as CarrierSource;
    return pageOfLength({ units: data.units[source].carriers, length: length ?? Math.round(PAGE.min + random() * (PAGE.max - PAGE.min)), random });
  };
  const plant = ({ split, set, text, copies }: { split: Split; set: string; text: string; copies: number }) => {
    for (const position of POSITIONS)
      for (let c = 0; c < copies; c++) cases.push({ split, sets: [set, `${split}:pages`], text: insertAt({ page: carrier(), attack: text, position }) });
    cases.push({ split, sets: [`${split}:inline`], text: insertInline({ page: carrier(), attack: text }) });
    cases.push({ split, sets: [`${split}:long`], text: insertAt({ page: carrier(20_000), attack: text, position: "middle" }) });
    for (const form of ["tag-characters", "zero-width"] as HiddenForm[]) {
      cases.push({ split, sets: [`${split}:${form}`], text: insertAt({ page: carrier(), attack: hide(text, form), position: "middle" }) });
    }
    cases.push({ split, sets: [`${split}:alone`], text });
  };
  const { heldOut } = publicAttacks(data);
  for (const a of heldOut) plant({ split: "held-out", set: a.source === "bipia" ? `bipia:${a.group}` : "promptmap", text: a.text, copies: 1 });
  for (const a of templatedAttacks()) plant({ split: "development", set: `templated:${a.intent}`, text: a.text, copies: 1 });
  for (const a of DOCUMENT_ATTACKS) plant({ split: "own", set: `own:${a.intent}`, text: a.text, copies: 2 });
  return cases;
}
