/**
 * Measures the guards on the shared public data: `npm run eval:guards [-- --data PATH] [--write FILE]
 * [--no-loso]`. The prompt-injection detector first and above all held out: leave-one-source-out
 * (a model trained without each group of sources scores it; recall at 1 % and 2 % false positives on
 * text no model saw; per source, kind, length and language), then the shipped detector on the dev
 * sets and this project's two test suites, and its latency, also for an 8,000-character message
 * through the whole input pipeline; the PII redactor (recall per type, precision, how much
 * number-heavy benign text it leaves alone) and the markdown sanitizer (XSS payloads that get through,
 * benign markdown it damages). Prints tables; `--write docs/guards.md` also writes the report with the
 * targets and whether each is met. Data: --data, else BULWARK_DATA_DIR, else ../shared/data beside the
 * repository. Deterministic apart from the latencies. About a quarter of an hour on two cores, most of
 * it the leave-one-source-out training; `--no-loso` skips that part (and its target).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import calibration from "../lib/guard/injection/calibration.json";
import { shippedModel } from "../lib/guard/injection/model";
import { INJECTION_THRESHOLDS } from "../lib/guard/injection/score";
import {
  checkDataDirOrThrow,
  cliPath,
  dataDirOf,
  commonmarkSpecFile,
  loadAlpacaOutputs,
  loadInjectionSources,
  loadNumberHeavyBenign,
  loadPresidio,
  xssPayloadFiles,
} from "./lib/eval-data";
import { tableText, targetsTable, type Table, type Target } from "./lib/eval-format";
import { codeVersion, commandLine } from "./lib/eval-run";
import { languageGuesser } from "./lib/eval-language";
import { evaluateLoso } from "./lib/eval-loso";
import { losoTables } from "./lib/eval-loso-report";
import { loadCorpus } from "./lib/injection-corpus";
import { trainFolds } from "./lib/injection-loso";
import { prepareRow } from "./lib/injection-train";
import { evaluateHostile } from "./lib/eval-hostile";
import { evaluateInjection } from "./lib/eval-injection";
import { evaluatePii } from "./lib/eval-pii";
import { load, machineDescription, reportMarkdown } from "./lib/eval-report";
import { evaluateSanitizer } from "./lib/eval-sanitizer";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const USAGE = "usage: npm run eval:guards [-- --data PATH] [--write docs/guards.md] [--no-loso]";

function options(): { dataDir: string; write: string | undefined; loso: boolean } {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { data: { type: "string" }, write: { type: "string" }, "no-loso": { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const dataDir = dataDirOf({ given: values.data, repoRoot: REPO_ROOT });
  return { dataDir, write: values.write === undefined ? undefined : cliPath(values.write), loso: values["no-loso"] !== true };
}

const progress = (message: string) => process.stderr.write(`eval:guards: ${message}\n`);

async function main(): Promise<void> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options();
  } catch (error) {
    console.error(`eval:guards: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  try {
    checkDataDirOrThrow(opts.dataDir);
  } catch (error) {
    console.error(`eval:guards: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { dataDir } = opts;
  const date = new Date();
  // Read now: the report describes the code that ran, even if the tree changes during the run.
  const code = codeVersion(REPO_ROOT);
  const loadBefore = load();
  const thresholds = { ...INJECTION_THRESHOLDS };

  progress("prompt injection: the shipped detector on the dev sets and the test suites, then the 8,000-character pipeline run");
  const injection = evaluateInjection({ sources: loadInjectionSources(dataDir), thresholds, repoRoot: REPO_ROOT });
  const loadAfter = load();
  progress("PII: Presidio sentences and number-heavy benign text");
  const pii = evaluatePii({ presidio: loadPresidio(dataDir), benign: loadNumberHeavyBenign(dataDir) });
  // Before the sanitizer: its DOM work leaves a large heap whose collection would land in these one-shot timings.
  progress("hostile input: 1 MB inputs built to provoke backtracking");
  const hostile = evaluateHostile();
  progress("sanitizer: XSS payload lists, CommonMark examples, alpaca_eval outputs (the slow part)");
  const sanitizer = await evaluateSanitizer({
    payloadFiles: xssPayloadFiles(dataDir),
    commonmark: readFileSync(commonmarkSpecFile(dataDir), "utf8"),
    alpacaOutputs: loadAlpacaOutputs(dataDir),
  });

  // Last: it trains a model per source group and holds every row's features, a heap of a few hundred
  // megabytes whose garbage collection would land in the latencies above if it came first.
  const loso = opts.loso ? await evaluateHeldOut({ dataDir }) : { tables: [], targets: [] };

  const targets = [...loso.targets, ...injection.targets, ...pii.targets, ...hostile.targets];
  console.log(`Guard evaluation, ${date.toISOString()}, Node ${process.version}, ${machineDescription()}`);
  console.log(`Load average: ${loadBefore} at the start, ${loadAfter} after the latency measurements. Data: ${dataDir}\n`);
  for (const table of [targetsTable(targets), ...loso.tables, ...injection.tables, ...pii.tables, ...sanitizer.tables, ...hostile.tables])
    console.log(`${tableText(table)}\n`);

  if (opts.write !== undefined) {
    const report = reportMarkdown({
      command: commandLine({ script: "eval:guards", file: "scripts/eval-guards.ts" }),
      date,
      loadBefore,
      loadAfter,
      code,
      dataDir: path.relative(REPO_ROOT, dataDir) || ".",
      thresholds,
      targets,
      sections: { loso: loso.tables, injection: injection.tables, pii: pii.tables, sanitizer: sanitizer.tables, hostile: hostile.tables },
    });
    mkdirSync(path.dirname(opts.write), { recursive: true });
    writeFileSync(opts.write, report);
    progress(`wrote ${path.relative(process.cwd(), opts.write)}`);
  }
}

/**
 * Leave-one-source-out: every labelled row prepared as the route scores it, a model trained without
 * each learnable group, the shipped model (as committed) for the groups never learned from.
 */
async function evaluateHeldOut({ dataDir }: { dataDir: string }): Promise<{ tables: Table[]; targets: Target[] }> {
  progress("prompt injection, leave-one-source-out: preparing every labelled row as the route scores it");
  const prepared = loadCorpus({ dataDir, repoRoot: REPO_ROOT }).map(prepareRow);
  const folds = trainFolds({ prepared, onProgress: (message) => progress(`leave-one-source-out, ${message}`) });
  progress("leave-one-source-out: scoring every held-out group and the benign pool with its fold's model");
  const { w, bias } = shippedModel();
  const result = evaluateLoso({ prepared, folds, shipped: { w, bias }, shippedCal: calibration, modelNamedAt: calibration.modelNamedAt });
  const languageOf = await languageGuesser();
  return losoTables({ result, languageOf: (x) => x.p.row.lang ?? languageOf(x.p.row.text) });
}

void main();
