import "server-only";
import { Worker } from "node:worker_threads";
import { damagedPdf, encryptedPdf, overloadedPdf, textTooLong, tooManyPages } from "./refusals";

/**
 * A PDF's text layer, read by pdf.js in a worker thread (lib/documents/pdf-worker.mjs) that is
 * terminated when it passes its heap, its memory outside the heap, or its deadline: a PDF built to
 * exhaust a parser costs one thread, never the server. A fresh worker per file, so nothing one
 * document does can reach the next; at most `PDF_LIMITS.concurrent` at once in the process, the
 * others wait their turn.
 */
export const PDF_LIMITS = {
  /** Files parsed at once in this process (each a thread with its own heap). */
  concurrent: 2,
  /** The worker's JavaScript heap (V8 old generation), MiB. */
  heapMb: 256,
  /** Memory the worker holds outside its heap (inflated streams, buffers), bytes. */
  externalBytes: 256 * 1_048_576,
  /** What all of a file's compressed streams may inflate to, bytes (checked before pdf.js reads it). */
  inflateBytes: 96 * 1_048_576,
  /** Wall-clock time for one file, from the worker's start, ms. */
  timeoutMs: 15_000,
  /** How often the memory outside the heap is looked at, ms. */
  watchMs: 50,
} as const;

/** The limits, as numbers (tests lower them). */
export type PdfSettings = Record<keyof typeof PDF_LIMITS, number>;

export type PdfText = { text: string; pages: number; hidden: { tiny: number; white: number; invisible: number; count: number } };

type WorkerResult = ({ ok: true } & PdfText) | { ok: false; reason: "encrypted" | "pages" | "chars" | "corrupt" | "bomb"; pages?: number };

type Limits = { maxPdfPages: number; maxTextChars: number };

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PDF_LIMITS.concurrent) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next)
      next(); // the slot passes straight to the next in line
    else running--;
  }
}

/** Runs the worker on a copy of `bytes` (the caller keeps its own), and maps its answer to text or an ApiError. */
export async function readPdfOrThrow(bytes: Uint8Array, limits: Limits, overrides: Partial<PdfSettings> = {}): Promise<PdfText> {
  const settings = { ...PDF_LIMITS, ...overrides };
  const result = await slot(() => runWorker(bytes, limits, settings));
  if (result.ok) return { text: result.text, pages: result.pages, hidden: result.hidden };
  switch (result.reason) {
    case "encrypted":
      throw encryptedPdf();
    case "pages":
      throw tooManyPages({ pages: result.pages ?? 0, max: limits.maxPdfPages });
    case "chars":
      throw textTooLong(limits.maxTextChars);
    case "bomb":
      throw overloadedPdf();
    default:
      throw damagedPdf();
  }
}

type Outcome = { kind: "result"; result: WorkerResult } | { kind: "overloaded" } | { kind: "failed"; error: unknown };

function runWorker(bytes: Uint8Array, limits: Limits, settings: PdfSettings): Promise<WorkerResult> {
  const data = bytes.slice();
  return new Promise<Outcome>((resolve) => {
    const worker = new Worker(new URL("./pdf-worker.mjs", import.meta.url), {
      workerData: { data, maxPages: limits.maxPdfPages, maxChars: limits.maxTextChars, inflateBudget: settings.inflateBytes },
      transferList: [data.buffer],
      resourceLimits: { maxOldGenerationSizeMb: settings.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      // Not the parent's flags: no inspector, no loader hooks (a TypeScript loader in a script or a
      // test runner would transform pdf.js's 2.4 MB on every start).
      execArgv: [],
      stdout: true, // pdf.js warnings about a damaged file are not the server's log
      stderr: true,
    });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(watch);
      void worker.terminate();
      resolve(outcome);
    };
    const deadline = setTimeout(() => finish({ kind: "overloaded" }), settings.timeoutMs);
    // The heap limit does not count ArrayBuffers: watch them from here, where the event loop is free.
    const watch = setInterval(() => {
      worker.getHeapStatistics().then(
        (stats) => {
          if (stats.external_memory > settings.externalBytes) finish({ kind: "overloaded" });
        },
        () => {},
      );
    }, settings.watchMs);
    worker.stdout.resume();
    worker.stderr.resume();
    worker.once("message", (result: WorkerResult) => finish({ kind: "result", result }));
    // The heap limit ends the thread with ERR_WORKER_OUT_OF_MEMORY; any other error is ours (the
    // worker catches what pdf.js throws), so it goes up as a server error, to be logged.
    worker.once("error", (error: Error & { code?: string }) =>
      finish(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? { kind: "overloaded" } : { kind: "failed", error }),
    );
    worker.once("exit", () => finish({ kind: "overloaded" }));
  }).then((outcome) => {
    if (outcome.kind === "overloaded") throw overloadedPdf();
    if (outcome.kind === "failed") throw outcome.error;
    return outcome.result;
  });
}
