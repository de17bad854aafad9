import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { MAX_BYTES_PER_TOKEN, streamReply, WRITE_INTERVAL_MS, type ReplyOutcome } from "@/lib/ai/reply-stream";
import { ProviderError } from "@/lib/ai/provider-error";
import type { ChatEvent } from "@/lib/ai/stream-format";
import type { ChatProvider, ChatRequest, StreamPart } from "@/lib/ai/types";
import { ApiError } from "@/lib/errors";

/** A provider driven by a test script, remembering every request it was given. */
function fakeProvider(script: (request: ChatRequest) => AsyncGenerator<StreamPart>): ChatProvider & { calls: ChatRequest[] } {
  const calls: ChatRequest[] = [];
  return {
    calls,
    stream(request) {
      calls.push(request);
      return script(request);
    },
  };
}

/** Resolves never; rejects with the signal's reason once it is aborted (what the SDKs do). */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

const text = (t: string): StreamPart => ({ type: "text", text: t });

const REQUEST = {
  model: "fake-model",
  messages: [
    { role: "system" as const, content: "s".repeat(40) },
    { role: "user" as const, content: "u".repeat(40) },
  ],
  maxOutputTokens: 256,
  endUserId: "end-user-test",
};

function start(provider: ChatProvider, overrides: { timeoutMs?: number; clientSignal?: AbortSignal } = {}) {
  const onSettled = vi.fn<(outcome: ReplyOutcome) => void>();
  const conversationId = randomUUID();
  const response = streamReply({
    provider,
    request: REQUEST,
    conversationId,
    timeoutMs: overrides.timeoutMs ?? 60_000,
    clientSignal: overrides.clientSignal ?? new AbortController().signal,
    headers: { "X-Request-Id": "req-1" },
    onSettled,
  });
  return { response, onSettled, conversationId };
}

/** Every `data:` event of a finished SSE body. */
async function events(res: Response): Promise<ChatEvent[]> {
  const body = await res.text();
  return body
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      expect(block.startsWith("data: ")).toBe(true);
      return JSON.parse(block.slice("data: ".length)) as ChatEvent;
    });
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected streamReply to reject");
}

const outcome = (onSettled: ReturnType<typeof start>["onSettled"]): ReplyOutcome => {
  expect(onSettled).toHaveBeenCalledTimes(1);
  const [first] = onSettled.mock.calls[0] ?? [];
  if (!first) throw new Error("onSettled was called without an outcome");
  return first;
};

describe("streamReply: a normal reply", () => {
  it("streams text events, then a done event with the conversation id and usage", async () => {
    const provider = fakeProvider(async function* () {
      yield text("Hel");
      yield text("lo, ");
      yield text("world");
      yield { type: "usage", usage: { inputTokens: 12, outputTokens: 3 } };
    });
    const { response, onSettled, conversationId } = start(provider);
    const res = await response;

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toBe("req-1");
    // The first part goes out alone; the two after it were already there, so they go out as one event.
    expect(await events(res)).toEqual([
      { type: "text", text: "Hel" },
      { type: "text", text: "lo, world" },
      { type: "done", conversationId, usage: { inputTokens: 12, outputTokens: 3 } },
    ]);

    const settled = outcome(onSettled);
    expect(settled.status).toBe("completed");
    expect(settled.text).toBe("Hello, world");
    expect(settled.usage).toEqual({ inputTokens: 12, outputTokens: 3 });
    expect(settled.failure).toBeUndefined();
    expect(typeof settled.firstTokenMs).toBe("number");
  });

  it("cuts a provider that streams past the output limit, and counts the reply as no less than the limit", async () => {
    let asked = 0;
    let stopped = false;
    const provider = fakeProvider(async function* () {
      try {
        // A provider that ignores max_tokens: a word a part, far past REQUEST.maxOutputTokens.
        for (let i = 0; i < 10 * REQUEST.maxOutputTokens; i++) {
          asked++;
          yield text(`w${i} `);
        }
      } finally {
        stopped = true;
      }
    });
    const { response, onSettled } = start(provider);
    const got = await events(await response);
    const sent = got
      .filter((e) => e.type === "text")
      .map((e) => (e as { text: string }).text)
      .join("");
    expect(sent.split(" ").filter(Boolean)).toHaveLength(REQUEST.maxOutputTokens);
    expect(got.at(-1)?.type).toBe("done");
    expect(asked).toBe(REQUEST.maxOutputTokens + 1);
    expect(stopped).toBe(true);
    const settled = outcome(onSettled);
    expect(settled.status).toBe("completed");
    expect(settled.usage.outputTokens).toBeGreaterThanOrEqual(REQUEST.maxOutputTokens + 1);
  });

  it("cuts one huge part too: no token is longer than MAX_BYTES_PER_TOKEN bytes", async () => {
    const provider = fakeProvider(async function* () {
      yield text("ok ");
      yield text("x".repeat(MAX_BYTES_PER_TOKEN * REQUEST.maxOutputTokens + 1));
      yield text("never asked for");
    });
    const { response, onSettled } = start(provider);
    const got = await events(await response);
    expect(
      got
        .filter((e) => e.type === "text")
        .map((e) => (e as { text: string }).text)
        .join(""),
    ).toBe("ok ");
    expect(outcome(onSettled).usage.outputTokens).toBeGreaterThan(REQUEST.maxOutputTokens);
  });

  it("lets a provider that keeps to the limit finish, up to the last token", async () => {
    const provider = fakeProvider(async function* () {
      for (let i = 0; i < REQUEST.maxOutputTokens; i++) yield text("-".repeat(MAX_BYTES_PER_TOKEN));
      yield { type: "usage", usage: { inputTokens: 20, outputTokens: REQUEST.maxOutputTokens } };
    });
    const { response, onSettled } = start(provider);
    const got = await events(await response);
    expect(
      got
        .filter((e) => e.type === "text")
        .map((e) => (e as { text: string }).text)
        .join(""),
    ).toHaveLength(MAX_BYTES_PER_TOKEN * REQUEST.maxOutputTokens);
    expect(outcome(onSettled)).toMatchObject({ status: "completed", usage: { inputTokens: 20, outputTokens: REQUEST.maxOutputTokens }, usageReported: true });
  });

  it("sends each part as it arrives when the parts come further apart than the write interval", async () => {
    const provider = fakeProvider(async function* () {
      for (const piece of ["One", " two", " three"]) {
        await new Promise((resolve) => setTimeout(resolve, 3 * WRITE_INTERVAL_MS));
        yield text(piece);
      }
    });
    const { response } = start(provider);
    const received = await events(await response);
    expect(received.filter((e) => e.type === "text")).toEqual([
      { type: "text", text: "One" },
      { type: "text", text: " two" },
      { type: "text", text: " three" },
    ]);
  });

  it("writes parts that come closer together than the write interval as fewer events, losing nothing", async () => {
    const pieces = Array.from({ length: 40 }, (_, i) => ` w${i}`);
    const provider = fakeProvider(async function* () {
      for (const piece of pieces) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield text(piece);
      }
    });
    const started = performance.now();
    const { response } = start(provider);
    const texts = (await events(await response)).flatMap((e) => (e.type === "text" ? [e.text] : []));
    const elapsed = performance.now() - started;
    expect(texts.join("")).toBe(pieces.join(""));
    expect(texts[0]).toBe(pieces[0]); // the first text is not held back
    // At most one write per interval, plus the first and the last (a slow machine only loosens this).
    // Node's timers count whole milliseconds from the start of the loop's turn, so one can fire up to
    // a millisecond or so early: the bound allows 2 ms of it per interval.
    expect(texts.length).toBeLessThanOrEqual(Math.floor(elapsed / (WRITE_INTERVAL_MS - 2)) + 2);
  });
  it("hands the provider the server's request and a live abort signal", async () => {
    const provider = fakeProvider(async function* () {
      yield text("ok");
    });
    await events(await start(provider).response);
    const [call] = provider.calls;
    expect(call?.model).toBe("fake-model");
    expect(call?.messages).toEqual(REQUEST.messages);
    expect(call?.maxOutputTokens).toBe(256);
    expect(call?.signal).toBeInstanceOf(AbortSignal);
    expect(call?.signal.aborted).toBe(false);
  });

  it("estimates usage (about 4 characters a token) when the provider reports none", async () => {
    const provider = fakeProvider(async function* () {
      yield text("abcdefghij"); // 10 characters: 3 tokens
    });
    const { response, onSettled } = start(provider);
    const all = await events(await response);
    const expected = { inputTokens: 20, outputTokens: 3 }; // 80 characters of prompt: 20 tokens
    expect(all.at(-1)).toMatchObject({ type: "done", usage: expected });
    expect(outcome(onSettled).usage).toEqual(expected);
  });

  it("answers an empty reply with a lone done event", async () => {
    const provider = fakeProvider(async function* () {
      // nothing
    });
    const { response, onSettled, conversationId } = start(provider);
    expect(await events(await response)).toEqual([{ type: "done", conversationId, usage: { inputTokens: 20, outputTokens: 0 } }]);
    expect(outcome(onSettled)).toMatchObject({ status: "completed", text: "", firstTokenMs: undefined });
  });
});

describe("streamReply: failures before the first part", () => {
  it("rejects with a JSON-able ApiError (provider_auth, 502) so the route can answer with a status", async () => {
    // biome-ignore lint/correctness/useYield: a provider stream that fails before its first chunk.
    const provider = fakeProvider(async function* () {
      throw new ProviderError("auth", 401);
    });
    const { response, onSettled } = start(provider);
    const error = await rejection(response);
    expect(error.code).toBe("provider_auth");
    expect(error.status).toBe(502);
    const settled = outcome(onSettled);
    expect(settled.status).toBe("failed");
    expect(settled.failure?.kind).toBe("auth");
    expect(settled.text).toBe("");
  });

  it("maps a provider's 429 to provider_busy (503)", async () => {
    // biome-ignore lint/correctness/useYield: a provider stream that fails before its first chunk.
    const provider = fakeProvider(async function* () {
      throw new ProviderError("rate_limited", 429);
    });
    expect(await rejection(start(provider).response)).toMatchObject({ code: "provider_busy", status: 503 });
  });

  it("never lets an unexpected error's message (which may quote a key) reach the user", async () => {
    const key = "sk-" + "proj-" + "z".repeat(40);
    // biome-ignore lint/correctness/useYield: a provider stream that fails before its first chunk.
    const provider = fakeProvider(async function* () {
      throw new Error(`401 Incorrect API key provided: ${key}`);
    });
    const { response, onSettled } = start(provider);
    const error = await rejection(response);
    expect(error.code).toBe("provider_error");
    expect(JSON.stringify(error.toBody())).not.toContain(key);
    expect(outcome(onSettled).failure?.kind).toBe("connection");
  });

  it("gives provider_timeout when the provider has not started before the timeout", async () => {
    const provider = fakeProvider(async function* ({ signal }) {
      await untilAborted(signal);
      yield text("never");
    });
    const { response, onSettled } = start(provider, { timeoutMs: 20 });
    const error = await rejection(response);
    expect(error.code).toBe("provider_timeout");
    expect(error.status).toBe(504);
    expect(outcome(onSettled)).toMatchObject({ status: "failed", failure: { kind: "timeout" } });
    expect(provider.calls[0]?.signal.aborted).toBe(true);
  });

  it("does not report a reply as completed when a provider ends quietly because the timeout aborted it", async () => {
    const provider = fakeProvider(async function* ({ signal }) {
      await untilAborted(signal).catch(() => undefined); // returns instead of throwing, like the demo model
    });
    const { response, onSettled } = start(provider, { timeoutMs: 20 });
    expect((await rejection(response)).code).toBe("provider_timeout");
    expect(outcome(onSettled).status).toBe("failed");
  });
});

describe("streamReply: failures after the first part", () => {
  it("ends the stream with an error event and reports the partial text as failed", async () => {
    const key = "sk-" + "ant-" + "api03-" + "q".repeat(30);
    const provider = fakeProvider(async function* () {
      yield text("partial ");
      yield text("answer");
      throw new ProviderError("server", 500);
    });
    const { response, onSettled } = start(provider);
    const all = await events(await response);
    expect(all.slice(0, 2)).toEqual([text("partial "), text("answer")]);
    expect(all[2]).toMatchObject({ type: "error", code: "provider_error" });
    expect(all).toHaveLength(3); // no done event after an error
    expect(JSON.stringify(all)).not.toContain(key);
    const settled = outcome(onSettled);
    expect(settled.status).toBe("failed");
    expect(settled.text).toBe("partial answer");
    expect(settled.failure?.kind).toBe("server");
  });

  it("turns the timeout during streaming into a provider_timeout error event", async () => {
    const provider = fakeProvider(async function* ({ signal }) {
      yield text("slow ");
      await untilAborted(signal);
    });
    const { response, onSettled } = start(provider, { timeoutMs: 30 });
    const all = await events(await response);
    expect(all).toEqual([text("slow "), expect.objectContaining({ type: "error", code: "provider_timeout" })]);
    expect(outcome(onSettled)).toMatchObject({ status: "failed", text: "slow ", failure: { kind: "timeout" } });
  });

  it("does not send done when a provider ends quietly after the timeout aborted it", async () => {
    const provider = fakeProvider(async function* ({ signal }) {
      yield text("cut ");
      await untilAborted(signal).catch(() => undefined);
    });
    const { response, onSettled } = start(provider, { timeoutMs: 30 });
    const all = await events(await response);
    expect(all.map((e) => e.type)).toEqual(["text", "error"]);
    expect(outcome(onSettled)).toMatchObject({ status: "failed", text: "cut " });
  });
});

describe("streamReply: the client goes away", () => {
  it("aborts the provider's request when the response body is cancelled (Stop button, closed tab)", async () => {
    let providerSawAbort = false;
    const provider = fakeProvider(async function* ({ signal }) {
      signal.addEventListener("abort", () => (providerSawAbort = true), { once: true });
      yield text("first ");
      await untilAborted(signal);
      yield text("never sent");
    });
    const { response, onSettled } = start(provider);
    const res = await response;
    if (!res.body) throw new Error("no body");
    const reader = res.body.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"first "');
    await reader.cancel();

    expect(provider.calls[0]?.signal.aborted).toBe(true);
    expect(providerSawAbort).toBe(true);
    const settled = outcome(onSettled);
    expect(settled.status).toBe("aborted");
    expect(settled.text).toBe("first ");
  });

  it("aborts the provider when the incoming request's signal fires, and reports aborted", async () => {
    const client = new AbortController();
    const provider = fakeProvider(async function* ({ signal }) {
      yield text("one ");
      client.abort(); // the browser disconnects mid-reply
      await untilAborted(signal);
    });
    const { response, onSettled } = start(provider, { clientSignal: client.signal });
    const all = await events(await response);
    expect(all).toEqual([text("one ")]); // no error event, no done event
    expect(provider.calls[0]?.signal.aborted).toBe(true);
    expect(outcome(onSettled)).toMatchObject({ status: "aborted", text: "one " });
  });

  it("reports aborted when the client is already gone before the first part", async () => {
    const client = new AbortController();
    client.abort();
    // biome-ignore lint/correctness/useYield: a provider stream that fails before its first chunk.
    const provider = fakeProvider(async function* ({ signal }) {
      await untilAborted(signal);
    });
    const { response, onSettled } = start(provider, { clientSignal: client.signal });
    await rejection(response);
    expect(outcome(onSettled).status).toBe("aborted");
  });
});
