/**
 * The tables of `npm run eval:tool-output` that weigh the choices: withholding at block or at flag, and
 * the shipped check beside the two prototypes.
 */
import { rateWithInterval } from "./tool-output-score";
import { LENGTHS } from "./tool-output-cases";
import { selections, type ScoredDoc } from "./tool-output-tables";
import type { Table } from "./eval-format";

/** What withholding at the flag verdict instead of block would do: the decision this report informs. */
export function operatingPointTable(docs: readonly ScoredDoc[]): Table {
  const s = selections(docs);
  const atBlock = (rows: readonly ScoredDoc[]) => rateWithInterval({ hits: rows.filter((d) => d.shipped === "block").length, total: rows.length });
  const atFlag = (rows: readonly ScoredDoc[]) => rateWithInterval({ hits: rows.filter((d) => d.shipped !== "allow").length, total: rows.length });
  const zeroWidth = s.hidden.filter((d) => d.hidden === "zero-width");
  const sets: [string, string, readonly ScoredDoc[]][] = [
    ["ordinary", "public sources, pages of 1–3 KB", s.benignPages],
    ["ordinary", "alpaca_eval answers, one per document", s.answers],
    ["ordinary", "… how-to answers", s.answers.filter((d) => d.howTo)],
    ["ordinary", "this repository's docs (about prompt injection)", s.repoDocs],
    ["injected", "public held-out, all", s.heldOut],
    ["injected", "… BIPIA", s.heldOut.filter((d) => d.attack?.source === "bipia")],
    ["injected", "… promptmap", s.heldOut.filter((d) => d.attack?.source === "promptmap")],
    ["injected", "templated", s.templated],
    ["injected", "zero-width hidden (templated and public)", zeroWidth],
    ["injected", "giskard (in-sample)", s.inSample],
  ];
  return {
    title: "Operating points: withholding at the block verdict (shipped) or at the flag verdict (not shipped)",
    headers: ["documents", "set", "withheld at block (shipped)", "withheld at flag"],
    rows: sets.map(([kind, name, rows]) => [kind, name, atBlock(rows), atFlag(rows)]),
    notes: [
      "Withheld at flag: every output whose verdict is flag or block. The thresholds are the shipped ones; nothing was tuned on these documents. For ordinary documents the rate is the false-withhold rate, for injected ones the recall.",
    ],
  };
}

/** The shipped check beside both prototypes, on every set where they could differ. */
export function prototypeTable(docs: readonly ScoredDoc[]): Table {
  const s = selections(docs);
  const lengthRows = (attack: boolean): [string, string, readonly ScoredDoc[]][] =>
    LENGTHS.map((n) => [
      attack ? "injected" : "ordinary",
      `${attack ? "templated and public held-out" : "pages"} of ${n.toLocaleString("en-US")} characters`,
      s.length.filter((d) => d.length === n && Boolean(d.attack) === attack),
    ]);
  const middle = (family: string) => [...s.heldOut, ...s.templated].filter((d) => d.attack?.family === family && d.position === "middle");
  const inline = (family: string) => s.inline.filter((d) => d.attack?.family === family);
  const sets: [string, string, readonly ScoredDoc[]][] = [
    ["ordinary", "public sources, pages of 1–3 KB", s.benignPages],
    ["ordinary", "alpaca_eval answers, one per document", s.answers],
    ["ordinary", "… how-to answers", s.answers.filter((d) => d.howTo)],
    ["ordinary", "this repository's docs (about prompt injection)", s.repoDocs],
    ...lengthRows(false),
    ["injected", "public held-out, 1–3 KB pages, all positions", s.heldOut],
    ["injected", "templated, 1–3 KB pages, all positions", s.templated],
    ["injected", "giskard (in-sample), 1–3 KB pages", s.inSample],
    ["injected", "public held-out, middle, a paragraph of its own", middle("held-out")],
    ["injected", "public held-out, middle, inside a paragraph", inline("held-out")],
    ["injected", "templated, middle, a paragraph of its own", middle("templated")],
    ["injected", "templated, middle, inside a paragraph", inline("templated")],
    ...lengthRows(true),
  ];
  const at = (rows: readonly ScoredDoc[], key: "shipped" | "windowed" | "paragraphs") =>
    rateWithInterval({ hits: rows.filter((d) => d[key] === "block").length, total: rows.length });
  return {
    title: "Withheld: the shipped check and the two prototypes",
    headers: ["documents", "set", "shipped (whole output)", "+ windows of 1,500 characters", "+ each paragraph alone (exploratory)"],
    rows: sets.map(([kind, name, rows]) => [kind, name, at(rows, "shipped"), at(rows, "windowed"), at(rows, "paragraphs")]),
    notes: [
      "For ordinary documents the rate is the false-withhold rate, for injected ones the recall. Both prototypes keep the shipped check on the whole output and add their own pieces (scripts/lib/tool-output-score.ts). The paragraph prototype was added after the first run; its figures on attacks in a paragraph of their own are an upper bound, since that is how most pages here carry them.",
    ],
  };
}
