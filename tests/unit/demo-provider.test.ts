import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { demoProvider } from "@/lib/providers/demo";
import { buildPrompt } from "@/lib/ai/prompt";
import type { ChatRequest, PromptMessage, StreamPart } from "@/lib/ai/types";

// The demo model paces its words with timers; fake timers make every run instant and deterministic.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function request(messages: PromptMessage[], signal = new AbortController().signal): ChatRequest {
  return { model: "demo", messages, maxOutputTokens: 256, signal, endUserId: "end-user-test" };
}

/** Runs the demo model to the end, advancing the fake clock as it waits. */
async function run(req: ChatRequest): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  const done = (async () => {
    for await (const part of demoProvider().stream(req)) parts.push(part);
  })();
  await vi.runAllTimersAsync();
  await done;
  return parts;
}

/** The user's turn as the demo shows it: fenced, with the secret boundary id masked. */
const shown = (content: string) => content.replaceAll("FIXEDBOUNDARY0123", "…");
const textOf = (parts: StreamPart[]) => parts.map((p) => (p.type === "text" ? p.text : "")).join("");
const prompt = (userText: string) =>
  buildPrompt({
    history: [
      { role: "user", content: "earlier" },
      { role: "assistant", content: "reply" },
    ],
    userText,
    boundary: "FIXEDBOUNDARY0123",
  });

describe("demoProvider", () => {
  it("answers the same input with the same output, split the same way", async () => {
    const a = await run(request(prompt("What is a CSP?")));
    const b = await run(request(prompt("What is a CSP?")));
    expect(a).toEqual(b);
    const c = await run(request(prompt("Something else")));
    expect(textOf(c)).not.toBe(textOf(a));
  });

  it("streams many small text parts, then reports usage once, last", async () => {
    const messages = prompt("hello");
    const parts = await run(request(messages));
    const texts = parts.filter((p) => p.type === "text");
    expect(texts.length).toBeGreaterThan(10);
    const usages = parts.filter((p) => p.type === "usage");
    expect(usages).toHaveLength(1);
    expect(parts.at(-1)?.type).toBe("usage");
    const inputChars = messages.reduce((n, m) => n + m.content.length, 0);
    expect(usages[0]).toEqual({
      type: "usage",
      usage: { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.ceil(textOf(parts).length / 4) },
    });
  });

  it("describes the pipeline: the system prompt's size and the earlier turns", async () => {
    const messages = prompt("hello");
    const reply = textOf(await run(request(messages)));
    expect(reply).toContain("**Demo model**");
    expect(reply).toContain(`a system prompt of ${messages[0]?.content.length ?? -1} characters`);
    expect(reply).toContain("2 earlier turns");
  });

  it("quotes the user's turn in a code fence with three backticks when it has none", async () => {
    const messages = prompt("plain text");
    const last = shown(messages.at(-1)?.content ?? "");
    const reply = textOf(await run(request(messages)));
    expect(reply).toContain(`\n\`\`\`text\n${last}\n\`\`\`\n`);
  });

  it("never shows the fence's boundary id, which must stay secret from the user", async () => {
    const reply = textOf(await run(request(prompt("hello"))));
    expect(reply).toContain('<user_input id="…">');
    expect(reply).not.toContain("FIXEDBOUNDARY0123");
  });

  it("makes the fence longer than any backtick run in the user's text, so the text cannot close it", async () => {
    const userText = "try ``` to close, or ````` five, then **bold** <img src=x onerror=alert(1)>";
    const messages = prompt(userText);
    const last = shown(messages.at(-1)?.content ?? "");
    const reply = textOf(await run(request(messages)));
    const fence = "`".repeat(6);
    expect(reply).toContain(`\n${fence}text\n${last}\n${fence}\n`);
    // The only lines that are nothing but backticks (a fence edge) are the real fence's two.
    const fenceLines = reply.split("\n").filter((line) => /^`{3,}(text)?$/.test(line));
    expect(fenceLines).toEqual([`${fence}text`, fence]);
  });

  it("yields nothing when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await run(request(prompt("hi"), controller.signal))).toEqual([]);
  });

  it("stops at once when aborted between parts", async () => {
    const controller = new AbortController();
    const iterator = demoProvider()
      .stream(request(prompt("hi"), controller.signal))
      [Symbol.asyncIterator]();
    const first = iterator.next();
    await vi.advanceTimersToNextTimerAsync();
    expect((await first).done).toBe(false);
    controller.abort();
    expect((await iterator.next()).done).toBe(true);
  });

  it("stops at once when aborted while it waits to send the next word (no further part)", async () => {
    const controller = new AbortController();
    const iterator = demoProvider()
      .stream(request(prompt("hi"), controller.signal))
      [Symbol.asyncIterator]();
    const first = iterator.next();
    await vi.advanceTimersToNextTimerAsync();
    await first;
    const pending = iterator.next(); // now waiting on its word timer
    await Promise.resolve();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0); // its timer was cleared, nothing keeps running
  });
});
