import { ApiError } from "@/lib/errors";

/**
 * The refusals of a file at upload, each an ApiError whose sentence says what the file is or what
 * went wrong, and what to do instead. The code carries the status (lib/errors.ts).
 */

const ALLOWED = "Attach plain text, Markdown, CSV, JSON or a PDF.";

/** `what` in words: "a Windows program (PE)", "a ZIP archive", "an image (PNG)". */
export const unsupportedType = (what: string) => new ApiError("unsupported_file_type", `This file is ${what}, which cannot be attached. ${ALLOWED}`);

export const ambiguousType = (what: string) =>
  new ApiError(
    "ambiguous_file_type",
    `This file is ${what}: a file that reads as two types is refused, since each reader would see something different. Save or export the document again as one plain file.`,
  );

export const emptyFile = () =>
  new ApiError("empty_file", "This file is empty (or only blank space), so there is nothing to read. Attach a file with text in it.");

export const noTextLayer = () =>
  new ApiError(
    "empty_file",
    "This PDF has no text to read: it may be a scan or made of images. Run it through text recognition (OCR) or export it with its text, then attach it again.",
  );

export const notUtf8 = () =>
  new ApiError("unreadable_file", "This text file is not valid UTF-8, so it cannot be read reliably. Save it again as UTF-8 and attach the new copy.");

export const damagedPdf = () =>
  new ApiError("unreadable_file", "This PDF could not be read: it looks damaged. Try exporting or saving it again, then attach the new copy.");

export const overloadedPdf = () =>
  new ApiError(
    "unreadable_file",
    "This PDF could not be read within the time and memory allowed for one file: it may be damaged, or built to overload readers. Try exporting it again, or paste its text.",
  );

export const encryptedPdf = () =>
  new ApiError("encrypted_pdf", "This PDF is protected with a password or permissions, so its text cannot be read. Attach an unprotected copy.");

export const tooManyPages = ({ pages, max }: { pages: number; max: number }) =>
  new ApiError(
    "document_too_long",
    `This PDF has ${pages.toLocaleString("en-US")} pages; at most ${max.toLocaleString("en-US")} can be attached. Attach the pages you need as a shorter PDF.`,
  );

export const textTooLong = (max: number) =>
  new ApiError("document_too_long", `This document holds more than ${max.toLocaleString("en-US")} characters of text. Attach a shorter part of it.`);
