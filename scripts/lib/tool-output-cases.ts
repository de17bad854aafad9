/**
 * The documents `npm run eval:tool-output` scores, built once, deterministically (seeded):
 * - main: ordinary pages of 1–3 KB from the measured half of each source, alpaca_eval's answers one
 *   per document, this repository's docs in 1–3 KB pages; and injected pages of 1–3 KB from the
 *   carrier half, each attack at the start, in the middle and at the end;
 * - length: the same attacks in carriers of exactly 1, 3, 10 and 20 thousand characters (20,000 is
 *   what fetch_page reads at most), beside ordinary pages of those lengths.
 */
import { TEMPLATED_ATTACKS, hide, type HiddenForm, type Intent, type Phrasing } from "./tool-output-attacks";
import { CARRIER_SOURCES, packParagraphs, SEED, type CarrierSource, type Data } from "./tool-output-data";
import { asFetchedPage, insertAt, insertInline, packPages, pageOfLength, POSITIONS, type Position } from "./tool-output-docs";
import { seededRandom } from "./injection-train";

export type Family = "held-out" | "templated" | "in-sample";

export type Attack = {
  family: Family;
  source: string;
  group: string;
  text: string;
  intent?: Intent;
  phrasing?: Phrasing;
  /** index in TEMPLATED_ATTACKS */
  template?: number;
};

export type Doc = {
  study: "main" | "length";
  /** the ordinary source of the page (or its carrier), or "repo-docs" */
  source: string;
  /** characters of ordinary text (the carrier, for an injected page) */
  length: number;
  text: string;
  /** ordinary documents: a packed page, or one alpaca_eval answer */
  unit?: "page" | "answer";
  howTo?: boolean;
  attack?: Attack;
  hidden?: HiddenForm;
  position?: Position;
  /** the attack written inside a paragraph (middle of the page) rather than as a paragraph of its own */
  inline?: true;
};

/** Main-set page lengths (characters of ordinary text), and the injected pages per templated attack and position. */
export const PAGE = { min: 1_000, max: 3_000 } as const;
const TEMPLATED_CARRIERS = 3;
export const LENGTHS = [1_000, 3_000, 10_000, 20_000] as const;
/** Ordinary pages per length in the length study. */
export const BENIGN_PER_LENGTH = 120;

export function templatedAttacks(): Attack[] {
  return TEMPLATED_ATTACKS.map((t, i) => ({
    family: "templated",
    source: "templated (this evaluation)",
    group: t.intent,
    intent: t.intent,
    phrasing: t.phrasing,
    text: t.text,
    template: i,
  }));
}

export function publicAttacks(data: Data): { heldOut: Attack[]; inSample: Attack[] } {
  const of =
    (family: Family) =>
    (a: Data["heldOutAttacks"][number]): Attack => ({ family, source: a.source, group: a.group, text: a.text });
  return { heldOut: data.heldOutAttacks.map(of("held-out")), inSample: data.inSampleAttacks.map(of("in-sample")) };
}

export function buildMain(data: Data): Doc[] {
  const docs: Doc[] = [];
  const random = seededRandom(SEED + 100);
  let n = 0;
  const page = (source: string, body: string) => asFetchedPage({ body, source, n: n++ });

  for (const source of CARRIER_SOURCES) {
    for (const body of packPages({ units: data.units[source].measured, ...PAGE, random }))
      docs.push({ study: "main", source, length: body.length, text: page(source, body), unit: "page" });
  }
  for (const unit of data.units["alpaca-answers"].measured) {
    docs.push({
      study: "main",
      source: "alpaca-answers",
      length: unit.text.length,
      text: page("alpaca-answers", unit.text),
      unit: "answer",
      howTo: unit.howTo === true,
    });
  }
  for (const doc of data.repoDocs) {
    for (const body of packParagraphs({ text: doc.text, ...PAGE, random }))
      docs.push({ study: "main", source: "repo-docs", length: body.length, text: page("repo-docs", body), unit: "page" });
  }

  // Each injected page gets its own carrier: sources in turn, a length drawn from PAGE, a seeded start.
  let k = 0;
  const injected = (attack: Attack, position: Position, hidden?: HiddenForm, inline?: true): Doc => {
    const source = CARRIER_SOURCES[k++ % CARRIER_SOURCES.length] as CarrierSource;
    const carrier = pageOfLength({ units: data.units[source].carriers, length: Math.round(PAGE.min + random() * (PAGE.max - PAGE.min)), random });
    const planted = hidden ? hide(attack.text, hidden) : attack.text;
    const text = inline ? insertInline({ page: carrier, attack: planted }) : insertAt({ page: carrier, attack: planted, position });
    return { study: "main", source, length: carrier.length, text: page(source, text), attack, position, ...(hidden && { hidden }), ...(inline && { inline }) };
  };
  const { heldOut, inSample } = publicAttacks(data);
  const templated = templatedAttacks();
  for (const attack of heldOut) for (const position of POSITIONS) docs.push(injected(attack, position));
  for (const attack of templated) for (const position of POSITIONS) for (let c = 0; c < TEMPLATED_CARRIERS; c++) docs.push(injected(attack, position));
  for (const hidden of ["tag-characters", "zero-width"] as const) {
    for (const attack of [...templated, ...heldOut]) for (const position of POSITIONS) docs.push(injected(attack, position, hidden));
  }
  for (const attack of inSample) for (const position of POSITIONS) docs.push(injected(attack, position));
  // Last, so that adding them left every document above as it was: the same attacks inside a paragraph.
  for (const attack of heldOut) docs.push(injected(attack, "middle", undefined, true));
  for (const attack of templated) for (let c = 0; c < TEMPLATED_CARRIERS; c++) docs.push(injected(attack, "middle", undefined, true));
  return docs;
}

export function buildLength(data: Data): Doc[] {
  const docs: Doc[] = [];
  const random = seededRandom(SEED + 200);
  let n = 0;
  const { heldOut } = publicAttacks(data);
  const attacks = [...heldOut, ...templatedAttacks()];
  for (const length of LENGTHS) {
    for (let i = 0; i < BENIGN_PER_LENGTH; i++) {
      const source = CARRIER_SOURCES[i % CARRIER_SOURCES.length] as CarrierSource;
      const body = pageOfLength({ units: data.units[source].measured, length, random });
      docs.push({ study: "length", source, length, text: asFetchedPage({ body, source, n: n++ }), unit: "page" });
    }
    let k = 0;
    for (const attack of attacks) {
      for (const position of POSITIONS) {
        const source = CARRIER_SOURCES[k++ % CARRIER_SOURCES.length] as CarrierSource;
        const carrier = pageOfLength({ units: data.units[source].carriers, length, random });
        const text = insertAt({ page: carrier, attack: attack.text, position });
        docs.push({ study: "length", source, length, text: asFetchedPage({ body: text, source, n: n++ }), attack, position });
      }
    }
  }
  return docs;
}
