import { crc32, deflateRawSync, deflateSync, gzipSync, constants as zlibConstants } from "node:zlib";

/**
 * Files for the document tests, made at run time from a few lines each, so no opaque binary is
 * committed and each test says what its file holds. Every builder returns the bytes of a file
 * (`Uint8Array`); names are never part of it, since the reader recognises files by content alone.
 *
 *   pdf({ pages: [["Title", "A line of prose."], ["Page two"]] })       a valid two-page PDF
 *   pdf({ pages: [["Hi"]], white: "hidden words", encrypted: true })    with extras, as PdfOptions says
 *   zip([{ name: "a.txt", text: "hello" }]), zipBomb(256), elf(), pe(), png(), …
 */

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
/** Byte arrays end to end. */
export const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export type PdfOptions = {
  /** One entry per page, each a list of lines of text shown in Helvetica 12 pt. */
  pages: string[][];
  /** Text drawn on page 1 at 0.5 pt: there, but too small to read. */
  tiny?: string;
  /** Text drawn on page 1 in white (`1 g`), invisible on the white page. */
  white?: string;
  /** Text drawn on page 1 with rendering mode 3 (neither filled nor stroked). */
  invisible?: string;
  /** Adds an /Encrypt dictionary (Standard handler, RC4 40-bit) to the trailer; the streams stay plain. */
  encrypted?: boolean;
  /** JavaScript run when the document opens (/OpenAction), holding this text. */
  javascript?: string;
  /** An attached file (/EmbeddedFiles) holding this text. */
  embeddedFile?: string;
  /** A form (/AcroForm) with one text field whose value is this text. */
  acroForm?: string;
  /** A page content stream that inflates to this many MiB of zeros (a few KiB per MiB on disk). */
  bomb?: number;
  /** Pages carry only drawings (a rectangle), no text: what a scan without OCR looks like. */
  noText?: boolean;
  /** Bytes written before `%PDF-`: a number of spaces, or a given prefix (another format's header). */
  headerOffset?: number | string | Uint8Array;
  /** A ZIP archive appended after `%%EOF` (a PDF+ZIP polyglot). */
  appendZip?: boolean;
  /** Page content streams compressed with FlateDecode, as most producers write them. */
  compress?: boolean;
};

/** A PDF string literal: backslash, parentheses escaped; ASCII text only. */
const literal = (text: string) => `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;

/**
 * A minimal valid PDF 1.7 using the standard Helvetica font, with a correct xref table. The text
 * is laid out top-down, one line per entry, so pdf.js reads it back as written.
 */
export function pdf(options: PdfOptions): Uint8Array {
  const objects: Uint8Array[] = []; // objects[i] is object number i + 1
  const add = (body: string | Uint8Array) => {
    objects.push(typeof body === "string" ? bytes(body) : body);
    return objects.length;
  };
  const reserve = () => add("null");
  const set = (num: number, body: string | Uint8Array) => {
    objects[num - 1] = typeof body === "string" ? bytes(body) : body;
  };
  const stream = (dict: string, data: Uint8Array) => concat([bytes(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, bytes("\nendstream")]);

  const catalog = reserve();
  const pagesNum = reserve();
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const kids: number[] = [];
  const annots: number[] = [];
  if (options.acroForm !== undefined) {
    const appearance = add(
      stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 200 20] /Resources << /Font << /F1 3 0 R >> >>",
        bytes(`BT /F1 10 Tf 2 6 Td ${literal(options.acroForm)} Tj ET`),
      ),
    );
    annots.push(
      add(`<< /Type /Annot /Subtype /Widget /FT /Tx /T (field1) /V ${literal(options.acroForm)} /Rect [72 600 272 620] /F 4 /AP << /N ${appearance} 0 R >> >>`),
    );
  }

  options.pages.forEach((lines, index) => {
    let content = options.noText ? "0.5 g 72 600 200 100 re f\n" : "BT /F1 12 Tf 14 TL 72 760 Td\n" + lines.map((l) => `${literal(l)} '`).join("\n") + "\nET\n";
    if (index === 0) {
      if (options.tiny !== undefined) content += `BT /F1 0.5 Tf 72 100 Td ${literal(options.tiny)} Tj ET\n`;
      if (options.white !== undefined) content += `q 1 g BT /F1 12 Tf 72 80 Td ${literal(options.white)} Tj ET Q\n`;
      if (options.invisible !== undefined) content += `BT 3 Tr /F1 12 Tf 72 60 Td ${literal(options.invisible)} Tj ET\n`;
    }
    const data = bytes(content);
    const contents = [options.compress ? add(stream("/Filter /FlateDecode", deflateSync(data))) : add(stream("", data))];
    if (index === 0 && options.bomb !== undefined) contents.push(add(stream("/Filter /FlateDecode", zerosDeflated(options.bomb * 1_048_576))));
    const annotRefs = index === 0 && annots.length > 0 ? ` /Annots [${annots.map((n) => `${n} 0 R`).join(" ")}]` : "";
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesNum} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents [${contents.map((n) => `${n} 0 R`).join(" ")}]${annotRefs} >>`,
      ),
    );
  });
  set(pagesNum, `<< /Type /Pages /Kids [${kids.map((n) => `${n} 0 R`).join(" ")}] /Count ${kids.length} >>`);

  let extras = "";
  if (options.javascript !== undefined) {
    const js = add(`<< /S /JavaScript /JS ${literal(options.javascript)} >>`);
    extras += ` /OpenAction ${js} 0 R`;
  }
  if (options.embeddedFile !== undefined) {
    const file = add(stream("/Type /EmbeddedFile", bytes(options.embeddedFile)));
    const spec = add(`<< /Type /Filespec /F (notes.txt) /UF (notes.txt) /EF << /F ${file} 0 R >> >>`);
    extras += ` /Names << /EmbeddedFiles << /Names [(notes.txt) ${spec} 0 R] >> >>`;
  }
  if (options.acroForm !== undefined) extras += ` /AcroForm << /Fields [${annots.map((n) => `${n} 0 R`).join(" ")}] /NeedAppearances false >>`;
  set(catalog, `<< /Type /Catalog /Pages ${pagesNum} 0 R${extras} >>`);

  let trailerExtra = "";
  if (options.encrypted) {
    const hex32 = "00".repeat(32);
    const encrypt = add(`<< /Filter /Standard /V 1 /R 2 /O <${hex32}> /U <${hex32}> /P -44 >>`);
    trailerExtra = ` /Encrypt ${encrypt} 0 R /ID [<${"ab".repeat(16)}> <${"ab".repeat(16)}>]`;
  }

  const prefix =
    options.headerOffset === undefined
      ? new Uint8Array()
      : typeof options.headerOffset === "number"
        ? bytes(" ".repeat(options.headerOffset))
        : typeof options.headerOffset === "string"
          ? bytes(options.headerOffset)
          : options.headerOffset;
  // Offsets in the xref table count from `%PDF-`, as readers resolve them relative to the header.
  const parts: Uint8Array[] = [bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")];
  let at = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(at);
    const obj = concat([bytes(`${i + 1} 0 obj\n`), body, bytes("\nendobj\n")]);
    parts.push(obj);
    at += obj.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  parts.push(bytes(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${trailerExtra} >>\nstartxref\n${at}\n%%EOF\n`));
  if (options.appendZip) parts.push(zip([{ name: "payload.txt", text: "hidden in the PDF" }]));
  return concat([prefix, ...parts]);
}

/**
 * A zlib stream of `size` zeros without ever holding them: deflate 1 MiB once, repeat its
 * byte-aligned non-final blocks, close with an empty final block and the Adler-32 of the zeros.
 */
function zerosDeflated(size: number): Uint8Array {
  const { raw, chunk } = zeroBlocks();
  const whole = Math.floor(size / chunk);
  const tail = deflateRawSync(new Uint8Array(size - whole * chunk), { finishFlush: zlibConstants.Z_FULL_FLUSH });
  const adler = new Uint8Array(4);
  new DataView(adler.buffer).setUint32(0, (((size % 65_521) << 16) | 1) >>> 0);
  return concat([new Uint8Array([0x78, 0x9c]), ...Array<Uint8Array>(whole).fill(raw), tail, new Uint8Array([0x03, 0x00]), adler]);
}

let zeroBlockCache: { raw: Uint8Array; chunk: number } | undefined;
function zeroBlocks() {
  const chunk = 1_048_576;
  zeroBlockCache ??= { raw: deflateRawSync(new Uint8Array(chunk), { finishFlush: zlibConstants.Z_FULL_FLUSH }), chunk };
  return zeroBlockCache;
}

export type ZipEntry = { name: string; text?: string; data?: Uint8Array };

/** A ZIP archive (stored entries, no compression) with a correct central directory. */
export function zip(entries: ZipEntry[]): Uint8Array {
  return zipOf(
    entries.map((e) => {
      const data = e.data ?? bytes(e.text ?? "");
      return { name: e.name, method: 0, data, size: data.length, crc: crc32(data) };
    }),
  );
}

/**
 * A real zip bomb: one entry of `mib` MiB of zeros, deflated (about 1 KiB on disk per MiB), with the
 * right sizes and CRC-32, so an unzipper would fill memory or disk with it.
 */
export function zipBomb(mib = 256): Uint8Array {
  const { raw, chunk } = zeroBlocks();
  const zero = new Uint8Array(chunk);
  let crc = 0;
  for (let i = 0; i < mib; i++) crc = crc32(zero, crc);
  const data = concat([...Array<Uint8Array>(mib).fill(raw), new Uint8Array([0x03, 0x00])]);
  return zipOf([{ name: "zeros.txt", method: 8, data, size: mib * chunk, crc }]);
}

function zipOf(entries: { name: string; method: number; data: Uint8Array; size: number; crc: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = bytes(e.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, e.method, true);
    local.setUint32(14, e.crc >>> 0, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, e.size, true);
    local.setUint16(26, name.length, true);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(10, e.method, true);
    dir.setUint32(16, e.crc >>> 0, true);
    dir.setUint32(20, e.data.length, true);
    dir.setUint32(24, e.size, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), name, e.data);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + e.data.length;
  }
  const dirBytes = concat(central);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, dirBytes.length, true);
  end.setUint32(16, offset, true);
  return concat([...parts, dirBytes, new Uint8Array(end.buffer)]);
}

/** The start of a 64-bit Linux executable (ELF header), then padding. */
export function elf(): Uint8Array {
  const out = new Uint8Array(256);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  out.set([2, 0, 0x3e, 0, 1, 0, 0, 0], 16); // ET_EXEC, x86-64, version 1
  return out;
}

/** The start of a Windows executable: an MZ header pointing at a PE header. */
export function pe(): Uint8Array {
  const out = new Uint8Array(512);
  out.set(bytes("MZ"));
  new DataView(out.buffer).setUint32(0x3c, 0x80, true);
  out.set(bytes("This program cannot be run in DOS mode."), 0x4e);
  out.set([0x50, 0x45, 0, 0, 0x64, 0x86], 0x80); // "PE\0\0", x86-64
  return out;
}

/** A 1×1 PNG image. */
export function png(): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const head = new DataView(new ArrayBuffer(8));
    head.setUint32(0, data.length);
    const typed = concat([bytes(type), data]);
    const crc = new DataView(new ArrayBuffer(4));
    crc.setUint32(0, crc32(typed));
    return concat([new Uint8Array(head.buffer.slice(0, 4)), typed, new Uint8Array(crc.buffer)]);
  };
  const ihdr = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(new Uint8Array([0, 0]))),
    chunk("IEND", new Uint8Array()),
  ]);
}

const padded = (head: number[] | Uint8Array, size = 512) => {
  const out = new Uint8Array(Math.max(size, head.length));
  out.set(head);
  return out;
};

/** A tar archive holding one small file (a ustar header with its checksum, then the data). */
function tar(): Uint8Array {
  const out = new Uint8Array(1024);
  const put = (text: string, at: number) => out.set(bytes(text), at);
  put("notes.txt", 0);
  put("0000644\0", 100);
  put("0000000\0", 108);
  put("0000000\0", 116);
  put("00000000005\0", 124);
  put("00000000000\0", 136);
  put("ustar\x0000", 257);
  put("        ", 148);
  const sum = out.subarray(0, 512).reduce((n, b) => n + b, 0);
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  put("hello", 512);
  return out;
}

/**
 * The first bytes of other formats, enough for a signature reader to recognise them (most are not
 * complete files): programs, archives, media, Office documents. `zip`, `zipBomb`, `elf`, `pe` and
 * `png` have their own builders.
 */
export const binaries = {
  macho: () => padded([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]),
  wasm: () => padded([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  javaClass: () => padded([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34]),
  gzip: () => new Uint8Array(gzipSync(bytes("hello, world\n"))),
  sevenZip: () => padded([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]),
  rar: () => padded([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]),
  tar,
  bzip2: () => padded(bytes("BZh91AY&SY")),
  xz: () => padded([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  zstd: () => padded([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x05, 0x05, 0]),
  jpeg: () => padded([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]),
  wav: () => padded([...bytes("RIFF"), 0x24, 0, 0, 0, ...bytes("WAVEfmt "), 16, 0, 0, 0, 1, 0, 1, 0, 0x44, 0xac, 0, 0, 0x88, 0x58, 1, 0, 2, 0, 16, 0]),
  mp4: () => padded([0, 0, 0, 0x18, ...bytes("ftypmp42"), 0, 0, 0, 0, ...bytes("mp42isom")]),
  /** A legacy Office file (.doc, .xls): an OLE compound file. */
  officeLegacy: () => padded([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  docx: () =>
    zip([
      {
        name: "[Content_Types].xml",
        text: '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      },
      { name: "word/document.xml", text: "<w:document/>" },
    ]),
} as const;

/** Text as UTF-8 bytes, with a byte-order mark if asked. */
export function utf8(text: string, { bom = false } = {}): Uint8Array {
  return concat([bom ? new Uint8Array([0xef, 0xbb, 0xbf]) : new Uint8Array(), bytes(text)]);
}

/** Text as UTF-16 with its byte-order mark, little- or big-endian. */
export function utf16(text: string, endian: "le" | "be" = "le"): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, endian === "le");
  for (let i = 0; i < text.length; i++) view.setUint16(2 + i * 2, text.charCodeAt(i), endian === "le");
  return out;
}

/** Sample texts of each kind, as UTF-8 bytes. */
export const samples = {
  plain: () => utf8("Meeting notes\r\nWe agreed to ship on Friday.\r\nNothing else came up.\r\n"),
  markdown: () => utf8("# Release plan\n\n- ship the **fix** on Friday\n- write the [notes](https://example.com/notes)\n\n```sh\nnpm test\n```\n"),
  csv: () => utf8('name,city,visits\nAda,London,3\nGrace,Arlington,5\n"Lin, Jr.",Paris,1\n'),
  json: () => utf8('{"title": "Release plan", "items": [1, 2, 3]}'),
  html: () => utf8("<!DOCTYPE html>\n<html><body><p>Hello</p><script>alert(1)</script></body></html>"),
  svg: () => utf8('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
  xml: () => utf8('<?xml version="1.0"?>\n<note><to>Ada</to></note>'),
  script: () => utf8("#!/bin/sh\ncurl https://example.com/x | sh\n"),
} as const;
