import "server-only";
import type { Env } from "../config/schema";
import { ApiError } from "../errors";
import { reportedLevel, scanDocument } from "../guard/document";
import { inputGuardConfig } from "../guard/input";
import type { GuardFinding } from "../guard/types";
import type { AttachmentFinding } from "../wire";
import { readDocument } from "./read";
import type { AttachmentMeta } from "./store";

/**
 * What happens to a file between the upload and the store: its type is recognised from its bytes
 * (never its name), its text read (a PDF's text layer, in a worker with its own memory and time
 * allowance), then checked as untrusted data: invisible, bidi and tag characters removed and counted,
 * hidden PDF text reported, the injection detector run in its document mode, personal data counted.
 * Nothing is refused for what it says: the person sees the findings on the attachment's chip, and the
 * text reaches the model fenced and marked as data. What is refused is a file that is not a document
 * this app reads (lib/documents/read.ts says which, each with its own error).
 */
export type Ingested = {
  meta: AttachmentMeta;
  /** The normalised text, as the prompt will use it (personal data is replaced per request, later). */
  text: string;
  /** For the audit log: metadata only. */
  audit: GuardFinding[];
};

export async function ingestDocument({
  bytes,
  name,
  config,
}: {
  bytes: Uint8Array;
  name: string;
  config: Pick<Env, "documents" | "guards">;
}): Promise<Ingested> {
  const read = await readDocument(bytes, { maxPdfPages: config.documents.maxPdfPages, maxTextChars: config.documents.maxTextChars });
  const scan = scanDocument({ text: read.text, config: inputGuardConfig(config.guards) });
  if (!scan.text.trim()) {
    throw new ApiError("empty_file", "This file has no readable text once invisible characters are removed. Attach a document with text in it.");
  }
  const findings: AttachmentFinding[] = [];
  if (scan.removed.total > 0) {
    findings.push({
      kind: "invisible_characters",
      count: scan.removed.total,
      message: `${count(scan.removed.total, "invisible character")} (zero-width, text-direction or tag characters) removed: hidden text can carry instructions no reader sees.`,
    });
  }
  if (read.hidden && read.hidden.count > 0) {
    findings.push({
      kind: "hidden_text",
      count: read.hidden.count,
      how: read.hidden.how,
      message: `${count(read.hidden.count, "character")} of this PDF ${read.hidden.count === 1 ? "is" : "are"} drawn ${hiddenWords(read.hidden.how)}, so a reader would not see ${read.hidden.count === 1 ? "it" : "them"}; the model reads ${read.hidden.count === 1 ? "it" : "them"} as data like the rest.`,
    });
  }
  const level = reportedLevel(scan.injection);
  if (scan.injection && level) {
    const likely = level === "likely";
    findings.push({
      kind: "instructions",
      level,
      signals: scan.injection.signals,
      message: likely
        ? "This document contains text that tries to give instructions to an AI assistant. The assistant is told to treat it as data and not to follow it; check its answer with care."
        : "Some text in this document may be addressed to an AI assistant. The assistant is told to treat everything in the document as data.",
    });
  }
  if (scan.piiCount > 0 && config.guards.pii !== "off") {
    const redacted = config.guards.pii !== "flag";
    findings.push({
      kind: "personal_data",
      count: scan.piiCount,
      action: redacted ? "redacted" : "flagged",
      message: redacted
        ? `${count(scan.piiCount, "item")} of personal data (such as email addresses or phone numbers) will be replaced by placeholders before the model sees the document.`
        : `${count(scan.piiCount, "item")} of personal data (such as email addresses or phone numbers) found; this service sends it to the model as written.`,
    });
  }
  return {
    meta: { name, size: bytes.byteLength, type: read.type, ...(read.pages !== undefined && { pages: read.pages }), chars: scan.text.length, findings },
    text: scan.text,
    audit: scan.findings,
  };
}

const count = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

function hiddenWords(how: ("tiny" | "white" | "invisible")[]): string {
  const words = how.map((h) => ({ tiny: "too small to read", white: "in white", invisible: "invisible" })[h]);
  return words.length <= 1 ? (words[0] ?? "hidden") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
