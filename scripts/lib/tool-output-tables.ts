/**
 * The tables of `npm run eval:tool-output`: what share of ordinary documents guardToolOutput withholds,
 * and of injected ones, by source, attack, position and length, with 95 % Wilson intervals, for the
 * shipped check and the windowed prototype side by side.
 */
import { INTENTS, PHRASINGS, TEMPLATED_ATTACKS, type Intent, type Phrasing } from "./tool-output-attacks";
import type { Doc } from "./tool-output-cases";
import { LENGTHS } from "./tool-output-cases";
import { CARRIER_SOURCES } from "./tool-output-data";
import { POSITIONS } from "./tool-output-docs";
import { code, percentile, type Table } from "./eval-format";
import { rateWithInterval, type Scored, type Verdict } from "./tool-output-score";

/** A scored document; an injected one also carries the verdict on its attack alone, as a tool output of nothing else. */
export type ScoredDoc = Doc & Scored & { alone?: Verdict };

type Tally = { total: number; withheld: number; flagged: number; windowed: number; windowedFlagged: number };

export function tally(docs: readonly ScoredDoc[]): Tally {
  return {
    total: docs.length,
    withheld: docs.filter((d) => d.shipped === "block").length,
    flagged: docs.filter((d) => d.shipped === "flag").length,
    windowed: docs.filter((d) => d.windowed === "block").length,
    windowedFlagged: docs.filter((d) => d.windowed === "flag").length,
  };
}

const withheld = (t: Tally) => rateWithInterval({ hits: t.withheld, total: t.total });
const flagged = (t: Tally) => rateWithInterval({ hits: t.flagged, total: t.total });
const windowed = (t: Tally) => rateWithInterval({ hits: t.windowed, total: t.total });
const median = (values: number[]) => (values.length === 0 ? "–" : Math.round(percentile(values, 0.5)).toLocaleString("en-US"));

/** The selections the tables and the conclusion share. */
export function selections(docs: readonly ScoredDoc[]) {
  const main = docs.filter((d) => d.study === "main" && !d.inline);
  const visible = main.filter((d) => d.attack && !d.hidden);
  return {
    benignPages: main.filter((d) => !d.attack && d.unit === "page" && d.source !== "repo-docs"),
    answers: main.filter((d) => !d.attack && d.unit === "answer"),
    repoDocs: main.filter((d) => !d.attack && d.source === "repo-docs"),
    heldOut: visible.filter((d) => d.attack?.family === "held-out"),
    templated: visible.filter((d) => d.attack?.family === "templated"),
    inSample: visible.filter((d) => d.attack?.family === "in-sample"),
    hidden: main.filter((d) => d.attack && d.hidden),
    length: docs.filter((d) => d.study === "length"),
    inline: docs.filter((d) => d.inline),
  };
}

export function benignTable(docs: readonly ScoredDoc[]): Table {
  const s = selections(docs);
  const row = (name: string, rows: readonly ScoredDoc[]) => {
    const t = tally(rows);
    return [name, String(t.total), median(rows.map((d) => d.length)), withheld(t), flagged(t), windowed(t)];
  };
  return {
    title: "Ordinary documents: how many guardToolOutput withholds (false withholds)",
    headers: ["documents", "count", "median characters", "withheld", "flagged, passed", "withheld, windowed prototype"],
    rows: [
      ...CARRIER_SOURCES.map((source) =>
        row(
          `${source}, pages of 1–3 KB`,
          s.benignPages.filter((d) => d.source === source),
        ),
      ),
      row("all public sources, pages of 1–3 KB", s.benignPages),
      row("alpaca_eval answers, one per document", s.answers),
      row(
        "… of which how-to answers (the request asks how to do something)",
        s.answers.filter((d) => d.howTo),
      ),
      row("this repository's docs (they discuss prompt injection), pages of 1–3 KB", s.repoDocs),
    ],
    notes: [
      "Rates with their 95 % Wilson interval. Withheld: the detector's verdict is block and the model reads the notice instead. Flagged, passed: the verdict is flag, audited and passed on. The windowed prototype (scripts/lib/tool-output-score.ts) withholds when the whole document or any window of it would be blocked.",
    ],
  };
}

export function attackTable(docs: readonly ScoredDoc[]): Table {
  const s = selections(docs);
  const row = (name: string, rows: readonly ScoredDoc[]) => {
    const t = tally(rows);
    return [
      name,
      String(t.total),
      median(rows.map((d) => d.attack?.text.length ?? 0)),
      withheld(t),
      flagged(t),
      rateWithInterval({ hits: t.total - t.withheld - t.flagged, total: t.total }),
      windowed(t),
      rateWithInterval({ hits: rows.filter((d) => d.alone === "block").length, total: t.total }),
    ];
  };
  const bipia = s.heldOut.filter((d) => d.attack?.source === "bipia");
  const promptmap = s.heldOut.filter((d) => d.attack?.source === "promptmap");
  const groups = (rows: readonly ScoredDoc[]) => [...new Set(rows.map((d) => d.attack?.group ?? ""))].sort();
  const hidden = (family: string, form: string) => s.hidden.filter((d) => d.attack?.family === family && d.hidden === form);
  return {
    title: "Injected documents (pages of 1–3 KB, the attack at the start, middle and end): how many are withheld",
    headers: [
      "attacks",
      "pages",
      "median attack characters",
      "withheld",
      "flagged, passed",
      "passed unflagged",
      "withheld, windowed prototype",
      "control: attack alone, no page",
    ],
    rows: [
      ...groups(bipia).map((g) =>
        row(
          `BIPIA, ${g}`,
          bipia.filter((d) => d.attack?.group === g),
        ),
      ),
      row("BIPIA, all", bipia),
      ...groups(promptmap).map((g) =>
        row(
          `promptmap, ${g}`,
          promptmap.filter((d) => d.attack?.group === g),
        ),
      ),
      row("promptmap, all", promptmap),
      row("all public attacks held out of training", s.heldOut),
      row("templated indirect attacks written for this evaluation", s.templated),
      row("templated, hidden in tag characters", hidden("templated", "tag-characters")),
      row("templated, zero-width spaces between characters", hidden("templated", "zero-width")),
      row("public held-out, hidden in tag characters", hidden("held-out", "tag-characters")),
      row("public held-out, zero-width spaces between characters", hidden("held-out", "zero-width")),
      row("giskard, learned from (in-sample reference)", s.inSample),
    ],
    notes: [
      "Each public attack is placed once at each position, each in its own carrier page; each templated attack three times at each position. Carriers come from the half of each ordinary source that is never measured as ordinary (sources in turn).",
      "Control: the attack text alone (in the same hidden form) as the whole tool output, weighted as the pages are; where the control is low too, the detector does not know the attack, and no page is diluting it.",
      "A hidden attack is invisible to a person. Tag characters are removed by normalisation before the model reads the page, so such a page is harmless whether or not it is withheld; zero-width spaces are removed too, leaving the attack readable to the model.",
    ],
  };
}

export function positionTable(docs: readonly ScoredDoc[]): Table {
  const s = selections(docs);
  const sets: [string, readonly ScoredDoc[]][] = [
    ["public held-out", s.heldOut],
    ["templated", s.templated],
    ["templated, tag characters", s.hidden.filter((d) => d.attack?.family === "templated" && d.hidden === "tag-characters")],
    ["templated, zero-width", s.hidden.filter((d) => d.attack?.family === "templated" && d.hidden === "zero-width")],
    ["public held-out, tag characters", s.hidden.filter((d) => d.attack?.family === "held-out" && d.hidden === "tag-characters")],
    ["public held-out, zero-width", s.hidden.filter((d) => d.attack?.family === "held-out" && d.hidden === "zero-width")],
    ["giskard (in-sample)", s.inSample],
  ];
  return {
    title: "Withheld by where the attack sits in a 1–3 KB page",
    headers: ["attacks", ...POSITIONS.map((p) => `${p}: withheld`), ...POSITIONS.map((p) => `${p}: flagged, passed`)],
    rows: sets.map(([name, rows]) => [
      name,
      ...POSITIONS.map((p) => withheld(tally(rows.filter((d) => d.position === p)))),
      ...POSITIONS.map((p) => flagged(tally(rows.filter((d) => d.position === p)))),
    ]),
  };
}

export function templatedTables(docs: readonly ScoredDoc[]): Table[] {
  const { templated } = selections(docs);
  const row = (name: string, rows: readonly ScoredDoc[]) => {
    const t = tally(rows);
    return [name, String(t.total), withheld(t), flagged(t), rateWithInterval({ hits: t.total - t.withheld - t.flagged, total: t.total })];
  };
  const headers = ["pages", "withheld", "flagged, passed", "passed unflagged"];
  const byIntent: Table = {
    title: "Templated indirect attacks by intent",
    headers: ["intent", ...headers],
    rows: (Object.keys(INTENTS) as Intent[]).map((intent) =>
      row(
        `${intent}: ${INTENTS[intent]}`,
        templated.filter((d) => d.attack?.intent === intent),
      ),
    ),
  };
  const byPhrasing: Table = {
    title: "Templated indirect attacks by phrasing",
    headers: ["phrasing", ...headers],
    rows: (Object.keys(PHRASINGS) as Phrasing[]).map((phrasing) =>
      row(
        `${phrasing}: ${PHRASINGS[phrasing]}`,
        templated.filter((d) => d.attack?.phrasing === phrasing),
      ),
    ),
  };
  const each: Table = {
    title: "Each templated attack (nine pages each: three carriers at each position)",
    headers: ["intent", "phrasing", "text", "withheld", "flagged, passed"],
    rows: TEMPLATED_ATTACKS.map((a, i) => {
      const rows = templated.filter((d) => d.attack?.template === i);
      const t = tally(rows);
      const text = a.text.length > 110 ? `${a.text.slice(0, 107)}…` : a.text;
      return [a.intent, a.phrasing, code(text), `${t.withheld}/${t.total}`, `${t.flagged}/${t.total}`];
    }),
  };
  return [byIntent, byPhrasing, each];
}

export function lengthTable(docs: readonly ScoredDoc[]): Table {
  const { length } = selections(docs);
  return {
    title: "Length: the same attacks in carriers of 1, 3, 10 and 20 thousand characters (middle, start and end pooled)",
    headers: [
      "carrier characters",
      "ordinary pages withheld",
      "ordinary, windowed",
      "public held-out withheld",
      "public held-out, windowed",
      "templated withheld",
      "templated, windowed",
      "templated withheld or flagged",
      "p50 / p99 ms per page",
    ],
    rows: LENGTHS.map((n) => {
      const at = length.filter((d) => d.length === n);
      const benign = tally(at.filter((d) => !d.attack));
      const heldOut = tally(at.filter((d) => d.attack?.family === "held-out"));
      const templatedRows = at.filter((d) => d.attack?.family === "templated");
      const templated = tally(templatedRows);
      const ms = at.map((d) => d.ms);
      return [
        n.toLocaleString("en-US"),
        withheld(benign),
        windowed(benign),
        withheld(heldOut),
        windowed(heldOut),
        withheld(templated),
        windowed(templated),
        rateWithInterval({ hits: templated.withheld + templated.flagged, total: templated.total }),
        `${percentile(ms, 0.5).toFixed(1)} / ${percentile(ms, 0.99).toFixed(1)}`,
      ];
    }),
    notes: [
      "Ordinary pages here are drawn from the measured half of each source from a seeded start, wrapping round: at 10 and 20 thousand characters the pages of one source share text, so their intervals are narrower than the evidence. Times are of guardToolOutput alone (not the prototypes), one thread, wall clock.",
    ],
  };
}

export type Overlap = { name: string; attacks: number; withAttack: number; withOrdinary: number };

export function overlapTable(rows: readonly Overlap[], runLength: number): Table {
  return {
    title: `Contamination check: attack texts that share a run of ${runLength} words with a row the detector learned from`,
    headers: ["attacks", "count", "sharing a run with a learned attack", "sharing a run with a learned ordinary row"],
    rows: rows.map((r) => [r.name, String(r.attacks), String(r.withAttack), String(r.withOrdinary)]),
    notes: [
      `Learned rows: every row scripts/lib/injection-corpus.ts marks trainable (the MIT and Apache-2.0 public sources, this project's own and generated sources; not the augmented documents built from them at training time). Words are runs of letters and digits, lower-cased; a text shorter than ${runLength} words counts if it appears whole inside a learned row.`,
    ],
  };
}
