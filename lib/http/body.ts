import { ApiError } from "../errors";

/** Reads a JSON body of at most `maxBytes` (see readCappedText). */
export async function readJsonBody(req: Request, { maxBytes }: { maxBytes: number }): Promise<unknown> {
  if (!req.body && !(Number(req.headers.get("content-length")) > maxBytes))
    throw new ApiError("invalid_json", "The request body is empty; send a JSON object.");
  const text = await readCappedText(req, {
    maxBytes,
    tooLarge: () => new ApiError("payload_too_large", `The request is larger than ${maxBytes} bytes. Shorten your message and try again.`),
  });
  // The type is checked once the (capped) body is read: answering before the client has finished
  // sending makes some clients see a reset connection instead of the answer.
  if (!/^application\/json\s*(;|$)/i.test(req.headers.get("content-type") ?? "")) {
    throw new ApiError("unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).");
  }
  if (!text.trim()) throw new ApiError("invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
}

/**
 * The body as text, never holding more than `maxBytes` of it: the Content-Length is checked first,
 * then the stream is counted as it arrives, so a lying or absent length cannot get past.
 */
export async function readCappedText(req: Request, { maxBytes, tooLarge }: { maxBytes: number; tooLarge: () => ApiError }): Promise<string> {
  return new TextDecoder("utf-8", { fatal: false }).decode(await readCappedBytes(req, { maxBytes, tooLarge }));
}

/** The body's bytes, never holding more than `maxBytes` of them (see readCappedText). */
export async function readCappedBytes(req: Request, { maxBytes, tooLarge }: { maxBytes: number; tooLarge: () => ApiError }): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
