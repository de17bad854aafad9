import { fileTypeFromBuffer } from "file-type";
import { carriesPdf, checkPdfBytesOrThrow, latin1, pdfHeader } from "./pdf-bytes";
import { ambiguousType, unsupportedType } from "./refusals";

/**
 * What a file is, from its bytes alone (a name or a declared type is never asked): a PDF, text to
 * decode, or a refusal naming what it is. Binary signatures come from file-type (several hundred
 * formats, read from the first few KiB; it never inflates more than 1 MiB of an archive).
 */

/** Formats named in words, by file-type's extension; anything else falls back on its MIME family. */
const NAMES: Record<string, string> = {
  elf: "a Linux program (ELF executable)",
  exe: "a Windows program (PE/MZ executable)",
  dll: "a Windows library (PE/MZ executable)",
  macho: "a macOS program (Mach-O executable)",
  wasm: "a WebAssembly program",
  class: "a Java program (class file)",
  jar: "a Java archive (JAR)",
  apk: "an Android app (APK)",
  dmg: "a macOS disk image",
  msi: "a Windows installer",
  zip: "a ZIP archive",
  gz: "a gzip archive",
  "7z": "a 7-Zip archive",
  rar: "a RAR archive",
  tar: "a tar archive",
  bz2: "a bzip2 archive",
  xz: "an xz archive",
  zst: "a Zstandard archive",
  lz4: "an LZ4 archive",
  cab: "a Windows cabinet archive",
  docx: "a Word document",
  xlsx: "an Excel workbook",
  pptx: "a PowerPoint presentation",
  doc: "a Word document",
  xls: "an Excel workbook",
  ppt: "a PowerPoint presentation",
  cfb: "an Office document (compound file)",
  odt: "an OpenDocument text file",
  ods: "an OpenDocument spreadsheet",
  odp: "an OpenDocument presentation",
  rtf: "a Rich Text (RTF) document",
  epub: "an e-book (EPUB)",
  xml: "an XML document",
  sqlite: "a SQLite database",
};

const OFFICE = /officedocument|msword|ms-excel|ms-powerpoint|opendocument|x-cfb/;
const ARCHIVE = /zip|compressed|gzip|x-tar|x-7z|x-rar|x-bzip|x-xz|zstd|x-lzip|x-lz4|x-cpio|x-ar\b|archive/;

function describe({ ext, mime }: { ext: string; mime: string }): string {
  const named = NAMES[ext];
  if (named) return named;
  const kind = ext.toUpperCase();
  if (mime.startsWith("image/")) return `an image (${kind})`;
  if (mime.startsWith("audio/")) return `an audio file (${kind})`;
  if (mime.startsWith("video/")) return `a video (${kind})`;
  if (mime.startsWith("font/")) return `a font (${kind})`;
  if (mime.startsWith("model/")) return `a 3D model (${kind})`;
  if (OFFICE.test(mime)) return `an Office document (${kind})`;
  if (ARCHIVE.test(mime)) return `an archive (${kind})`;
  return `binary data (${kind})`;
}

export type Sniffed = { kind: "pdf" } | { kind: "text" };

/**
 * A PDF (its header at byte 0, and no second format in it), text to decode, or a refusal. `bytes`
 * is not empty.
 */
export async function sniffOrThrow(bytes: Uint8Array): Promise<Sniffed> {
  const text = latin1(bytes);
  const header = pdfHeader(text);
  if (header.at === 0) {
    checkPdfBytesOrThrow(text);
    return { kind: "pdf" };
  }
  const found = await fileTypeFromBuffer(bytes);
  // Readers find a PDF header anywhere in the first 1024 bytes, and some much further on: whatever
  // comes before it makes a second file.
  if (header.body || carriesPdf(text)) {
    throw ambiguousType(
      found && found.ext !== "pdf" ? `${describe(found)} with a PDF inside` : "a PDF whose header does not start the file, behind other content",
    );
  }
  // The kernel runs a file that starts with `#!` as a script, whatever its name.
  if (text.startsWith("#!")) throw unsupportedType("a script (it starts with a #! line)");
  if (found) throw unsupportedType(describe(found));
  return { kind: "text" };
}
