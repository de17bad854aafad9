/**
 * The body of a response the fetcher accepted: its type checked before a byte is read, read under
 * a size cap that counts both what arrives and what it decompresses to (a small gzip or brotli body
 * can expand a thousandfold), and decoded to text by its charset.
 */
import type { IncomingMessage } from "node:http";
import { pipeline, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { formatBytes } from "../format-bytes";
import { FetchFailed, FetchRefused } from "./fetch-errors";

/** The media types read, and how: HTML is reduced to its text, the others are text already. */
export const TEXT_TYPES = {
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/plain": "text",
  "text/markdown": "text",
  "text/x-markdown": "text",
  "application/json": "text",
} as const satisfies Record<string, "html" | "text">;

export type MediaType = { essence: string; kind: "html" | "text"; charset?: string };

/** The Accept-Encoding the fetcher sends: what it can decode, each under the same decoded-size cap. */
export const ACCEPT_ENCODING = "gzip, deflate, br";

const TOKEN = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,64}$/;

/** A Content-Type header as a media type this fetcher reads; throws FetchRefused for anything else. */
export function mediaTypeOrThrow(header: string | undefined): MediaType {
  const [type = "", ...params] = (header ?? "").split(";");
  const essence = type.trim().toLowerCase();
  const kind = (TEXT_TYPES as Record<string, "html" | "text">)[essence] ?? (/^application\/[a-z0-9.-]+\+json$/.test(essence) ? "text" : undefined);
  if (!kind) {
    // The header is the server's text: named only when it is a plain type/subtype, never echoed as written.
    const named = TOKEN.test(essence) ? essence : essence ? "an unsupported type" : "";
    throw new FetchRefused("content_type", named ? `the page is ${named}, not text this tool reads` : "the server did not say what type the page is");
  }
  let charset: string | undefined;
  for (const param of params) {
    const [name = "", value = ""] = param.split("=");
    if (name.trim().toLowerCase() === "charset") charset = value.trim().replace(/^"(.*)"$/, "$1");
  }
  return { essence, kind, ...(charset && { charset }) };
}

/** The codes of zlib's and brotli's own errors (corrupt or truncated data), as Node names them. */
const ZLIB_ERROR = /^(Z_[A-Z_]+|ERR__ERROR_[A-Z0-9_]+|ERR_BROTLI_[A-Z_]+)$/;

const tooLarge = (maxBytes: number) => new FetchRefused("too_large", `the page is larger than ${formatBytes(maxBytes)}`);

function decompressor(encoding: string): Transform | undefined {
  switch (encoding) {
    case "":
    case "identity":
      return undefined;
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      throw new FetchRefused("encoding", "the page is compressed in a way this tool does not read");
  }
}

/**
 * Counts what arrives before decompression, so a stream that never decompresses to anything (empty
 * gzip members, one after another) still stops at the cap.
 */
function receivedCounter(maxBytes: number): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(received > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
}

/**
 * The body of `response`, decompressed, at most `maxBytes` both as received and as decompressed:
 * a declared Content-Length over the cap is refused before reading, and reading stops (and the
 * connection closes) as soon as either count passes it.
 */
export async function readBodyOrThrow({ response, maxBytes }: { response: IncomingMessage; maxBytes: number }): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const decoder = decompressor((response.headers["content-encoding"] ?? "").trim().toLowerCase());

  const source: AsyncIterable<Buffer> = decoder ? pipeline(response, receivedCounter(maxBytes), decoder, () => undefined) : response;

  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (decoder && ZLIB_ERROR.test(String((error as { code?: unknown }).code))) {
      throw new FetchFailed("bad_response", "the page's compressed body could not be decoded", {}, { cause: error });
    }
    throw error;
  } finally {
    response.destroy();
  }
  return Buffer.concat(chunks, total);
}

const BOMS: [bytes: number[], encoding: string][] = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
];

/** `<meta charset=…>` or `<meta http-equiv content="…; charset=…">` in the first 1024 bytes, as browsers look for it. */
const META_CHARSET = /<meta\s[^>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]{1,40})/i;

function decoderFor(label: string | undefined): TextDecoder {
  try {
    return new TextDecoder(label ?? "utf-8");
  } catch {
    // An unknown label (or one the standard maps to "replacement"): read as UTF-8, bad bytes as U+FFFD.
    return new TextDecoder("utf-8");
  }
}

/**
 * The body as text: a byte order mark wins, then the header's charset, then (for HTML) a meta
 * charset near the top, then UTF-8. Bytes that are not valid in the encoding become U+FFFD.
 */
export function decodeBody({ body, type }: { body: Buffer; type: MediaType }): string {
  const bom = BOMS.find(([bytes]) => bytes.every((byte, index) => body[index] === byte));
  let label = bom?.[1] ?? type.charset;
  if (!label && type.kind === "html") label = META_CHARSET.exec(body.subarray(0, 1024).toString("latin1"))?.[1];
  return decoderFor(label).decode(body);
}
