/**
 * Measures the tool-output guard (lib/guard/tool-output.ts) on documents: `npm run eval:tool-output
 * [-- --data PATH] [--write docs/tool-output-guard.md]`. guardToolOutput withholds a tool's whole output
 * when the prompt-injection detector's verdict is block; this says how often that happens to ordinary
 * documents (pages, answers, e-mails, tables, a spec, this repository's docs) and to documents with an
 * indirect injection planted in them (public attacks from sources the detector never learned from,
 * templated attacks written here, hidden-text forms), by position in the page and by page length, and
 * beside it a windowed prototype of the check. Prints tables; `--write` also writes the report.
 * Deterministic (seeded) apart from the times; about a minute on two cores.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkDataDirOrThrow, dataAndWriteOptions } from "./lib/eval-data";
import { tableText } from "./lib/eval-format";
import { codeVersion, commandLine } from "./lib/eval-run";
import { machineDescription } from "./lib/eval-report";
import { hide } from "./lib/tool-output-attacks";
import { buildLength, buildMain, publicAttacks, templatedAttacks } from "./lib/tool-output-cases";
import { loadData } from "./lib/tool-output-data";
import { overlaps, RUN_WORDS } from "./lib/tool-output-overlap";
import { toolOutputReport } from "./lib/tool-output-report";
import { scoreDocument, shippedVerdict, type Verdict } from "./lib/tool-output-score";
import { operatingPointTable, prototypeTable } from "./lib/tool-output-choices";
import { attackTable, benignTable, lengthTable, overlapTable, positionTable, templatedTables, type ScoredDoc } from "./lib/tool-output-tables";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The report's own path: left out of the repository docs measured as ordinary text, written or not. */
const REPORT = path.join(REPO_ROOT, "docs/tool-output-guard.md");
const USAGE = "usage: npm run eval:tool-output [-- --data PATH] [--write docs/tool-output-guard.md]";
const progress = (message: string) => process.stderr.write(`eval:tool-output: ${message}\n`);

function main(): void {
  let opts: ReturnType<typeof dataAndWriteOptions>;
  try {
    opts = dataAndWriteOptions({ usage: USAGE, repoRoot: REPO_ROOT });
    checkDataDirOrThrow(opts.dataDir);
  } catch (error) {
    console.error(`eval:tool-output: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const { dataDir } = opts;
  const date = new Date();
  const code = codeVersion(REPO_ROOT);
  const started = performance.now();

  progress("reading the data and building the documents");
  const data = loadData({ dataDir, repoRoot: REPO_ROOT, report: REPORT });
  const docs = [...buildMain(data), ...buildLength(data)];
  progress(`scoring ${docs.length.toLocaleString("en-US")} documents with guardToolOutput and the windowed prototype`);
  const alone = new Map<string, Verdict>();
  const aloneVerdict = (text: string) => alone.get(text) ?? alone.set(text, shippedVerdict(text)).get(text);
  const scored: ScoredDoc[] = docs.map((doc) => ({
    ...doc,
    ...scoreDocument(doc.text),
    ...(doc.attack && { alone: aloneVerdict(doc.hidden ? hide(doc.attack.text, doc.hidden) : doc.attack.text) }),
  }));

  progress("contamination check against every row the detector learned from");
  const { heldOut, inSample } = publicAttacks(data);
  const overlap = overlaps({
    dataDir,
    repoRoot: REPO_ROOT,
    sets: [
      { name: "BIPIA, text", texts: heldOut.filter((a) => a.source === "bipia" && a.group !== "code").map((a) => a.text) },
      { name: "BIPIA, code", texts: heldOut.filter((a) => a.source === "bipia" && a.group === "code").map((a) => a.text) },
      { name: "promptmap", texts: heldOut.filter((a) => a.source === "promptmap").map((a) => a.text) },
      { name: "templated (this evaluation)", texts: templatedAttacks().map((a) => a.text) },
      { name: "giskard (learned from)", texts: inSample.map((a) => a.text) },
    ],
  });
  const seconds = (performance.now() - started) / 1000;

  const tables = {
    benign: benignTable(scored),
    attacks: attackTable(scored),
    position: positionTable(scored),
    templated: templatedTables(scored),
    length: lengthTable(scored),
    operatingPoints: operatingPointTable(scored),
    prototypes: prototypeTable(scored),
    overlap: overlapTable(overlap, RUN_WORDS),
  };
  console.log(`Tool-output guard evaluation, ${date.toISOString()}, Node ${process.version}, ${machineDescription()}; ${seconds.toFixed(0)} s\n`);
  for (const table of [
    tables.benign,
    tables.attacks,
    tables.position,
    ...tables.templated,
    tables.length,
    tables.operatingPoints,
    tables.prototypes,
    tables.overlap,
  ])
    console.log(`${tableText(table)}\n`);

  if (opts.write !== undefined) {
    const report = toolOutputReport({
      command: commandLine({ script: "eval:tool-output", file: "scripts/eval-tool-output.ts" }),
      date,
      code,
      dataDir: path.relative(REPO_ROOT, dataDir) || ".",
      seconds,
      scored,
      data,
      tables,
    });
    mkdirSync(path.dirname(opts.write), { recursive: true });
    writeFileSync(opts.write, report);
    progress(`wrote ${path.relative(process.cwd(), opts.write)}`);
  }
}

main();
