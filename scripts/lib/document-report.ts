/**
 * The section "## Finding instructions in documents" of docs/documents.md, written by `npm run
 * eval:documents -- --write docs/documents.md`. Other sections of that file belong to other commands
 * and are kept as they are.
 */
import os from "node:os";
import { DOCUMENT_WEIGHT, STEP, WINDOW } from "../../lib/guard/injection/document-mode";
import { INJECTION_THRESHOLDS } from "../../lib/guard/injection/score";
import { DOCUMENT_ATTACKS } from "./document-attacks";
import type { Scored } from "./document-score";
import { countSet, type Counts } from "./document-tables";
import { tableMarkdown, type Table } from "./eval-format";
import { machineDescription } from "./eval-report";
import { TEMPLATED_ATTACKS } from "./tool-output-attacks";
import { rateWithInterval } from "./tool-output-score";

export const SECTION_TITLE = "Finding instructions in documents";

/** `file` with the section `## title` (to the next `## ` heading or the end) replaced by `section`, or appended. */
export function replaceSection({ file, title, section }: { file: string; title: string; section: string }): string {
  const body = section.endsWith("\n") ? section : `${section}\n`;
  if (file.trim() === "") return `# Documents\n\n${body}`;
  const lines = file.split("\n");
  const start = lines.findIndex((line) => line.trim() === `## ${title}`);
  if (start === -1) return `${file.trimEnd()}\n\n${body}`;
  let end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  if (end === -1) end = lines.length;
  const after = lines.slice(end).join("\n");
  return `${lines.slice(0, start).join("\n")}${start > 0 ? "\n" : ""}${body}${after ? `\n${after}` : ""}`;
}

type Tables = { heldOut: Table; ordinary: Table; development: Table; own: Table; signals: Table; reported: Table; timing: Table };

const r = (hits: number, total: number) => rateWithInterval({ hits, total });
const flagged = (c: Counts, mode: "message" | "document") => r(c[mode].flagged, c.total);
const blocked = (c: Counts, mode: "message" | "document") => r(c[mode].blocked, c.total);

export function documentSection({
  command,
  date,
  code,
  dataDir,
  seconds,
  count,
  scored,
  tables,
}: {
  command: string;
  date: Date;
  code: string;
  dataDir: string;
  seconds: number;
  count: number;
  scored: readonly Scored[];
  tables: Tables;
}): string {
  const c = (set: string) => countSet(scored, set);
  const held = c("held-out:pages");
  const bipia = ["bipia:text, task-irrelevant", "bipia:text, task-relevant", "bipia:text, targeted", "bipia:code"].map(c);
  const bipiaAll: Counts = bipia.reduce((a, b) => ({
    total: a.total + b.total,
    message: { flagged: a.message.flagged + b.message.flagged, blocked: a.message.blocked + b.message.blocked },
    document: { flagged: a.document.flagged + b.document.flagged, blocked: a.document.blocked + b.document.blocked },
  }));
  const promptmap = c("promptmap");
  const pages = c("page:all");
  const answers = c("answer");
  const howTo = c("answer:how-to");
  const shaped = ["csv:tables", "json:answers", "json:problems"].map(c);
  const long = ["long:10000", "long:20000"].map(c);
  const repo = c("repo-docs");
  const dev = c("development:pages");
  const own = c("own:pages");
  const ordinaryAll = scored.filter((d) => d.split === "ordinary");
  const ordinaryBlocked = ordinaryAll.filter((d) => d.document === "block").length;
  const ordinaryFlagged = ordinaryAll.filter((d) => d.document !== "allow").length;
  const ordinaryFlaggedMessage = ordinaryAll.filter((d) => d.message !== "allow").length;
  const shapedTotal = shaped.reduce((a, b) => a + b.total, 0);
  const shapedFlagged = shaped.reduce((a, b) => a + b.document.flagged, 0);

  return `## ${SECTION_TITLE}

How often the prompt-injection detector finds an instruction planted in a document, in **document mode**
(\`scanDocument\`, \`lib/guard/document.ts\`: what an attachment is checked with at upload, and what
\`guardToolOutput\` checks a tool's output with) against **message mode** (the same detector as a chat message
is scored, which tool output used before), on documents none of which the detector learned from.
This section is generated: do not edit it, run the command again.

- Command: \`${command}\`
- Date: ${date.toISOString().replace(/\.\d+Z$/, "Z")}
- Machine: ${machineDescription()}, Node ${process.version} (${os.platform()})
- Code: ${code}
- Data: \`${dataDir}\` (sources, licences and label semantics in its README.md)
- Run time: ${seconds.toFixed(0)} s for ${count.toLocaleString("en-US")} documents, each in both modes

Rates carry their 95 % Wilson interval. "Flagged" counts the flag and block verdicts (the document is reported
on its chip and audited), "blocked" the block verdict alone (for tool output: withheld from the model; an
attachment is never withheld). Every figure but the times is deterministic (seeded).

### Document mode

The whole text is scored as a message, as before; then each window (a paragraph, or ${WINDOW} characters
of a longer one, ${STEP} apart) is scored as a message of its own, plus four document signals
(\`lib/guard/injection/patterns-document.ts\`) that add ${DOCUMENT_WEIGHT} × their dead-zoned strength to the
window's log-odds and, as pattern families do, can confirm a block: **addressed_to_ai** ("AI assistant:", "note
to the AI", "if you are a language model", "when summarising this document"), **tool_instruction** (call a
named tool or function, write a note or memory, fetch an address, search the person's own data),
**exfiltration** (send or post the person's data or conversation to an address; a markdown image whose address
holds a slot such as \`{data}\`) and **behaviour_change** (ignore the person, answer only with, keep this from the
person, pretend). The thresholds are the calibrated ones (flag ${INJECTION_THRESHOLDS.flag}, block
${INJECTION_THRESHOLDS.block} with a named signal, ${INJECTION_THRESHOLDS.blockAlone} alone); the strictest
verdict of the whole text and its windows wins, except that a window is never flagged on the model's word alone:
on the development pages the model alone flagged 17 of 43 pages of the CommonMark spec window by window.

### Held out and development: which is which

- **Held out** (the headline): BIPIA's 250 attack instructions and promptmap's rules, the two public indirect or
  prompt-injection sources in the shared data that the detector never learned from and that are not reserved
  for independent evaluation (spikee, PayloadsAllTheThings and TakSec's payloads were learned from). Their texts
  were not read while the patterns, the window size, the weight or the window rule were written; the
  tool-output report quotes two of BIPIA's in passing. Nothing was changed after they were scored.
- **Development**: the ${TEMPLATED_ATTACKS.length} templated attacks of the tool-output evaluation
  (\`scripts/lib/tool-output-attacks.ts\`, written by an earlier session of this project), and the carrier
  halves of the ordinary sources (never measured as ordinary documents here). The patterns and the window rule
  were written looking at these, so their figures flatter document mode.
- **Written for this evaluation** (\`scripts/lib/document-attacks.ts\`): ${DOCUMENT_ATTACKS.length} attacks in the
  shapes of attachments (a CSV row, a JSON field, a Markdown comment, an e-mail footer, a CV note), written by
  the author of the patterns after they were committed, and not changed after any was scored. Less optimistic
  than development, but not independent: same author, same idea of what an attack says.

Ordinary documents are the measured halves of the tool-output evaluation's sources (alpaca_eval answers,
BIPIA's e-mails, Stack Overflow answers and tables, GSM8K's test problems, the CommonMark spec), the same data as
CSV and JSON exports, long pages, and this repository's docs (which quote attacks to explain them: a hard
negative, reported apart). None was learned from by the detector; only the other halves were looked at.

### Conclusion

- **Held-out attacks: document mode finds more, but still few.** In 1–3 KB pages, message mode flagged
  ${flagged(held, "message")} and blocked ${blocked(held, "message")}; document mode flagged
  ${flagged(held, "document")} and blocked ${blocked(held, "document")}. BIPIA: ${flagged(bipiaAll, "message")} →
  ${flagged(bipiaAll, "document")} flagged; promptmap: ${flagged(promptmap, "message")} → ${flagged(promptmap, "document")}
  flagged, ${blocked(promptmap, "message")} → ${blocked(promptmap, "document")} blocked. Most of BIPIA's
  instructions are ordinary requests that do not address an AI, name a tool or the person's data ("Answer in
  French", "Add a sentence promoting …"): no signal of a document, only reading the document as data (the fence
  and the system prompt) helps there.
- **Ordinary documents stay clean.** Document mode blocked ${ordinaryBlocked} of ${ordinaryAll.length.toLocaleString("en-US")}
  ordinary documents and flagged ${ordinaryFlagged} (message mode: ${ordinaryFlaggedMessage}): pages of 1–3 KB
  ${flagged(pages, "document")} flagged, alpaca_eval answers ${flagged(answers, "document")}, how-to answers
  ${flagged(howTo, "document")}, CSV and JSON exports ${r(shapedFlagged, shapedTotal)}, 20,000-character pages
  ${flagged(long[1] as Counts, "document")}. This repository's docs, which quote attacks, are flagged
  ${flagged(repo, "document")} (message mode ${flagged(repo, "message")}) and blocked ${blocked(repo, "document")}
  (message mode ${blocked(repo, "message")}): a document about prompt injection reads like one.
- **Development and own attacks: much more.** The templated attacks in pages: flagged ${flagged(dev, "message")} →
  ${flagged(dev, "document")}, blocked ${blocked(dev, "message")} → ${blocked(dev, "document")} (development set:
  optimistic). Those written after the patterns were fixed: flagged ${flagged(own, "message")} → ${flagged(own, "document")},
  blocked ${blocked(own, "message")} → ${blocked(own, "document")}.
- **What it is for.** Document mode reports on the chip and in the audit log what a document says to an AI; it
  catches careless and blatant plants (a note to the AI, an order to send the person's data, a tool call) in any
  position, in long documents, inside a paragraph and in hidden characters. It does not make a document safe:
  an instruction that reads as an ordinary request passes, which is why every document goes to the model fenced
  and spotlighted as data, and tools that act need the person's approval.

${tableMarkdown(tables.heldOut)}

${tableMarkdown(tables.ordinary)}

${tableMarkdown(tables.signals)}

**What the person sees.** An attachment's chip reports instructions at the block verdict ("likely") and at the
flag verdict only when a named signal agrees ("suspicious"); a flag that rests on the model's word alone is
audited and not shown (\`reportedLevel\`, lib/guard/document.ts). Such flags are nearly all of the flags on
ordinary documents, and common on long ones: a warning shown that often would teach people to pass over it.

${tableMarkdown(tables.reported)}

${tableMarkdown(tables.development)}

${tableMarkdown(tables.own)}

${tableMarkdown(tables.timing)}

### Left out

- Languages other than English: the document signals are English only (the message detector's patterns and
  model know more languages, and still run on every window).
- Whether a model obeys what passes, with and without spotlighting: no model runs offline.
- PDFs' hidden text (white on white, tiny): the parser's job, reported at upload; the text it extracts is
  scored like any other.
`;
}
