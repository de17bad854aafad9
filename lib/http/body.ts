import { ApiError } from "./errors";

/**
 * Reads a JSON body without ever holding more than `maxBytes` of it: the Content-Length is checked
 * first, then the stream is counted as it arrives, so a lying or absent length cannot get past.
 */
export async function readJsonBody(req: Request, { maxBytes }: { maxBytes: number }): Promise<unknown> {
  const tooLarge = () => new ApiError("payload_too_large", `The request is larger than ${maxBytes} bytes. Shorten your message and try again.`);
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!req.body) throw new ApiError("invalid_json", "The request body is empty; send a JSON object.");

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
  // The type is checked once the (capped) body is read: answering before the client has finished
  // sending makes some clients see a reset connection instead of the answer.
  if (!/^application\/json\s*(;|$)/i.test(req.headers.get("content-type") ?? "")) {
    throw new ApiError("unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).");
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  if (!text.trim()) throw new ApiError("invalid_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
}
