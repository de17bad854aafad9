import { ApiError } from "../errors";
import { MAX_REQUEST_BODY_BYTES } from "../config/limits";
import { errorResponse } from "./errors";

/**
 * Refusals the proxy makes before any route (next-auth's included) sees a request, or null:
 * - a path whose percent-encoding does not decode (`%ED%A0%80`, a lone surrogate), which Next.js
 *   answers with a 500 when it fills in a dynamic segment;
 * - a body over MAX_REQUEST_BODY_BYTES, whether declared by Content-Length or sent without one
 *   (the proxy sees at most PROXY_BODY_COPY_BYTES of it, so nothing past that is ever held).
 * Routes keep their own, smaller caps; this one covers the routes that have none.
 */
export async function refuseMalformedRequest(request: Request): Promise<Response | null> {
  try {
    decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return refuse(new ApiError("invalid_path", "The address is not valid: it has a malformed %-escape. Check the link and try again."));
  }
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) return refuse(new ApiError("invalid_request", "The Content-Length header is not a number of bytes."));
    if (Number(declared) > MAX_REQUEST_BODY_BYTES) return refuse(tooLarge());
    return null;
  }
  if (request.body && (await bodyLength(request.body, MAX_REQUEST_BODY_BYTES + 1)) > MAX_REQUEST_BODY_BYTES) return refuse(tooLarge());
  return null;
}

function tooLarge(): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than this service accepts (${MAX_REQUEST_BODY_BYTES} bytes). Send less and try again.`);
}

/** The connection is closed after a refusal: the client may still be sending a body nobody will read. */
function refuse(error: ApiError): Response {
  return errorResponse(error, { Connection: "close" });
}

/** How many bytes the stream holds, counting no further than `limit`. */
async function bodyLength(body: ReadableStream<Uint8Array>, limit: number): Promise<number> {
  const reader = body.getReader();
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return size;
}
