import { describe, expect, it } from "vitest";
import { sdkProvider } from "../../lib/providers/sdk-provider";
import { ProviderError } from "../../lib/ai/provider-error";
import type { ChatRequest, StreamPart } from "../../lib/ai/types";

// The shape of the SDKs' error classes: abort and connection errors are APIErrors too.
class APIError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}
class APIUserAbortError extends APIError {}
class APIConnectionError extends APIError {}
class APIConnectionTimeoutError extends APIConnectionError {}
const errors = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

const request: ChatRequest = {
  model: "m",
  messages: [{ role: "user", content: "hi" }],
  maxOutputTokens: 10,
  signal: new AbortController().signal,
  endUserId: "end-user-test",
};

async function failWith(error: unknown): Promise<ProviderError> {
  const provider = sdkProvider({
    errors,
    run: async function* (): AsyncIterable<StreamPart> {
      yield* [];
      throw error;
    },
  });
  try {
    for await (const _ of provider.stream(request)) void _;
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(ProviderError);
    return thrown as ProviderError;
  }
  throw new Error("the provider did not fail");
}

describe("sdkProvider", () => {
  it("passes the stream through", async () => {
    const provider = sdkProvider({
      errors,
      run: async function* () {
        yield { type: "text", text: "a" } as const;
      },
    });
    const parts: StreamPart[] = [];
    for await (const part of provider.stream(request)) parts.push(part);
    expect(parts).toEqual([{ type: "text", text: "a" }]);
  });

  it.each([
    [new APIError("Incorrect API key provided: sk-...abcd", 401), "auth", 401],
    [new APIError("denied", 403), "auth", 403],
    [new APIError("slow down", 429), "rate_limited", 429],
    [new APIError("bad", 400), "rejected", 400],
    [new APIError("boom", 503), "server", 503],
    [new APIUserAbortError("Request was aborted by the user.", undefined), "aborted", undefined],
    [new APIConnectionTimeoutError("timed out", undefined), "timeout", undefined],
    [new APIConnectionError("ECONNREFUSED", undefined), "connection", undefined],
    [new TypeError("something else"), "connection", undefined],
  ])("turns %s into a %s failure, leaving the SDK's message behind", async (error, kind, status) => {
    const failure = await failWith(error);
    expect(failure.kind).toBe(kind);
    expect(failure.status).toBe(status);
    expect(failure.message).not.toContain((error as Error).message);
  });
});

describe("the output cap OpenAI's client sends", () => {
  it("is max_completion_tokens for OpenAI itself, its regional hosts included, and max_tokens for compatible servers", async () => {
    const { outputCapField } = await import("../../lib/providers/openai");
    for (const url of [undefined, "https://api.openai.com/v1", "https://eu.api.openai.com/v1", "https://us.api.openai.com/v1/"])
      expect(outputCapField(url)).toBe("max_completion_tokens");
    for (const url of [
      "http://localhost:11434/v1",
      "http://127.0.0.1:8000/v1",
      "https://api.openai.com.example.net/v1",
      "https://notapi.openai.com/v1",
      "not a url",
    ])
      expect(outputCapField(url)).toBe("max_tokens");
  });
});
