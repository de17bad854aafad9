/**
 * `npm run bench:documents`: what reading an uploaded PDF costs (lib/documents/read.ts). Writes PDFs
 * of 1, 10 and 100 pages of prose (tests/support/documents.ts, FlateDecode content as producers
 * write it) and a decompression bomb (a page stream that inflates to 1 GiB of zeros), reads each
 * with readDocument as the upload route does (a fresh pdf.js worker thread per file), and prints a
 * Markdown table: median time, pages per second, and the peak RSS of the whole process (the
 * worker threads included) above what it held before. The figures and their reading are in
 * docs/documents.md, "Reading files". A last row reads the bomb with the inflate check turned off,
 * to show how far the memory watch lets pdf.js go before it terminates the worker.
 *
 * Not part of `npm test`: timings depend on the machine and on what else it is doing.
 *
 * Options: --runs N (5; the 100-page file and the bomb run max(2, N / 2) times).
 */
import os from "node:os";
import { readPdfOrThrow } from "../../lib/documents/pdf";
import { readDocument } from "../../lib/documents/read";
import { ApiError } from "../../lib/errors";
import { pdf } from "../../tests/support/documents";
import { machineLine, percentile } from "./report";

const runsArg = process.argv.find((arg) => arg.startsWith("--runs"))?.split("=")[1] ?? process.argv[process.argv.indexOf("--runs") + 1];
const RUNS = Math.max(1, Number.parseInt(runsArg ?? "", 10) || 5);

const WORDS = "the plan for the quarter is to ship the reader on time while keeping every upload inside its limits and its fence".split(" ");
/** A page of prose: 45 lines of about 80 characters, different on every page. */
function prosePage(page: number): string[] {
  return Array.from({ length: 45 }, (_, line) => {
    let text = `${page + 1}.${line + 1}`;
    for (let i = 0; text.length < 80; i++) text += ` ${WORDS[(page * 7 + line * 3 + i) % WORDS.length]}`;
    return text;
  });
}

type Case = { name: string; bytes: Uint8Array; pages: number; runs: number; read?: (bytes: Uint8Array) => Promise<{ text: string }> };
const cases: Case[] = [
  ...[1, 10, 100].map((pages) => ({
    name: `${pages} page${pages === 1 ? "" : "s"} of prose`,
    bytes: pdf({ pages: Array.from({ length: pages }, (_, p) => prosePage(p)), compress: true }),
    pages,
    runs: pages === 100 ? Math.max(2, Math.ceil(RUNS / 2)) : RUNS,
  })),
  { name: "bomb: a stream of 1 GiB of zeros", bytes: pdf({ pages: [["cover"]], bomb: 1_024 }), pages: 1, runs: Math.max(2, Math.ceil(RUNS / 2)) },
  {
    // The second line of defence alone: what pdf.js reaches before the memory watch stops it.
    name: "the same bomb, inflate check off (memory watch only)",
    bytes: pdf({ pages: [["cover"]], bomb: 1_024 }),
    pages: 1,
    runs: Math.max(2, Math.ceil(RUNS / 2)),
    read: (bytes) => readPdfOrThrow(bytes, limits, { inflateBytes: Number.POSITIVE_INFINITY }),
  },
];
const limits = { maxPdfPages: 100, maxTextChars: 5_000_000 };

const mib = (bytes: number) => (bytes / 1_048_576).toFixed(0);

async function measure(c: Case) {
  const times: number[] = [];
  let outcome = "";
  let peak = 0;
  const base = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  for (let i = 0; i < c.runs; i++) {
    const start = performance.now();
    try {
      const doc = await (c.read ?? ((bytes) => readDocument(bytes, limits)))(c.bytes);
      outcome = `${doc.text.length.toLocaleString("en-US")} characters`;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcome = `refused: ${error.code}`;
    }
    times.push(performance.now() - start);
  }
  clearInterval(sampler);
  const median = percentile(times, 50);
  return { median, pagesPerSecond: (c.pages * 1000) / median, peakAbove: Math.max(0, peak - base), base, outcome };
}

async function main() {
  // One read first, so that the first case does not pay for loading the modules of this process.
  await readDocument(pdf({ pages: [["warm up"]] }), limits);
  const rows: string[] = [];
  for (const c of cases) {
    const m = await measure(c);
    rows.push(
      `| ${c.name} | ${(c.bytes.length / 1024).toFixed(0)} KiB | ${c.runs} | ${m.median.toFixed(0)} ms | ${m.outcome.startsWith("refused") ? "–" : m.pagesPerSecond.toFixed(1)} | ${mib(m.peakAbove)} MiB (of ${mib(m.base)}) | ${m.outcome} |`,
    );
  }
  console.log(`${machineLine({ load: os.loadavg()[0]!.toFixed(2) })}\n`);
  console.log("| file | size | runs | median | pages/s | peak RSS above start | result |");
  console.log("|---|--:|--:|--:|--:|--:|---|");
  for (const row of rows) console.log(row);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
