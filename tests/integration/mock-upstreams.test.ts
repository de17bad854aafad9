import { randomBytes } from "node:crypto";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import { credentialOf, RAW_PROVIDER_BODY_MARKER, XSS_REPLY_END_MARKER, type MockUpstream, type RecordedRequest } from "../support/mock-upstream";

// The mocks are what every other integration and e2e test stands on, so they are checked against
// the real SDKs here: if an SDK upgrade changes what it parses, this file says so first.

// Built at run time so secret scanners never see a key-shaped literal in the repository.
const openaiKey = ["sk", "proj", randomBytes(24).toString("hex")].join("-");
const anthropicKey = ["sk", "ant", "api03", randomBytes(24).toString("hex")].join("-");

/** Rejects if the promise takes longer than `ms`, so a broken disconnect check fails fast. */
function within<T>({ promise, ms }: { promise: Promise<T>; ms: number }): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms))]);
}

/** The key must reach the provider in its auth header and nowhere else in the request. */
function expectKeyOnlyIn({ request, header, key }: { request: RecordedRequest; header: string; key: string }): void {
  for (const [name, value] of Object.entries(request.headers)) {
    if (name !== header) expect(value, name).not.toContain(key);
  }
  expect(JSON.stringify(request.body)).not.toContain(key);
}

describe("mock OpenAI with the real openai SDK", () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockOpenAI();
    client = new OpenAI({ apiKey: openaiKey, baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  async function streamReply({ text, system, signal }: { text: string; system?: string; signal?: AbortSignal }) {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      ...(system ? [{ role: "system" as const, content: system }] : []),
      { role: "user", content: text },
    ];
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true } }, { signal });
    let reply = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        reply += delta;
        chunks++;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    return { reply, chunks, usage };
  }

  it("streams the default reply with usage, and records the key only in the authorization header", async () => {
    const { reply, chunks, usage } = await streamReply({ text: "Please say hello." });
    expect(reply).toBe("Hello from the mock openai model.");
    expect(chunks).toBeGreaterThan(1);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));

    const request = await mock.nextRequest();
    expect(request).toMatchObject({ method: "POST", path: "/v1/chat/completions", closedEarly: false });
    expect(request.headers.authorization).toBe(`Bearer ${openaiKey}`);
    expect(credentialOf(request)).toBe(openaiKey);
    expectKeyOnlyIn({ request, header: "authorization", key: openaiKey });
    await request.done;
    expect(request.closedEarly).toBe(false);
  });

  it("finds a directive inside wrapped text and in array content", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "<user_message>\n[[mock:markdown]]\n</user_message>" }] }],
    });
    let reply = "";
    for await (const chunk of stream) reply += chunk.choices[0]?.delta.content ?? "";
    expect(reply).toContain("```ts");
    expect(reply).toContain("| Column | Value |");
    expect(reply).toContain("https://example.com/docs");
  });

  it("surfaces [[mock:status 401]] as the SDK's AuthenticationError", async () => {
    const error: unknown = await streamReply({ text: "wrapped [[mock:status 401]] text" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(String(error)).toContain(RAW_PROVIDER_BODY_MARKER);
  });

  it("sends retry-after with [[mock:status 429]]", async () => {
    const error: unknown = await streamReply({ text: "[[mock:status 429]]" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error instanceof OpenAI.APIError ? error.headers?.get("retry-after") : null).toBe("1");
  });

  it("notices when the client aborts [[mock:slow]] mid-stream", async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "[[mock:slow]]" }], stream: true },
      { signal: controller.signal },
    );
    let deltas = 0;
    const reading = (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content && ++deltas === 3) controller.abort();
      }
    })().catch(() => undefined);
    const request = await mock.nextRequest();
    await within({ promise: request.done, ms: 2_000 });
    await reading;
    expect(request.closedEarly).toBe(true);
    expect(deltas).toBeLessThan(400);
  });

  it("streams [[mock:xss]] pointing at the mock's own /exfil/ and records exfil fetches", async () => {
    const { reply } = await streamReply({ text: "[[mock:xss]]" });
    expect(reply).toContain(`${mock.origin}/exfil/img.png?d=secret`);
    expect(reply).toContain(`<img src="${mock.origin}/exfil/raw.png">`);
    expect(reply).toContain("[click me](javascript:alert(3))");
    expect(reply.endsWith(XSS_REPLY_END_MARKER)).toBe(true);
    expect(mock.exfilHits).toEqual([]);

    const pixel = await fetch(`${mock.origin}/exfil/img.png?d=secret`);
    expect(pixel.headers.get("content-type")).toBe("image/png");
    expect(mock.exfilHits).toEqual([`${mock.origin}/exfil/img.png?d=secret`]);
  });

  it("fails the SDK stream on [[mock:cut]] after some text", async () => {
    let reply = "";
    const error: unknown = await (async () => {
      const stream = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "[[mock:cut]]" }], stream: true });
      for await (const chunk of stream) reply += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(reply).toBe("Partial reply before the cut ");
    expect((await mock.nextRequest()).closedEarly).toBe(false);
  });

  it("echoes message count, roles and system prompt", async () => {
    const { reply } = await streamReply({ text: "[[mock:echo]]", system: "You are terse." });
    expect(JSON.parse(reply)).toEqual({ messages: 2, roles: ["system", "user"], system: "You are terse." });
  });

  it("answers non-streaming requests and lists models", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]?.message.content).toBe("Hello from the mock openai model.");
    expect(completion.model).toBe("gpt-4o");
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4o-mini");
    expect(mock.requests).toHaveLength(1);
  });
});

describe("mock Anthropic with the real @anthropic-ai/sdk", () => {
  let mock: MockUpstream;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await startMockAnthropic();
    client = new Anthropic({ apiKey: anthropicKey, baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  async function streamReply({ text, system = "You are a test.", signal }: { text: string; system?: string; signal?: AbortSignal }) {
    const stream = await client.messages.create(
      { model: "claude-sonnet-4-6", max_tokens: 256, system, messages: [{ role: "user", content: text }], stream: true },
      { signal },
    );
    let reply = "";
    let chunks = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    let stopReason: string | null = null;
    for await (const event of stream) {
      if (event.type === "message_start") inputTokens = event.message.usage.input_tokens;
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
        reply += event.delta.text;
        chunks++;
      }
      if (event.type === "message_delta") {
        outputTokens = event.usage.output_tokens;
        stopReason = event.delta.stop_reason;
      }
    }
    return { reply, chunks, inputTokens, outputTokens, stopReason };
  }

  it("streams the default reply with usage, and records the key only in the auth header", async () => {
    const result = await streamReply({ text: "Please say hello." });
    expect(result.reply).toBe("Hello from the mock anthropic model.");
    expect(result.chunks).toBeGreaterThan(1);
    expect(result.inputTokens).toBeGreaterThan(0);
    expect(result.outputTokens).toBeGreaterThan(0);
    expect(result.stopReason).toBe("end_turn");

    const request = await mock.nextRequest();
    expect(request).toMatchObject({ method: "POST", path: "/v1/messages", closedEarly: false });
    // SDK 1.x sends an apiKey as a bearer token; if it moves back to x-api-key, credentialOf still finds it.
    expect(credentialOf(request)).toBe(anthropicKey);
    expect(request.headers.authorization).toBe(`Bearer ${anthropicKey}`);
    expect(request.headers["x-api-key"]).toBeUndefined();
    expectKeyOnlyIn({ request, header: "authorization", key: anthropicKey });
    expect(request.headers["anthropic-version"]).toBeTruthy();
  });

  it("surfaces [[mock:status 401]] as the SDK's AuthenticationError", async () => {
    const error: unknown = await streamReply({ text: "[[mock:status 401]]" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: "authentication_error" });
    expect(String(error)).toContain(RAW_PROVIDER_BODY_MARKER);
  });

  it("notices when the client aborts [[mock:slow]] mid-stream", async () => {
    const controller = new AbortController();
    const stream = await client.messages.create(
      { model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "[[mock:slow]]" }], stream: true },
      { signal: controller.signal },
    );
    let deltas = 0;
    const reading = (async () => {
      for await (const event of stream) {
        if (event.type === "content_block_delta" && ++deltas === 3) controller.abort();
      }
    })().catch(() => undefined);
    const request = await mock.nextRequest();
    await within({ promise: request.done, ms: 2_000 });
    await reading;
    expect(request.closedEarly).toBe(true);
  });

  it("marks a [[mock:hang]] request closedEarly once the client gives up", async () => {
    const controller = new AbortController();
    const pending = streamReply({ text: "[[mock:hang]]", signal: controller.signal }).catch((e: unknown) => e);
    const request = await mock.nextRequest();
    expect(request.closedEarly).toBe(false);
    controller.abort();
    await within({ promise: request.done, ms: 2_000 });
    expect(await pending).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(request.closedEarly).toBe(true);
  });

  it("streams [[mock:xss]] pointing at the mock's own /exfil/", async () => {
    const { reply } = await streamReply({ text: "[[mock:xss]]" });
    expect(reply).toContain(`${mock.origin}/exfil/`);
    expect(reply).toContain("<script>alert(2)</script>");
    expect(reply.endsWith(XSS_REPLY_END_MARKER)).toBe(true);
  });

  it("echoes the top-level system prompt, given as text blocks", async () => {
    const stream = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 256,
      system: [{ type: "text", text: "Block system." }],
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: [{ type: "text", text: "[[mock:echo]]" }] },
      ],
      stream: true,
    });
    let reply = "";
    for await (const event of stream) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") reply += event.delta.text;
    }
    expect(JSON.parse(reply)).toEqual({ messages: 3, roles: ["user", "assistant", "user"], system: "Block system." });
  });

  it("answers non-streaming requests", async () => {
    const message = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: "hi" }] });
    expect(message.content[0]).toEqual({ type: "text", text: "Hello from the mock anthropic model." });
    expect(message.model).toBe("claude-haiku-4-5");
  });
});
