/**
 * The markdown report of `npm run eval:guards -- --write docs/guards.md`: where and how it was
 * measured, the targets, every table, and how to tune the guards on your own traffic.
 */
import { arch, cpus, loadavg, release, totalmem, type as osType } from "node:os";
import { tableMarkdown, targetsTable, type Table, type Target } from "./eval-format";

export type Sections = { loso: Table[]; injection: Table[]; pii: Table[]; sanitizer: Table[]; hostile: Table[] };

export function machineDescription(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpu}, ${cpus().length} logical cores, ${Math.round(totalmem() / 1024 ** 3)} GB RAM, ${osType()} ${release()} ${arch()}`;
}

/** The 1-minute load average: other work on the machine shows in the latencies. */
export function load(): string {
  return `${(loadavg()[0] ?? 0).toFixed(2)} (on ${cpus().length} logical cores)`;
}

export function reportMarkdown({
  command,
  date,
  loadBefore,
  loadAfter,
  code,
  dataDir,
  thresholds,
  targets,
  sections,
}: {
  command: string;
  date: Date;
  loadBefore: string;
  loadAfter: string;
  code: string;
  dataDir: string;
  thresholds: { flag: number; block: number; blockAlone: number };
  targets: Target[];
  sections: Sections;
}): string {
  const tables = (list: Table[]) => list.map((table) => tableMarkdown(table)).join("\n\n");
  const goals = targets.filter((t) => !t.check);
  const met = goals.filter((t) => t.met).length;
  const checks = targets.filter((t) => t.check);
  return `# Guard evaluation

What the input guards (prompt-injection detector, PII redactor) and the output sanitizer do on public,
labelled data that nobody on this project wrote. This file is generated: do not edit it, run the
command below again.

- Command: \`${command}\`
- Date: ${date.toISOString().replace(/\.\d+Z$/, "Z")}
- Machine: ${machineDescription()}
- Node: ${process.version}
- Load average (1 min): ${loadBefore} when the run started, ${loadAfter} after the latency measurements (the run itself adds about 1)
- Code: ${code}
- Data: \`${dataDir}\` (sources, licences and label semantics in its README.md)

Every figure except the latencies is deterministic: the same code and data give the same numbers.
Latencies are wall-clock times of single calls in one Node process on the machine above.

## Targets

${met} of ${goals.length} targets met.${checks.length > 0 ? ` The ${checks.length} rows marked "(check)" are stricter measures this project adds beside the targets (recall on the attacks the model never learned from, a better guide to corpora nobody here has seen); they are reported, not counted, and ${checks.filter((t) => t.met).length} of them hold.` : ""}

${tableMarkdown(targetsTable(targets), { title: false })}

## Prompt-injection detector

### Held out: leave-one-source-out

The figure that predicts production: how the detector does on a whole source of text it never learned
from. For each group of sources the model may learn from, a model is trained on all the others and
scores the group; groups no model ever learns from (test-only licences, GPL, this project's test suites)
are scored by the shipped model. Each message is prepared exactly as the chat route scores it
(normalised, text hidden in tag characters appended and also scored alone, de-obfuscated, encoded
payloads decoded and scored as what they decode to). Training data, sources and weights: \`scripts/train-data/injection/README.md\`;
the training command: \`npm run train:injection\`.

${sections.loso.length > 0 ? tables(sections.loso) : "Not measured in this run (`--no-loso`)."}

### The shipped detector

What a deployment runs with the defaults: the score is the probability of an attack at a base rate of one
message in ten; a message is blocked at a score >= ${thresholds.blockAlone} on the model's word alone, or at
>= ${thresholds.block} when a named signal agrees (an override, an extraction request, a role-play jailbreak,
chat-template tokens, a fake turn, an encoded or hidden payload, disguise); from >= ${thresholds.flag} it is
flagged (audited, still answered). Thresholds and stack were chosen by the training script on held-out
predictions (\`lib/guard/injection/calibration.json\`).

${tables(sections.injection)}

## PII redactor

Each text goes through \`normalizeInput\` and a fresh \`PlaceholderMap\` (all entity types), as the chat
route and \`npm run guard -- redact\` do. Presidio's labels map to ours as CREDIT_CARD → CARD,
IBAN_CODE → IBAN, PHONE_NUMBER → PHONE, EMAIL_ADDRESS → EMAIL, US_SSN → SSN, IP_ADDRESS → IP.

${tables(sections.pii)}

## Markdown sanitizer

${tables(sections.sanitizer)}

## Linear time

${tables(sections.hostile)}

## Tuning on your own traffic

\`npm run guard\` runs the same checks over JSON Lines, one \`{"text": "…"}\` per line, and answers each
line in order; a line that is not JSON or has no string \`text\` gets \`{"error": "…"}\` and the run goes on.

\`\`\`sh
# Scores, to choose GUARD_INJECTION_FLAG_AT / _BLOCK_AT / _BLOCK_ALONE_AT on your messages
npm run -s guard -- scan < messages.jsonl > scores.jsonl
npm run -s guard -- scan --flag-at 0.6 --block-at 0.9 --block-alone-at 0.99 < messages.jsonl
# What redaction would replace, for GUARD_PII_ENTITIES
npm run -s guard -- redact --entities EMAIL,PHONE,CARD < messages.jsonl
\`\`\`

\`scan\` prints \`{"verdict":"block"|"flag"|"allow","score":…,"signals":[…]}\`; its thresholds come from
\`--flag-at\` / \`--block-at\` / \`--block-alone-at\`, else from the \`GUARD_INJECTION_*_AT\` variables, else the
defaults above. To tune on your own traffic: run a day of real messages (a sample your policy lets you keep)
through \`scan\`, sort by score, and read the highest-scoring ordinary ones; set \`GUARD_INJECTION_FLAG_AT\` where
the flags become too many to review, and keep \`GUARD_INJECTION_BLOCK_AT\` above every ordinary message that
carries a named signal (\`jq -c 'select(.signals | map(select(. != "classifier")) | length > 0)'\`), and
\`GUARD_INJECTION_BLOCK_ALONE_AT\` above every ordinary message at all. The audit log's \`audit.guard.injection\`
events (score and signals, never the text) show the same numbers for live traffic.

\`redact\` prints \`{"text":"…","entities":[{"type","placeholder"}…]}\`, numbering
placeholders afresh on each line (SECRET entities add a \`subtype\`). It streams, so it can read a log of
any size: \`jq -c '{text: .message}' chat-log.jsonl | npm run -s guard -- scan\`.
`;
}
