/**
 * Data for `npm run eval:tool-output`, read where it lies (shared/data, see its README.md), none of
 * it ever learned from by the shipped detector (lib/guard/injection/NOTICE):
 * - ordinary documents: alpaca_eval's answers (CC BY-NC 4.0, testing only), BIPIA's e-mails, Stack
 *   Overflow answers and Wikipedia tables (MIT repository; the answers and tables CC BY-SA 4.0; the
 *   training corpus holds them, but under a licence class the detector may not learn from), GSM8K's
 *   test problems with their worked answers (MIT; the detector learned the train split only) and the
 *   CommonMark spec (CC BY-SA 4.0); and this repository's own docs, which talk about injection;
 * - attacks from whole public sources held out of training: BIPIA's 250 attack instructions and
 *   promptmap's rules (GPL-3.0), plus giskard's short prompts as an in-sample reference.
 * Every ordinary source is split in two with a fixed seed: half is measured as ordinary documents,
 * the other half only ever carries an attack, so no injected document is an ordinary one plus a line.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { parseCsv } from "./csv";
import { seededRandom } from "./injection-train";

/** One seed for every split and sample, so the same data give the same documents. */
export const SEED = 20_261_206;

export type CarrierSource = "alpaca-answers" | "bipia-email" | "bipia-code" | "bipia-table" | "gsm8k-test" | "commonmark-spec";

export const CARRIER_SOURCES: readonly CarrierSource[] = ["alpaca-answers", "bipia-email", "bipia-code", "bipia-table", "gsm8k-test", "commonmark-spec"];

/** What each source is, for the report. */
export const SOURCE_NOTES: Readonly<Record<CarrierSource, string>> = {
  "alpaca-answers": "alpaca_eval's example outputs: markdown answers by a model (lists, steps, recipes, code), CC BY-NC 4.0, testing only",
  "bipia-email": "BIPIA's e-mail contexts (microsoft/BIPIA, train and test): transactional and personal mail, MIT",
  "bipia-code": "BIPIA's code contexts: Stack Overflow answers with code, CC BY-SA 4.0",
  "bipia-table": "BIPIA's table contexts: WikiTableQuestions tables as text, CC BY-SA 4.0; 200 of 1,000 sampled",
  "gsm8k-test": "GSM8K's test problems, each followed by its worked answer (with the calculator annotations as published), MIT",
  "commonmark-spec": "the CommonMark spec (prose and examples, raw HTML included), in runs of consecutive paragraphs of 600–1,000 characters, CC BY-SA 4.0",
};

/** One document-sized unit of an ordinary source (an answer, an e-mail, a section…). */
export type Unit = { text: string; howTo?: boolean };

export type PublicAttack = { source: "bipia" | "promptmap" | "giskard"; group: string; text: string };

export type Data = {
  /** per source: half measured as ordinary documents, half used only as carriers */
  units: Record<CarrierSource, { measured: Unit[]; carriers: Unit[] }>;
  /** this repository's docs, whole: ordinary, but about prompt injection */
  repoDocs: { file: string; text: string }[];
  heldOutAttacks: PublicAttack[];
  inSampleAttacks: PublicAttack[];
};

/** Longest public attack kept: a planted instruction is a paragraph, not a page (longer ones are counted). */
export const MAX_ATTACK_CHARS = 600;

/**
 * The user's request says the answer tells the reader what to do: these answers are the ordinary
 * text most like an instruction, so they get their own row. Decided from the request, not the answer.
 */
const HOW_TO = /\b(how (do|can|should|would|to)|steps?|recipes?|guide|tips|instructions|tutorial|teach me)\b/i;

function jsonLines<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** The regular files of a .tar.gz by path (ustar: 512-byte headers, sizes in octal). */
export function readTarGz(file: string): Map<string, string> {
  const bytes = gunzipSync(readFileSync(file));
  const out = new Map<string, string>();
  for (let at = 0; at + 512 <= bytes.length; ) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, to: number) => header.subarray(from, to).toString("latin1").replace(/\0.*$/s, "");
    const name = [field(345, 500), field(0, 100)].filter((part) => part !== "").join("/");
    const size = Number.parseInt(field(124, 136).trim() || "0", 8);
    const type = field(156, 157);
    if (type === "0" || type === "") out.set(name, bytes.subarray(at + 512, at + 512 + size).toString("utf8"));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** BIPIA's text attacks by the paper's three groups; the category names are those of its files. */
const BIPIA_TEXT_GROUPS: Readonly<Record<string, readonly string[]>> = {
  "task-irrelevant": [
    "train:Information Retrieval",
    "train:Content Creation",
    "train:Learning and Tutoring",
    "train:Language Translation",
    "train:Programming Help",
    "test:Task Automation",
    "test:Business Intelligence",
    "test:Conversational Agent",
    "test:Research Assistance",
    "test:Sentiment Analysis",
  ],
  "task-relevant": [
    "train:Alphanumeric Substitution",
    "train:Homophonic Substitution",
    "train:Misspelling Intentionally",
    "train:Anagramming",
    "train:Space Removal & Grouping",
    "test:Substitution Ciphers",
    "test:Base Encoding",
    "test:Reverse Text",
    "test:Emoji Substitution",
    "test:Language Translation",
  ],
  targeted: [
    "train:Instruction",
    "train:Social Interaction",
    "train:Persuasion",
    "train:Clickbait",
    "train:Malware Distribution",
    "test:Information Dissemination",
    "test:Marketing & Advertising",
    "test:Entertainment",
    "test:Scams & Fraud",
    "test:Misinformation & Propaganda",
  ],
};

function bipia(dataDir: string): { attacks: PublicAttack[]; email: string[]; code: string[]; table: string[] } {
  const files = readTarGz(path.join(dataDir, "injection-train/raw/bipia-benchmark.tar.gz"));
  const read = (name: string) => {
    const text = files.get(`benchmark/${name}`);
    if (text === undefined) throw new Error(`bipia-benchmark.tar.gz: no benchmark/${name}`);
    return text;
  };
  const groupOf = new Map(Object.entries(BIPIA_TEXT_GROUPS).flatMap(([group, keys]) => keys.map((key) => [key, group] as const)));
  const attacks: PublicAttack[] = [];
  for (const split of ["train", "test"]) {
    for (const [category, texts] of Object.entries(JSON.parse(read(`text_attack_${split}.json`)) as Record<string, string[]>)) {
      const group = groupOf.get(`${split}:${category}`);
      if (group === undefined) throw new Error(`BIPIA: text attack category ${split}:${category} has no group`);
      for (const text of texts) attacks.push({ source: "bipia", group: `text, ${group}`, text });
    }
    for (const texts of Object.values(JSON.parse(read(`code_attack_${split}.json`)) as Record<string, string[]>)) {
      for (const text of texts) attacks.push({ source: "bipia", group: "code", text });
    }
  }
  const contexts = (task: string) =>
    ["train", "test"].flatMap((split) =>
      jsonLines<{ context: string | string[] }>(read(`${task}/${split}.jsonl`)).map((o) =>
        (Array.isArray(o.context) ? o.context.join("\n") : o.context).trim(),
      ),
    );
  const random = seededRandom(SEED + 1);
  const table = shuffled(contexts("table"), random).slice(0, 200);
  return { attacks, email: contexts("email"), code: contexts("code"), table };
}

/** promptmap's rules from the training corpus's rows (the detector may not learn from GPL-3.0). */
function promptmap(dataDir: string): { attacks: PublicAttack[]; tooLong: number } {
  const rows = jsonLines<{ text: string; source: string; kind: string }>(readFileSync(path.join(dataDir, "injection-train/attacks.jsonl"), "utf8")).filter(
    (o) => o.source === "promptmap-rules",
  );
  const kept = rows.filter((o) => o.text.length <= MAX_ATTACK_CHARS);
  return { attacks: kept.map((o) => ({ source: "promptmap", group: o.kind, text: o.text })), tooLong: rows.length - kept.length };
}

function giskard(dataDir: string): { attacks: PublicAttack[]; tooLong: number } {
  const [header, ...body] = parseCsv(readFileSync(path.join(dataDir, "injection/pi_giskard_prompt_injections.csv"), "utf8").replace(/^\uFEFF/, ""));
  const column = header?.indexOf("prompt") ?? -1;
  const texts = body.map((cells) => cells[column] ?? "").filter((text) => text.trim() !== "");
  const kept = texts.filter((text) => text.length <= MAX_ATTACK_CHARS);
  return { attacks: kept.map((text) => ({ source: "giskard", group: "learned from", text })), tooLong: texts.length - kept.length };
}

/** A seeded Fisher–Yates shuffle of a copy. */
export function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Half and half, after a seeded shuffle: the first half is measured, the second carries attacks. */
function split(units: readonly Unit[], seed: number): { measured: Unit[]; carriers: Unit[] } {
  const all = shuffled(units, seededRandom(seed));
  const half = Math.ceil(all.length / 2);
  return { measured: all.slice(0, half), carriers: all.slice(half) };
}

/**
 * Paragraphs of a markdown text: split at blank lines, except inside code fences (a code block or one
 * of the spec's examples stays whole).
 */
export function paragraphs(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    const opener = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === null && opener !== undefined) fence = opener;
    else if (fence !== null && line.trim() === fence) fence = null;
    if (fence === null && line.trim() === "") {
      if (current.length > 0) out.push(current.join("\n"));
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) out.push(current.join("\n"));
  return out;
}

/**
 * Consecutive paragraphs packed into pieces of a length drawn from [min, max]: a piece ends before the
 * paragraph that would take it past its length; a paragraph longer than `max` is cut.
 */
export function packParagraphs({ text, min, max, random }: { text: string; min: number; max: number; random: () => number }): string[] {
  const out: string[] = [];
  let piece = "";
  let target = min + random() * (max - min);
  const emit = (value: string) => {
    if (value.trim() !== "") out.push(value);
    piece = "";
    target = min + random() * (max - min);
  };
  for (const paragraph of paragraphs(text)) {
    if (piece !== "" && piece.length + 2 + paragraph.length > target) emit(piece);
    piece = piece === "" ? paragraph : `${piece}\n\n${paragraph}`;
    if (piece.length > max) emit(piece.slice(0, max));
  }
  if (piece.length >= min) emit(piece);
  return out;
}

/** README.md, SECURITY.md and docs/*.md, except the report this evaluation writes. */
function repoDocs(repoRoot: string, exclude: string): { file: string; text: string }[] {
  const files = [
    "README.md",
    "SECURITY.md",
    ...readdirSync(path.join(repoRoot, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`)
      .sort(),
  ];
  return files
    .filter((file) => path.resolve(repoRoot, file) !== path.resolve(exclude))
    .map((file) => ({ file, text: readFileSync(path.join(repoRoot, file), "utf8") }));
}

export function loadData({ dataDir, repoRoot, report }: { dataDir: string; repoRoot: string; report: string }): Data & { tooLong: Record<string, number> } {
  const alpaca = JSON.parse(readFileSync(path.join(dataDir, "benign/benign_alpaca_eval_example_outputs.json"), "utf8")) as {
    instruction: string;
    output: string;
  }[];
  const gsm8k = jsonLines<{ question: string; answer: string }>(readFileSync(path.join(dataDir, "pii/benign_gsm8k_test.jsonl"), "utf8"));
  const spec = readFileSync(path.join(dataDir, "xss/xss_benign_commonmark_spec.txt"), "utf8");
  const b = bipia(dataDir);
  const plain = (texts: string[]): Unit[] => texts.filter((text) => text.trim() !== "").map((text) => ({ text }));
  const sources: Record<CarrierSource, Unit[]> = {
    "alpaca-answers": alpaca.filter((o) => o.output.trim() !== "").map((o) => ({ text: o.output.trim(), howTo: HOW_TO.test(o.instruction) })),
    "bipia-email": plain(b.email),
    "bipia-code": plain(b.code),
    "bipia-table": plain(b.table),
    "gsm8k-test": plain(gsm8k.map((o) => `${o.question.trim()}\n\n${o.answer.trim()}`)),
    // The spec in consecutive runs of paragraphs, so that a page is a few passages of it, not one cut section.
    "commonmark-spec": plain(packParagraphs({ text: spec, min: 600, max: 1_000, random: seededRandom(SEED + 2) })),
  };
  const units = Object.fromEntries(CARRIER_SOURCES.map((s, i) => [s, split(sources[s], SEED + 10 + i)])) as Data["units"];
  const pm = promptmap(dataDir);
  const gk = giskard(dataDir);
  return {
    units,
    repoDocs: repoDocs(repoRoot, report),
    heldOutAttacks: [...b.attacks, ...pm.attacks],
    inSampleAttacks: gk.attacks,
    tooLong: { promptmap: pm.tooLong, giskard: gk.tooLong },
  };
}
