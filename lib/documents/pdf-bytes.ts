import { ambiguousType, encryptedPdf } from "./refusals";

/**
 * What the raw bytes of a file say about a PDF in them, before any parser reads it: where its
 * header is, whether the same bytes are also another file (a polyglot), and whether it is encrypted.
 * A polyglot is refused even when its PDF half is harmless: whatever opens the other half (an
 * unzipper, a browser) would see something we never checked.
 */

/** `%PDF-1.7`, `%PDF-2.0`: the header, which the PDF spec lets readers find within the first 1024 bytes. */
const HEADER = /%PDF-\d\.\d/;
/** What makes the rest of the file a PDF body rather than text that mentions a header. */
const BODY = /\d+\s+\d+\s+obj\b|startxref|%%EOF/;

export const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

/** Where a PDF header is in the first 1024 bytes (-1: none), and whether a PDF body follows it. */
export function pdfHeader(text: string): { at: number; body: boolean } {
  const at = text.slice(0, 1024).search(HEADER);
  return { at, body: at >= 0 && BODY.test(text.slice(at)) };
}

/**
 * Anywhere in the file: a PDF header followed by objects and a cross-reference section, a whole
 * PDF appended to other content, which lenient readers (pdf.js among them) find and open. Both
 * parts are asked for, so that an article that quotes a header is not taken for one.
 */
export function carriesPdf(text: string): boolean {
  const at = text.search(HEADER);
  if (at < 0) return false;
  const rest = text.slice(at);
  return /\d+\s+\d+\s+obj\b/.test(rest) && /startxref|\btrailer\b|\/Type\s*\/XRef/.test(rest);
}

/**
 * The file with the data of its streams blanked out, so that only the PDF's own syntax (objects,
 * dictionaries, strings, comments) is searched: bytes inside a compressed stream can match a
 * 4-byte signature by chance (about once in 500 files of 8 MiB).
 */
function outsideStreams(text: string): string {
  const parts: string[] = [];
  const start = /(?<!end)stream(?:\r\n|\n|\r)/g;
  let from = 0;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    const end = text.indexOf("endstream", match.index + match[0].length);
    parts.push(text.slice(from, match.index + match[0].length));
    if (end < 0) {
      from = text.length;
      break;
    }
    from = end;
    start.lastIndex = end + 9;
  }
  parts.push(text.slice(from));
  return parts.join(" ");
}

/** ZIP: a local file header, or the end-of-central-directory record unzippers look for from the end. */
const ZIP_LOCAL = "PK\x03\x04";
const ZIP_END = "PK\x05\x06";
/** Where an unzipper looks for the end record: the last 22 bytes plus a comment of up to 65,535. */
const ZIP_END_WINDOW = 22 + 65_535;
/**
 * Markup a browser would act on. None of these can be a PDF hex string (`<` then hex digits) or
 * dictionary (`<<`). Searched in the whole file, streams included: an HTML parser reads every byte,
 * and where a stream starts is the PDF's own claim, which a comment can fake. Compressed stream
 * data matches a pattern this long only by a chance too small to count.
 */
const MARKUP = /<(?:script|html|!doctype\s+html|iframe|body|head|svg|object|embed|img|style|meta|form|a\s+href|\?xml-stylesheet)[\s>/]/i;
/** The trailer's (or cross-reference stream's) /Encrypt entry: a reference or an inline dictionary. */
const ENCRYPT = /\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/;

/**
 * Refuses a PDF that is also another file, or is encrypted. `text` is the file as latin1 (one
 * character per byte), starting with its header.
 */
export function checkPdfBytesOrThrow(text: string): void {
  const syntax = outsideStreams(text);
  if (syntax.includes(ZIP_LOCAL) || text.slice(-ZIP_END_WINDOW).includes(ZIP_END)) throw ambiguousType("a PDF and a ZIP archive at once");
  if (MARKUP.test(text)) throw ambiguousType("a PDF that also carries web page markup (HTML or script)");
  if (ENCRYPT.test(syntax)) throw encryptedPdf();
}
