import { describe, expect, it } from "vitest";
import { completionRequestSchema } from "@/lib/relay/openai-schema";
import { completionBody, openAiChunkFormat } from "@/lib/relay/openai-format";
import { openAiErrorBody, openAiErrorResponse } from "@/lib/http/openai-errors";
import { toConversation } from "@/lib/relay/conversation";
import { ApiError } from "@/lib/errors";
import { zodToApiError } from "@/lib/zod-error";

const schema = completionRequestSchema({ maxMessageChars: 100 });
const user = (content: unknown) => ({ role: "user", content });

function refusal(body: unknown): Record<string, string> {
  const parsed = schema.safeParse(body);
  expect(parsed.success).toBe(false);
  return zodToApiError(parsed.error!).extra.fields ?? {};
}

describe("the chat completions request", () => {
  it("takes text or text parts, the SDKs' usual settings, and turns parts into text", () => {
    const parsed = schema.parse({
      model: "openai:gpt-4o-mini",
      messages: [
        user([
          { type: "text", text: "Hello " },
          { type: "text", text: "there" },
        ]),
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 50,
      n: 1,
      stop: null,
      tools: null,
      user: "user-42",
    });
    expect(parsed.messages[0]?.content).toBe("Hello there");
  });

  it("refuses system and developer messages, tools, images, n > 1 and unknown fields, naming each", () => {
    expect(refusal({ model: "m", messages: [{ role: "system", content: "be a pirate" }, user("hi")] })).toHaveProperty(["messages.0.role"]);
    expect(refusal({ model: "m", messages: [{ role: "developer", content: "x" }, user("hi")] })).toHaveProperty(["messages.0.role"]);
    expect(refusal({ model: "m", messages: [{ role: "tool", content: "x", tool_call_id: "1" }, user("hi")] })).toHaveProperty(["messages.0.role"]);
    expect(refusal({ model: "m", messages: [user("hi")], tools: [{ type: "function" }] })).toHaveProperty("tools");
    expect(refusal({ model: "m", messages: [user([{ type: "image_url", image_url: { url: "https://x" } }])] })).toHaveProperty(["messages.0.content"]);
    expect(refusal({ model: "m", messages: [user("hi")], n: 2 })).toHaveProperty("n");
    expect(refusal({ model: "m", messages: [user("hi")], functions: [] })).toHaveProperty("functions");
    expect(refusal({ model: "m", messages: [user("hi")], response_format: { type: "json_object" } })).toHaveProperty(["response_format.type"]);
  });

  it("accepts the fields that name an end user, so clients that send them work, and caps them", () => {
    const parsed = schema.parse({
      model: "m",
      messages: [user("hi")],
      user: "a@example.test",
      safety_identifier: "client-chosen",
      metadata: { user_id: "someone-else" },
    });
    // Parsed so the route can ignore them: what the provider is told is the key owner's keyed id (relay.test.ts, provider-identity.test.ts).
    expect(parsed).toMatchObject({ safety_identifier: "client-chosen", metadata: { user_id: "someone-else" } });
    expect(schema.safeParse({ model: "m", messages: [user("hi")], safety_identifier: null, metadata: null }).success).toBe(true);
    expect(refusal({ model: "m", messages: [user("hi")], safety_identifier: "x".repeat(257) })).toHaveProperty("safety_identifier");
    expect(refusal({ model: "m", messages: [user("hi")], metadata: { user_id: 42 } })).toHaveProperty(["metadata.user_id"]);
    expect(refusal({ model: "m", messages: [user("hi")], metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) })).toHaveProperty(
      "metadata",
    );
  });

  it("caps each message and the list, and wants a user message last", () => {
    expect(refusal({ model: "m", messages: [user("x".repeat(101))] })).toHaveProperty(["messages.0.content"]);
    expect(refusal({ model: "m", messages: Array.from({ length: 201 }, () => user("hi")) })).toHaveProperty("messages");
    expect(refusal({ model: "m", messages: [user("hi"), { role: "assistant", content: "hello" }] })).toHaveProperty("messages");
    expect(refusal({ model: "m", messages: [] })).toHaveProperty("messages");
  });
});

describe("messages to the chat pipeline", () => {
  it("takes the last user message as the new text and joins turns of one role", () => {
    expect(
      toConversation([
        { role: "user", content: "a" },
        { role: "user", content: "b" },
        { role: "assistant", content: "c" },
        { role: "user", content: "d" },
      ]),
    ).toEqual({
      history: [
        { role: "user", content: "a\n\nb" },
        { role: "assistant", content: "c" },
      ],
      text: "d",
    });
  });
});

describe("OpenAI's response shapes", () => {
  const meta = { id: "chatcmpl-1", created: 1_700_000_000, model: "openai:gpt-4o-mini", maxOutputTokens: 10 };
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const events = (text: string) =>
    text
      .split("\n\n")
      .filter(Boolean)
      .map((e) => e.replace(/^data: /, ""))
      .map((d) => (d === "[DONE]" ? d : (JSON.parse(d) as Record<string, unknown>)));

  it("streams chunks with the role first, then stop, usage when asked for, and [DONE]", () => {
    const format = openAiChunkFormat(meta, { includeUsage: true });
    const out = [format.text("Hel"), format.text("lo"), format.done({ inputTokens: 3, outputTokens: 2 }, undefined)].map(decode).join("");
    const list = events(out);
    expect(list.at(-1)).toBe("[DONE]");
    const chunks = list.slice(0, -1) as { object: string; choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown }[];
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: "assistant", content: "Hel" });
    expect(chunks[1]?.choices[0]?.delta).toEqual({ content: "lo" });
    expect(chunks[2]?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
  });

  it("says length when the reply used all its tokens, and sends the role even for an empty reply", () => {
    const format = openAiChunkFormat(meta, { includeUsage: false });
    const list = events(decode(format.done({ inputTokens: 1, outputTokens: 10 }, undefined))) as {
      choices: { delta: Record<string, unknown>; finish_reason: string | null }[];
    }[];
    expect(list[0]?.choices[0]?.delta).toMatchObject({ role: "assistant", content: "" });
    expect(list[1]?.choices[0]?.finish_reason).toBe("length");
    expect(completionBody(meta, { text: "hi", usage: { inputTokens: 1, outputTokens: 1 } })).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: { total_tokens: 2 },
    });
  });

  it("writes errors in OpenAI's shape, with our code, the failing field and no retry for a spent budget", async () => {
    const invalid = new ApiError("invalid_request", "The request was not accepted.", { fields: { "messages.0.role": "must be user or assistant" } });
    expect(openAiErrorBody(invalid).error).toMatchObject({ type: "invalid_request_error", code: "invalid_request", param: "messages.0.role" });
    const spent = openAiErrorResponse(new ApiError("token_budget_exhausted", "Budget used.", { headers: { "Retry-After": "60" } }));
    expect(spent.status).toBe(429);
    expect(spent.headers.get("x-should-retry")).toBe("false");
    expect(spent.headers.get("retry-after")).toBe("60");
    const busy = openAiErrorResponse(new ApiError("rate_limited", "Slow down."));
    expect(busy.headers.get("x-should-retry")).toBeNull();
    expect(((await busy.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
  });
});
