/**
 * Reads one PDF's text layer with pdf.js, inside a worker thread that lib/documents/pdf.ts starts
 * with heap limits and a deadline, and terminates when either is passed: a hostile PDF can only take
 * this thread down. Plain JavaScript, not TypeScript: Node runs it as it is, whatever bundled the
 * module that starts it.
 *
 * Nothing in the document runs or is extracted: no scripts (isEvalSupported false, no scripting
 * layer), no XFA, no annotations or form appearances (annotationMode DISABLE), no attachments, no
 * images decoded (maxImageSize 0), no fonts loaded, no network (bytes only, no URL).
 *
 * In: workerData { data: Uint8Array, maxPages, maxChars, inflateBudget }.
 * Out: one message, { ok: true, text, pages, hidden: { tiny, white, invisible, count } } or
 * { ok: false, reason: "encrypted" | "pages" | "chars" | "corrupt" | "bomb", pages? }.
 */
import { parentPort, workerData } from "node:worker_threads";
import { inflateSync, constants as zlib } from "node:zlib";
import * as pdfjsWorker from "pdfjs-dist/legacy/build/pdf.worker.mjs";

// With the worker module already loaded, pdf.js runs its parser on this thread ("fake worker")
// instead of importing it by a path that a bundler may have moved.
globalThis.pdfjsWorker = pdfjsWorker;
const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
const { OPS } = pdfjs;

const { data, maxPages, maxChars, inflateBudget } = workerData;

/**
 * pdf.js inflates a stream into one growing buffer outside the JavaScript heap, which the worker's
 * heap limit does not count: a few KiB of zeros can ask for gigabytes. Every FlateDecode stream it
 * may read (images are never decoded here) is inflated once with zlib, capped, before pdf.js sees
 * the file; the total must stay within `inflateBudget` bytes (at most 2 GiB). Streams hidden behind other filters
 * are left to the parent's memory watch.
 */
function inflatesWithinBudget(bytes, budget) {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const start = /(?<!end)stream(?:\r\n|\n|\r)/g;
  let remaining = budget;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    const dataStart = match.index + match[0].length;
    const end = text.indexOf("endstream", dataStart);
    if (end < 0) break;
    const dict = text.slice(Math.max(0, text.lastIndexOf("obj", match.index)), match.index);
    start.lastIndex = end + 9;
    if (!/\/(FlateDecode|Fl)\b/.test(dict) || /\/Subtype\s*\/Image\b/.test(dict)) continue;
    try {
      remaining -= inflateSync(bytes.subarray(dataStart, end), { maxOutputLength: remaining + 1, finishFlush: zlib.Z_SYNC_FLUSH }).length;
    } catch (error) {
      if (error?.code === "ERR_BUFFER_TOO_LARGE") return false;
      // A stream zlib cannot read (another filter first, damaged data) is pdf.js's to judge.
    }
    if (remaining < 0) return false;
  }
  return true;
}

const IDENTITY = [1, 0, 0, 1, 0, 0];
const multiply = (m, n) => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
/** `#rrggbb` with every channel at 0xf0 or above: white, or too close to it to read on a white page. */
const nearWhite = (hex) => typeof hex === "string" && /^#[fF][0-9a-fA-F][fF][0-9a-fA-F][fF][0-9a-fA-F]$/.test(hex);
const TINY_POINTS = 1.5;

/**
 * Characters drawn where a reader cannot see them: rendering mode 3 or 7 (no fill, no stroke), a
 * white or near-white fill, or an effective size below 1.5 pt (font size × text matrix × CTM).
 * Counts each such character once, and which ways it was hidden.
 */
function hiddenText({ fnArray, argsArray }, totals) {
  let state = { mode: 0, white: false, size: 0, tm: IDENTITY, ctm: IDENTITY };
  const stack = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i];
    switch (fn) {
      case OPS.save:
        stack.push(state);
        state = { ...state };
        break;
      case OPS.restore:
      case OPS.paintFormXObjectEnd:
        state = stack.pop() ?? state;
        break;
      case OPS.paintFormXObjectBegin:
        stack.push(state);
        state = { ...state, ctm: args?.[0] ? multiply([...args[0]], state.ctm) : state.ctm };
        break;
      case OPS.transform:
        state.ctm = multiply(args, state.ctm);
        break;
      case OPS.beginText:
        state.tm = IDENTITY;
        break;
      case OPS.setTextMatrix:
        state.tm = [...(args[0] ?? IDENTITY)];
        break;
      case OPS.setFont:
        state.size = Number(args[1]) || 0;
        break;
      case OPS.setTextRenderingMode:
        state.mode = args[0];
        break;
      case OPS.setFillRGBColor:
        state.white = nearWhite(args[0]);
        break;
      case OPS.setFillTransparent:
        state.white = false;
        break;
      case OPS.showText:
      case OPS.showSpacedText:
      case OPS.nextLineShowText:
      case OPS.nextLineSetSpacingShowText: {
        const glyphs = (fn === OPS.nextLineSetSpacingShowText ? args[2] : args[0]) ?? [];
        let shown = 0;
        for (const glyph of glyphs) if (glyph && typeof glyph === "object" && glyph.unicode && glyph.unicode.trim() !== "") shown++;
        if (shown === 0) break;
        const m = multiply(state.tm, state.ctm);
        const invisible = state.mode === 3 || state.mode === 7;
        const white = !invisible && state.white && state.mode % 4 !== 1; // modes 1 and 5 only stroke
        const tiny = Math.abs(state.size) * Math.hypot(m[2], m[3]) < TINY_POINTS;
        if (invisible) totals.invisible += shown;
        if (white) totals.white += shown;
        if (tiny) totals.tiny += shown;
        if (invisible || white || tiny) totals.count += shown;
        break;
      }
      default:
        break;
    }
  }
}

async function read() {
  // An infinite budget turns the check off (the benchmark measures the memory watch alone).
  if (Number.isFinite(inflateBudget) && !inflatesWithinBudget(data, inflateBudget)) return { ok: false, reason: "bomb" };
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data,
      isEvalSupported: false,
      disableFontFace: true,
      enableXfa: false,
      useSystemFonts: false,
      useWorkerFetch: false,
      maxImageSize: 0,
      isOffscreenCanvasSupported: false,
      isImageDecoderSupported: false,
      stopAtErrors: false,
      verbosity: 0,
    }).promise;
  } catch (error) {
    return { ok: false, reason: error?.name === "PasswordException" ? "encrypted" : "corrupt" };
  }
  const pages = doc.numPages;
  // Refused before a page is read.
  if (pages > maxPages) return { ok: false, reason: "pages", pages };
  const parts = [];
  let chars = 0;
  const hidden = { tiny: 0, white: 0, invisible: 0, count: 0 };
  for (let n = 1; n <= pages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    let text = "";
    for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
    chars += text.length;
    if (chars > maxChars) return { ok: false, reason: "chars", pages };
    parts.push(text);
    hiddenText(await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE }), hidden);
    page.cleanup();
  }
  return { ok: true, text: parts.join("\n\n"), pages, hidden };
}

let result;
try {
  result = await read();
} catch {
  result = { ok: false, reason: "corrupt" };
}
parentPort.postMessage(result);
