import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatProvider, PromptMessage, StreamPart, ToolCallRequest, ToolSpec } from "@/lib/ai/types";
import { anthropicProvider } from "@/lib/providers/anthropic";
import { openAIProvider } from "@/lib/providers/openai";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import type { MockUpstream } from "../support/mock-upstream";

// The provider adapters' tool calling, through the official SDKs, against mocks that frame tool calls
// as each API does (arguments streamed in pieces): the call comes out whole, and the results go back
// in the shape each API expects.

const TOOLS: ToolSpec[] = [
  {
    name: "echo_text",
    description: "Repeats a text.",
    parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"], additionalProperties: false },
  },
];

async function collect(
  provider: ChatProvider,
  messages: PromptMessage[],
  tools?: ToolSpec[],
): Promise<{ text: string; calls: ToolCallRequest[]; usage: number }> {
  let text = "";
  const calls: ToolCallRequest[] = [];
  let usage = 0;
  for await (const part of provider.stream({
    model: "m",
    messages,
    maxOutputTokens: 200,
    signal: AbortSignal.timeout(10_000),
    endUserId: "u1",
    tools,
  }) as AsyncIterable<StreamPart>) {
    if (part.type === "text") text += part.text;
    else if (part.type === "tool-call") calls.push(part.call);
    else if (part.type === "usage") usage += part.usage.inputTokens + part.usage.outputTokens;
  }
  return { text, calls, usage };
}

const system: PromptMessage = { role: "system", content: "You are a test." };

for (const kind of ["openai", "anthropic"] as const) {
  describe(`${kind} adapter: tool calls through the official SDK`, () => {
    let mock: MockUpstream;
    let provider: ChatProvider;
    beforeAll(async () => {
      mock = kind === "openai" ? await startMockOpenAI() : await startMockAnthropic();
      const apiKey = [kind === "openai" ? "sk-proj" : "sk-ant-api03", randomBytes(24).toString("hex")].join("-");
      provider =
        kind === "openai"
          ? openAIProvider({ apiKey, baseURL: mock.url, timeoutMs: 10_000 })
          : anthropicProvider({ apiKey, baseURL: mock.url, timeoutMs: 10_000 });
    });
    afterAll(() => mock.close());
    beforeEach(() => mock.reset());

    it("offers the tools, and yields each call whole once its arguments have streamed in", async () => {
      const user: PromptMessage = { role: "user", content: 'Please [[mock:tool echo_text {"text":"hi there"}]] [[mock:tool echo_text {"text":"again"}]]' };
      const step = await collect(provider, [system, user], TOOLS);
      expect(step.text).toBe("Let me use a tool. ");
      expect(step.calls.map((c) => ({ name: c.name, args: JSON.parse(c.argsJson) }))).toEqual([
        { name: "echo_text", args: { text: "hi there" } },
        { name: "echo_text", args: { text: "again" } },
      ]);
      expect(new Set(step.calls.map((c) => c.id)).size).toBe(2);
      expect(step.usage).toBeGreaterThan(0);
      const body = (await mock.nextRequest()).body as { tools: { name?: string; function?: { name: string } }[] };
      expect(body.tools.map((t) => t.function?.name ?? t.name)).toEqual(["echo_text"]);
    });

    it("sends the results back in the API's shape and gets the answer in text", async () => {
      const user: PromptMessage = { role: "user", content: 'Please [[mock:tool echo_text {"text":"hi"}]] [[mock:tool echo_text {"text":"yo"}]]' };
      const first = await collect(provider, [system, user], TOOLS);
      const results: PromptMessage[] = first.calls.map((call, i) => ({ role: "tool", toolCallId: call.id, name: call.name, content: `result ${i}` }));
      const second = await collect(provider, [system, user, { role: "assistant", content: first.text, toolCalls: first.calls }, ...results], TOOLS);
      expect(second.calls).toEqual([]);
      expect(second.text).toContain("mock");
      await mock.nextRequest();
      const body = (await mock.nextRequest()).body as { messages: Record<string, unknown>[] };
      const tail = body.messages.slice(-3);
      if (kind === "openai") {
        expect(tail[0]).toMatchObject({
          role: "assistant",
          tool_calls: first.calls.map((c) => ({ id: c.id, function: { name: c.name, arguments: c.argsJson } })),
        });
        expect(tail.slice(1)).toEqual(first.calls.map((c, i) => ({ role: "tool", tool_call_id: c.id, content: `result ${i}` })));
      } else {
        // Anthropic wants both results in the one user turn after the assistant's tool_use blocks.
        const [assistant, results] = body.messages.slice(-2);
        expect(assistant).toMatchObject({
          role: "assistant",
          content: [{ type: "text" }, { type: "tool_use", input: { text: "hi" } }, { type: "tool_use", input: { text: "yo" } }],
        });
        expect(results).toEqual({ role: "user", content: first.calls.map((c, i) => ({ type: "tool_result", tool_use_id: c.id, content: `result ${i}` })) });
      }
    });

    it("offers no tools and makes no call when the request has none", async () => {
      const step = await collect(provider, [system, { role: "user", content: '[[mock:tool echo_text {"text":"hi"}]]' }]);
      expect(step.calls).toEqual([]);
      expect((await mock.nextRequest()).body).not.toHaveProperty("tools");
    });
  });
}
