/**
 * The documents `npm run eval:spotlight` measures, built deterministically (seeded) from the same
 * public data and the same split as `npm run eval:tool-output` (scripts/lib/tool-output-data.ts):
 * - ordinary: pages of 1–3 KB from the measured half of each source, and this repository's docs;
 * - attacked: the held-out public attacks (BIPIA, promptmap) and the templated ones of
 *   tool-output-attacks.ts, each planted at the start, middle and end of its own carrier page from the
 *   carrier half; and the same attacks with their spaces swapped for Unicode spaces, as an attacker
 *   who knows about datamarking would write them;
 * - retrieval: long documents with one planted passage that answers a question (alpaca_eval's
 *   answer to its own instruction, a BIPIA e-mail for its question), among distractors of the same kind.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "./injection-train";
import { publicAttacks, templatedAttacks, type Attack } from "./tool-output-cases";
import { CARRIER_SOURCES, packParagraphs, readTarGz, SEED, shuffled, type CarrierSource, type Data } from "./tool-output-data";
import { insertAt, packPages, pageOfLength, POSITIONS, type Position } from "./tool-output-docs";

export type OrdinaryDoc = { source: string; text: string };
export type AttackedDoc = { source: CarrierSource; attack: Attack; position: Position; planted: string; text: string; spaces?: string };

/** Page lengths (characters), as in the tool-output evaluation. */
const PAGE = { min: 1_000, max: 3_000 } as const;

export function ordinaryDocs(data: Data): OrdinaryDoc[] {
  const random = seededRandom(SEED + 300);
  const docs: OrdinaryDoc[] = [];
  for (const source of CARRIER_SOURCES) for (const text of packPages({ units: data.units[source].measured, ...PAGE, random })) docs.push({ source, text });
  for (const doc of data.repoDocs) for (const text of packParagraphs({ text: doc.text, ...PAGE, random })) docs.push({ source: "repo-docs", text });
  return docs;
}

/** Spaces an attacker might use instead of U+0020, hoping they pass unmarked: no-break, en, ideographic. */
export const SPACE_SWAPS: readonly string[] = ["\u00A0", "\u2002", "\u3000"];

export function attackedDocs(data: Data): { plain: AttackedDoc[]; swapped: AttackedDoc[] } {
  const random = seededRandom(SEED + 400);
  const attacks = [...publicAttacks(data).heldOut, ...templatedAttacks()];
  let k = 0;
  const build = (attack: Attack, position: Position, spaces?: string): AttackedDoc => {
    const source = CARRIER_SOURCES[k++ % CARRIER_SOURCES.length] as CarrierSource;
    const carrier = pageOfLength({ units: data.units[source].carriers, length: Math.round(PAGE.min + random() * (PAGE.max - PAGE.min)), random });
    const planted = spaces === undefined ? attack.text : attack.text.replace(/ /g, spaces);
    return { source, attack, position, planted, text: insertAt({ page: carrier, attack: planted, position }), ...(spaces !== undefined && { spaces }) };
  };
  const plain = attacks.flatMap((attack) => POSITIONS.map((position) => build(attack, position)));
  const swapped = attacks.map((attack, i) => build(attack, "middle", SPACE_SWAPS[i % SPACE_SWAPS.length]));
  return { plain, swapped };
}

/** A question and the passage that answers it. */
export type QaPair = { set: "alpaca" | "bipia-email"; question: string; passage: string };

/** The questions of a set, and the texts its distractors are drawn from. */
export type QaSet = { pairs: QaPair[]; distractors: string[]; note: string };

/** Answers of 300–1,500 characters (about one chunk) to a request of four words or more; e-mails of that length with BIPIA's question about them. */
export function qaSets(dataDir: string): Record<QaPair["set"], QaSet> {
  const alpacaRows = JSON.parse(readFileSync(path.join(dataDir, "benign/benign_alpaca_eval_example_outputs.json"), "utf8")) as {
    instruction: string;
    output: string;
  }[];
  const answers = alpacaRows.map((o) => o.output.trim()).filter((text) => text !== "");
  const alpaca = alpacaRows
    .map((o) => ({ set: "alpaca" as const, question: o.instruction.trim(), passage: o.output.trim() }))
    .filter((q) => q.passage.length >= 300 && q.passage.length <= 1_500 && q.question.split(/\s+/).length >= 4);
  const files = readTarGz(path.join(dataDir, "injection-train/raw/bipia-benchmark.tar.gz"));
  const emailRows = ["train", "test"]
    .flatMap((split) => (files.get(`benchmark/email/${split}.jsonl`) ?? "").split("\n").filter((line) => line.trim() !== ""))
    .map((line) => JSON.parse(line) as { context: string; question: string; ideal: string });
  const emails = [...new Set(emailRows.map((o) => o.context.trim()))];
  // Only questions the e-mail answers: BIPIA asks many about e-mails that never name the payee ("unknown").
  const email = emailRows
    .filter((o) => o.ideal.trim().toLowerCase() !== "unknown")
    .map((o) => ({ set: "bipia-email" as const, question: o.question.replace(/^Q:\s*/, "").trim(), passage: o.context.trim() }))
    .filter((q) => q.passage.length >= 300 && q.passage.length <= 1_500);
  return {
    alpaca: {
      pairs: alpaca,
      distractors: answers,
      note: "alpaca_eval: an answer, asked for by its own instruction, among the other answers (same genre: the hard case)",
    },
    "bipia-email": {
      pairs: email,
      distractors: emails,
      note: "BIPIA e-mail QA: an e-mail, asked about by BIPIA's question (those it answers, not the `unknown` ones), among the other e-mails, then alpaca_eval answers once the e-mails run out",
    },
  };
}

export type RetrievalCase = { set: QaPair["set"]; length: number; question: string; passage: string; text: string };

/** Long documents for the retrieval study, in these lengths (characters; 300,000 is ATTACHMENTS_MAX_TEXT_CHARS's default). */
export const RETRIEVAL_LENGTHS = [50_000, 100_000, 300_000] as const;
/** Questions per set and length, at most. */
export const RETRIEVAL_PER_LENGTH = 100;

/**
 * For each set and length, up to RETRIEVAL_PER_LENGTH questions: the passage that answers one, planted
 * at a seeded place among the set's other texts (then alpaca_eval's answers, for the e-mails), the
 * whole cut to the length.
 */
export function retrievalCases(sets: Record<QaPair["set"], QaSet>): RetrievalCase[] {
  const random = seededRandom(SEED + 500);
  const cases: RetrievalCase[] = [];
  for (const set of ["alpaca", "bipia-email"] as const) {
    const { pairs, distractors } = sets[set];
    const filler = set === "alpaca" ? [] : sets.alpaca.distractors;
    for (const length of RETRIEVAL_LENGTHS) {
      for (const target of shuffled(pairs, random).slice(0, RETRIEVAL_PER_LENGTH)) {
        const others = [
          ...shuffled(
            distractors.filter((text) => text !== target.passage),
            random,
          ),
          ...shuffled(filler, random),
        ];
        const parts: string[] = [];
        let size = target.passage.length;
        for (const other of others) {
          if (size + 2 + other.length > length) continue;
          parts.push(other);
          size += other.length + 2;
        }
        parts.splice(Math.floor(random() * (parts.length + 1)), 0, target.passage);
        cases.push({ set, length, question: target.question, passage: target.passage, text: parts.join("\n\n") });
      }
    }
  }
  return cases;
}
