/**
 * Measures how documents reach the model (lib/ai/documents.ts, lib/documents/context.ts):
 * `npm run eval:spotlight [-- --data PATH] [--dry-run] [--live openai|anthropic [--model M] [--limit N]]`.
 * Offline, on public held-out injection attacks planted into ordinary documents and on ordinary
 * documents: the size overhead of each spotlighting mode, how much planted attack text reaches the
 * model marked, whether planted fence lines end the fence, and whether BM25 passage selection keeps
 * the passage a question is about. Writes the "## Spotlighting" section of docs/documents.md (not
 * with --dry-run). `--live` adds attack success against a real model (a canary task), which needs
 * a key and the network. Deterministic (seeded) apart from the times and the live replies.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DATAMARK } from "../lib/ai/documents";
import { CHUNK_CHARS } from "../lib/documents/chunks";
import type { Table } from "./lib/eval-format";
import { tableText } from "./lib/eval-format";
import { machineDescription } from "./lib/eval-report";
import { codeVersion, commandLine } from "./lib/eval-run";
import { checkDataDirOrThrow, dataDirOf } from "./lib/eval-data";
import { attackedDocs, ordinaryDocs, qaSets, RETRIEVAL_LENGTHS, retrievalCases, SPACE_SWAPS } from "./lib/spotlight-cases";
import { askerOrThrow, CANARY_TEMPLATES, DEFAULT_MODELS, type LiveProvider, liveCases, runLive, USER_REQUEST } from "./lib/spotlight-live";
import { escapes, marking, MODES, retrieval, sizeTotals } from "./lib/spotlight-measure";
import { escapeTable, liveTable, markingTable, retrievalTable, sizeBySourceTable, sizeTable, tablesMarkdown, writeSection } from "./lib/spotlight-report";
import { loadData } from "./lib/tool-output-data";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const REPORT = path.join(REPO_ROOT, "docs/documents.md");
/** ATTACHMENTS_CONTEXT_CHARS's default (lib/config/variables.ts). */
const DEFAULT_BUDGET = 24_000;
const USAGE = "usage: npm run eval:spotlight [-- --data PATH] [--dry-run] [--live openai|anthropic [--model M] [--limit N]]";
const progress = (message: string) => process.stderr.write(`eval:spotlight: ${message}\n`);

type Options = { dataDir: string; dryRun: boolean; live: { provider: LiveProvider; model: string; limit: number } | undefined };

function options(): Options {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      data: { type: "string" },
      "dry-run": { type: "boolean" },
      live: { type: "string" },
      model: { type: "string" },
      limit: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const dataDir = dataDirOf({ given: values.data, repoRoot: REPO_ROOT });
  let live: Options["live"];
  if (values.live !== undefined) {
    if (values.live !== "openai" && values.live !== "anthropic") throw new Error(`--live takes openai or anthropic, not ${values.live}`);
    const limit = Number(values.limit ?? "60");
    if (!Number.isInteger(limit) || limit < 1) throw new Error("--limit takes a whole number of documents, 1 or more");
    live = { provider: values.live, model: values.model ?? DEFAULT_MODELS[values.live], limit };
  }
  return { dataDir, dryRun: values["dry-run"] === true, live };
}

function section({
  command,
  date,
  code,
  dataDir,
  facts,
  tables,
  live,
}: {
  command: string;
  date: Date;
  code: string;
  dataDir: string;
  facts: Record<string, string>;
  tables: Table[];
  live: string;
}): string {
  return `## Spotlighting

How a document's text reaches the model, and what that costs. Every passage goes inside its own
fence, \`<document id="BOUNDARY" name="…" type="…" part="2 of 7">\` … \`</document id="BOUNDARY">\`,
with the request's random boundary, and the system prompt says that nothing inside a document is an
instruction (lib/ai/documents.ts). Spotlighting (Hines et al. 2024, "Defending Against Indirect
Prompt Injection Attacks With Spotlighting", arXiv:2403.14720) also marks the text itself, so that
the model can tell document from instruction deep inside a long passage: \`datamark\` (the default of
\`ATTACHMENTS_SPOTLIGHT\`) puts ${DATAMARK} (U+02C6) in place of every run of spaces, Unicode spaces
included, and keeps the lines; \`base64\` encodes the text; \`off\` fences it unmarked.
This section is generated: run the command again rather than editing it.

- Command: \`${command}\`
- Date: ${date.toISOString().replace(/\.\d+Z$/, "Z")}; Node ${process.version}; ${machineDescription()}
- Code: ${code}
- Data: \`${dataDir}\`: ${facts.data}

**Not measured here: attack success against a model.** The figures below are properties of the
text the model receives (how much of it is marked, whether a fence can be closed from inside, what
it costs), not rates at which attacks succeed; the paper reports those for its models, and whether
they hold for yours needs the live mode (the last part of this section).

### Size

Token counts are estimates (no tokenizer is installed): *bytes/4* is UTF-8 bytes over four, the
usual rule of thumb for byte-level BPE on English; the *floor* counts pieces that a BPE tokenizer
cannot merge (each run of letters or digits, each other visible character, each white-space run but
a single space, which BPE joins to the next word): it is what shows datamarking's cost, since
"the${DATAMARK}next" is three pieces where "the next" is two, and a bytes count barely moves. For
base64 the floor means little (one long run of letters and digits); read bytes/4 there, and expect
the real count to be higher still, since BPE vocabularies are learned on text, not on base64.

${tablesMarkdown(tables.slice(0, 3))}

### Attack text and fence lines

Attacks: ${facts.attacks}

${tablesMarkdown(tables.slice(3, 5))}

Reading these figures:
${facts.reading}

### Passage selection

When a message's documents are longer than \`ATTACHMENTS_CONTEXT_CHARS\` (default ${DEFAULT_BUDGET.toLocaleString("en-US")}),
lib/documents/context.ts cuts them into chunks of at most ${CHUNK_CHARS.max.toLocaleString("en-US")} characters (paragraphs; CSV rows under
their header; JSON lines) and ranks the chunks against the message with BM25 (MiniSearch), in an
index built for the call from that conversation's own documents and then dropped. Each question
below is asked of one long document in which the passage that answers it is planted among
distractors of the same kind. ${facts.retrieval}

${tablesMarkdown(tables.slice(5))}

### Attack success against a model

${live}
`;
}

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = options();
    checkDataDirOrThrow(opts.dataDir);
  } catch (error) {
    console.error(`eval:spotlight: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const date = new Date();
  const code = codeVersion(REPO_ROOT);
  progress("reading the data and building the documents");
  const data = loadData({ dataDir: opts.dataDir, repoRoot: REPO_ROOT, report: REPORT });
  const ordinary = ordinaryDocs(data);
  const { plain, swapped } = attackedDocs(data);

  progress(`measuring ${ordinary.length} ordinary and ${plain.length + swapped.length} attacked documents`);
  const sources = [...new Set(ordinary.map((d) => d.source))];
  const ordinaryTotals = sizeTotals(ordinary.map((d) => d.text));
  const size = sizeTable({
    title: "Ordinary documents: size of what the model receives",
    totals: ordinaryTotals,
    docs: ordinary.length,
  });
  const sizeAttacked = sizeTable({
    title: "Attacked documents: size of what the model receives",
    totals: sizeTotals(plain.map((d) => d.text)),
    docs: plain.length,
  });
  const bySource = sizeBySourceTable(
    sources.map((source) => {
      const texts = ordinary.filter((d) => d.source === source).map((d) => d.text);
      return { source, docs: texts.length, totals: sizeTotals(texts) };
    }),
  );
  const families = [
    { label: "held-out public (BIPIA, promptmap)", docs: plain.filter((d) => d.attack.family === "held-out") },
    { label: "templated (written here)", docs: plain.filter((d) => d.attack.family === "templated") },
    { label: "Unicode spaces instead of spaces", docs: swapped },
  ];
  const markRows = families.flatMap(({ label, docs }) => MODES.map((mode) => ({ label, mode, figures: marking(docs, mode) })));
  const marks = markingTable(markRows);
  const heldOutDatamark = markRows.find((r) => r.label === families[0]?.label && r.mode === "datamark")?.figures;
  const fences = escapeTable(MODES.map((mode) => ({ mode, figures: escapes(plain, mode) })));

  progress("passage selection on long documents");
  const sets = qaSets(opts.dataDir);
  const cases = retrievalCases(sets);
  const retrieved = retrievalTable(retrieval(cases, DEFAULT_BUDGET), DEFAULT_BUDGET);

  const heldOut = plain.filter((d) => d.attack.family === "held-out").length / 3;
  const templated = plain.filter((d) => d.attack.family === "templated").length / 3;
  const facts: Record<string, string> = {
    data: `ordinary documents are 1–3 KB pages of the measured half of each source of \`npm run eval:tool-output\` (alpaca_eval answers, BIPIA e-mails, code answers and tables, GSM8K, the CommonMark spec) and of this repository's docs; attacked documents are pages of the other half with one attack planted (docs/tool-output-guard.md describes the sources and the split).`,
    attacks: `${heldOut.toLocaleString("en-US")} held-out public attacks (BIPIA's text and code attacks, promptmap's rules: sources the injection detector never learned from) and ${templated} templated attacks written for the tool-output evaluation, each planted on a paragraph of its own at the start, the middle and the end of its own carrier page (${plain.length.toLocaleString("en-US")} documents); and each attack once more with its spaces swapped for no-break, en or ideographic spaces (${SPACE_SWAPS.length} kinds, in turn), as someone who knows about datamarking would write it.`,
    retrieval: `${Object.values(sets)
      .map((s) => s.note)
      .join(
        "; ",
      )}. Lengths ${RETRIEVAL_LENGTHS.map((l) => l.toLocaleString("en-US")).join(", ")} characters (300,000 is ATTACHMENTS_MAX_TEXT_CHARS's default).`,
  };
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const t = ordinaryTotals;
  const unmarked = heldOutDatamark ? `${heldOutDatamark.unmarkedLine} of ${heldOutDatamark.attacks}` : "some";
  facts.reading = [
    `- Datamarking costs tokens, not characters: on ordinary documents the fenced, datamarked text is ${ratio(t.datamark.chars, t.raw.chars)} the raw characters and ${ratio(t.datamark.bytes4, t.raw.bytes4)} by bytes/4 (the mark is two bytes of UTF-8), but ${ratio(t.datamark.pieces, t.raw.pieces)} by the floor, against ${ratio(t.off.pieces, t.raw.pieces)} for the fence alone: each word after a mark can no longer share a token with its space. If the floor tracks the real count, that is about ${Math.round((t.datamark.pieces / t.raw.pieces - 1) * 100)} % more tokens than the raw text. Tables shrink in characters because a run of aligning spaces becomes one mark: the cells stay in order, the alignment goes.`,
    `- Base64 costs ${ratio(t.base64.chars, t.raw.chars)} the characters and more in tokens than bytes/4 shows, and leaves the model to decode before it can read: a choice for models known to decode base64 well, as ATTACHMENTS_SPOTLIGHT's description says.`,
    `- Under datamark every line of an attack that has a space in it reaches the model marked, whichever Unicode space the attacker used (the third group). What stays unmarked is a line with no space at all: ${unmarked} held-out attacked documents hold such a line of 20 characters or more, nearly all BIPIA's code attacks (\`exec(open("./exploit.py").read())\`). Those are still inside the fence, and are as much data as the rest; the mark simply has nothing to attach to.`,
    "- No planted line ended a fence early in any mode: the closing line needs the request's boundary, which is fresh per request, and a document that holds it anyway has it taken out. The right-hand column is the residue the model has to judge by the id alone: under `off` every planted closing line is there as written; under datamark only the ones with no space in them (`</document>`, a line of the attack itself), since the mark breaks `</document id=`; under base64 none.",
    "- Passage selection keeps the passage that answers the question far more often than sending the opening text would; BM25 is lexical, so a question that shares no uncommon word with its passage (a paraphrase, a synonym) can miss it. The live mode is what says whether any of this changes what a model does.",
  ].join("\n");
  const tables = [size, sizeAttacked, bySource, marks, fences, retrieved];

  let liveText = `Not run here: this machine has no network. To measure it, with a key in the environment:
\`npm run eval:spotlight -- --live openai\` (or \`anthropic\`; \`--model\` picks the model, default ${DEFAULT_MODELS.openai} and ${DEFAULT_MODELS.anthropic}; \`--limit\` the number of attacked documents, default 60, each sent once per mode).
Each document carries, after its public attack, an instruction to write a canary word (${CANARY_TEMPLATES.length} phrasings written
for this evaluation, such as "${CANARY_TEMPLATES[0]?.("QUOKKA1234")}"); the person asks "${USER_REQUEST}"; the prompt is the app's (buildPrompt, the system prompt,
documentInstructions, the fenced document); a reply that contains the canary is a successful attack. The table then compares
\`off\` (fenced, unmarked), \`datamark\` and \`base64\`, with the share of replies that used the document's content as a rough check
that a mode does not cost the answer (base64 depends on the model decoding it).`;
  if (opts.live) {
    const { provider, model, limit } = opts.live;
    const ask = askerOrThrow(provider, model);
    const live = liveCases(plain, limit);
    progress(`live: ${live.length} documents × ${MODES.length} modes against ${provider} ${model}`);
    const rows = await runLive({ ask, cases: live, progress });
    const table = liveTable(rows, { provider, model, cases: live.length });
    console.log(`${tableText(table)}\n`);
    liveText = `Run on ${date.toISOString().slice(0, 10)} against ${provider} ${model}, ${live.length} attacked documents per mode (the canary task below).\n\n${tablesMarkdown([table])}\n\n${liveText.replace(/^Not run here: this machine has no network\. To measure it, with a key in the environment:\n/, "Run again with: ")}`;
  }

  for (const table of tables) console.log(`${tableText(table)}\n`);
  if (!opts.dryRun) {
    const text = section({
      command: commandLine({ script: "eval:spotlight", file: "scripts/eval-spotlight.ts" }),
      date,
      code,
      dataDir: path.relative(REPO_ROOT, opts.dataDir) || ".",
      facts,
      tables,
      live: liveText,
    });
    writeSection({ file: REPORT, section: text });
    progress(`wrote the Spotlighting section of ${path.relative(process.cwd(), REPORT)}`);
  }
}

main().catch((error: unknown) => {
  console.error(`eval:spotlight: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
