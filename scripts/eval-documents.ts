/**
 * Measures the injection detector's document mode (lib/guard/document.ts, lib/guard/injection/
 * document-mode.ts) against message mode on documents: `npm run eval:documents [-- --data PATH]
 * [--write docs/documents.md]`. Ordinary documents (public pages, answers, CSV and JSON exports, long
 * pages, this repository's docs) and documents with an indirect injection planted in them: public
 * sources held out of everything (BIPIA, promptmap), the templated attacks document mode was developed
 * on, and attacks written after its patterns were fixed. Prints tables; `--write` replaces the section
 * "## Finding instructions in documents" of the file (creating the file if need be), leaving the
 * other sections as they are. Deterministic (seeded) apart from the times.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCases } from "./lib/document-cases";
import { documentSection, replaceSection, SECTION_TITLE } from "./lib/document-report";
import { scoreCase } from "./lib/document-score";
import { DEVELOPMENT_ROWS, HELD_OUT_ROWS, modeTable, ORDINARY_ROWS, ordinarySignalsTable, OWN_ROWS, reportedTable, timingTable } from "./lib/document-tables";
import { checkDataDirOrThrow, dataAndWriteOptions } from "./lib/eval-data";
import { tableText } from "./lib/eval-format";
import { machineDescription } from "./lib/eval-report";
import { codeVersion, commandLine } from "./lib/eval-run";
import { loadData } from "./lib/tool-output-data";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The reports: left out of the repository docs measured as ordinary text. */
const REPORTS = [path.join(REPO_ROOT, "docs/documents.md"), path.join(REPO_ROOT, "docs/tool-output-guard.md")];
const USAGE = "usage: npm run eval:documents [-- --data PATH] [--write docs/documents.md]";
const progress = (message: string) => process.stderr.write(`eval:documents: ${message}\n`);

function main(): void {
  let opts: ReturnType<typeof dataAndWriteOptions>;
  try {
    opts = dataAndWriteOptions({ usage: USAGE, repoRoot: REPO_ROOT });
    checkDataDirOrThrow(opts.dataDir);
  } catch (error) {
    console.error(`eval:documents: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  const date = new Date();
  const started = performance.now();
  progress("reading the data and building the documents");
  const data = loadData({ dataDir: opts.dataDir, repoRoot: REPO_ROOT, report: REPORTS[1] as string });
  data.repoDocs = data.repoDocs.filter((d) => !REPORTS.includes(path.join(REPO_ROOT, d.file)));
  const cases = buildCases(data);
  progress(`scoring ${cases.length.toLocaleString("en-US")} documents in message mode and document mode`);
  const scored = cases.map(scoreCase);
  const seconds = (performance.now() - started) / 1000;

  const tables = {
    heldOut: modeTable({ title: "Held out: public attacks never learned from and never looked at while writing document mode", rows: HELD_OUT_ROWS, scored }),
    ordinary: modeTable({ title: "Ordinary documents (false positives)", rows: ORDINARY_ROWS, scored }),
    development: modeTable({
      title: "Development: the tool-output evaluation's templated attacks, which document mode was written against",
      rows: DEVELOPMENT_ROWS,
      scored,
    }),
    own: modeTable({ title: "Written for this evaluation after the patterns were fixed, by their author", rows: OWN_ROWS, scored }),
    signals: ordinarySignalsTable(scored),
    reported: reportedTable(scored),
    timing: timingTable(scored),
  };
  console.log(`Document-mode evaluation, ${date.toISOString()}, Node ${process.version}, ${machineDescription()}; ${seconds.toFixed(0)} s\n`);
  for (const table of Object.values(tables)) console.log(`${tableText(table)}\n`);

  if (opts.write !== undefined) {
    const section = documentSection({
      command: commandLine({ script: "eval:documents", file: "scripts/eval-documents.ts" }),
      date,
      code: codeVersion(REPO_ROOT),
      dataDir: path.relative(REPO_ROOT, opts.dataDir) || ".",
      seconds,
      count: scored.length,
      scored,
      tables,
    });
    const before = existsSync(opts.write) ? readFileSync(opts.write, "utf8") : "";
    mkdirSync(path.dirname(opts.write), { recursive: true });
    writeFileSync(opts.write, replaceSection({ file: before, title: SECTION_TITLE, section }));
    progress(`wrote the section "${SECTION_TITLE}" of ${path.relative(process.cwd(), opts.write)}`);
  }
}

main();
