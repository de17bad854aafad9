import "server-only";
import type { AttachmentType } from "@/lib/wire";
import { readPdfOrThrow } from "./pdf";
import { emptyFile, noTextLayer, textTooLong } from "./refusals";
import { sniffOrThrow } from "./sniff";
import { decodeOrThrow, refuseMarkup, textKind } from "./text";

/**
 * An uploaded file's bytes as the text of a document, for `POST /api/attachments`. The type comes
 * from the content alone: a file's name and its declared type are never asked. Anything that is not
 * plain text, Markdown, CSV, JSON or a PDF with a text layer is refused with an ApiError that says
 * what the file is and what to attach instead (lib/documents/refusals.ts).
 *
 * `text` is as decoded (no normalisation: the guards do that), with `\r\n` made `\n`. For a PDF,
 * `pages` is its page count, and `hidden` counts the characters drawn where a reader cannot see
 * them (too small, white, invisible rendering mode), when there are any.
 */
export type ReadDocument = {
  type: AttachmentType;
  text: string;
  pages?: number;
  hidden?: { count: number; how: ("tiny" | "white" | "invisible")[] };
};

export type ReadLimits = { maxPdfPages: number; maxTextChars: number };

export async function readDocument(bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  if (bytes.length === 0) throw emptyFile();
  const sniffed = await sniffOrThrow(bytes);
  if (sniffed.kind === "pdf") {
    const pdf = await readPdfOrThrow(bytes, limits);
    const text = pdf.text.replace(/\r\n/g, "\n");
    if (text.trim() === "") throw noTextLayer();
    if (text.length > limits.maxTextChars) throw textTooLong(limits.maxTextChars);
    const how = (["tiny", "white", "invisible"] as const).filter((way) => pdf.hidden[way] > 0);
    return { type: "application/pdf", text, pages: pdf.pages, ...(pdf.hidden.count > 0 && { hidden: { count: pdf.hidden.count, how } }) };
  }
  const text = decodeOrThrow(bytes).replace(/\r\n/g, "\n");
  if (text.trim() === "") throw emptyFile();
  refuseMarkup(text);
  if (text.length > limits.maxTextChars) throw textTooLong(limits.maxTextChars);
  return { type: textKind(text), text };
}
