import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/body";

const URL_ = "https://chat.bulwark.test/api/chat";
const JSON_TYPE = { "content-type": "application/json" };
const encoder = new TextEncoder();

function jsonRequest(body: string | undefined, headers: Record<string, string> = JSON_TYPE): Request {
  return new Request(URL_, { method: "POST", headers, body });
}

/** A body that arrives in chunks with no Content-Length, counting what was pulled and whether it was cancelled. */
function streamedRequest(chunks: Uint8Array[], headers: Record<string, string> = JSON_TYPE) {
  const stats = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[stats.pulled];
        stats.pulled += 1;
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
      cancel() {
        stats.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const init: RequestInit & { duplex: "half" } = { method: "POST", headers, body: stream, duplex: "half" };
  return { req: new Request(URL_, init), stats };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected readJsonBody to refuse the body");
}

describe("readJsonBody", () => {
  it("returns the parsed object of a valid JSON body", async () => {
    expect(await readJsonBody(jsonRequest('{"message":"hi","n":[1,2]}'), { maxBytes: 1024 })).toEqual({ message: "hi", n: [1, 2] });
  });

  it.each(["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"])("accepts Content-Type %j", async (type) => {
    expect(await readJsonBody(jsonRequest('{"a":1}', { "content-type": type }), { maxBytes: 1024 })).toEqual({ a: 1 });
  });

  it.each([
    undefined,
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonp",
    "application/json-patch+json",
    "text/plain; application/json",
  ])("refuses Content-Type %j with 415 (keeps simple cross-site form posts out)", async (type) => {
    const headers: Record<string, string> = type === undefined ? {} : { "content-type": type };
    const error = await failure(readJsonBody(jsonRequest('{"a":1}', headers), { maxBytes: 1024 }));
    expect(error.status).toBe(415);
    expect(error.code).toBe("unsupported_media_type");
  });

  it("refuses a declared Content-Length above the cap with 413, without reading the body", async () => {
    const { req, stats } = streamedRequest([encoder.encode('{"a":1}')], { ...JSON_TYPE, "content-length": "100000" });
    const error = await failure(readJsonBody(req, { maxBytes: 1024 }));
    expect(error.status).toBe(413);
    expect(error.code).toBe("payload_too_large");
    expect(stats.pulled).toBe(0);
    expect(req.bodyUsed).toBe(false);
  });

  it("refuses a streamed body without a length once it passes the cap, and stops reading it", async () => {
    const chunk = encoder.encode(" ".repeat(512));
    const { req, stats } = streamedRequest(Array.from({ length: 50 }, () => chunk));
    const error = await failure(readJsonBody(req, { maxBytes: 1024 }));
    expect(error.status).toBe(413);
    expect(stats.pulled).toBeLessThanOrEqual(3); // 3 × 512 bytes is the first read over 1024
    expect(stats.cancelled).toBe(true);
  });

  it("refuses a body larger than its declared (lying) Content-Length once it passes the cap", async () => {
    const { req } = streamedRequest([encoder.encode(`{"m":"${"x".repeat(4000)}"}`)], { ...JSON_TYPE, "content-length": "10" });
    expect((await failure(readJsonBody(req, { maxBytes: 1024 }))).status).toBe(413);
  });

  it("accepts a body of exactly the cap and refuses one byte more", async () => {
    const exact = `{"m":"${"x".repeat(1024 - 8)}"}`;
    expect(encoder.encode(exact).byteLength).toBe(1024);
    await expect(readJsonBody(jsonRequest(exact), { maxBytes: 1024 })).resolves.toEqual({ m: "x".repeat(1016) });
    const over = `{"m":"${"x".repeat(1024 - 7)}"}`;
    expect((await failure(readJsonBody(jsonRequest(over), { maxBytes: 1024 }))).status).toBe(413);
  });

  it("counts bytes, not characters", async () => {
    const emoji = "🙂".repeat(300); // 300 characters… 1200 UTF-8 bytes
    expect((await failure(readJsonBody(jsonRequest(`{"m":"${emoji}"}`), { maxBytes: 1024 }))).status).toBe(413);
  });

  it("decodes a multi-byte character split across chunks", async () => {
    const bytes = encoder.encode('{"m":"ü🙂"}');
    const { req } = streamedRequest([bytes.slice(0, 8), bytes.slice(8, 10), bytes.slice(10)]);
    expect(await readJsonBody(req, { maxBytes: 1024 })).toEqual({ m: "ü🙂" });
  });

  it.each(["{", "{'a':1}", "hello", '{"a":1}{"b":2}', "\u0000"])("refuses invalid JSON %j with 400 invalid_json", async (text) => {
    const error = await failure(readJsonBody(jsonRequest(text), { maxBytes: 1024 }));
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_json");
    expect(error.message).not.toContain(text);
  });

  it.each([
    ["no body", undefined],
    ["an empty body", ""],
    ["a blank body", " \n\t "],
  ])("refuses %s with 400 invalid_json", async (_, body) => {
    const error = await failure(readJsonBody(jsonRequest(body), { maxBytes: 1024 }));
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_json");
    expect(error.message).toMatch(/empty/);
  });

  it("returns non-object JSON as is (the schema refuses it later)", async () => {
    expect(await readJsonBody(jsonRequest("[1,2]"), { maxBytes: 1024 })).toEqual([1, 2]);
    expect(await readJsonBody(jsonRequest('"text"'), { maxBytes: 1024 })).toBe("text");
  });
});
