// @vitest-environment jsdom
import { createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/components/chat/types";
import { throttleCommit } from "@/components/chat/commit-throttle";
import { useChatStream } from "@/components/chat/use-chat-stream";

describe("throttleCommit", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("commits once for any number of requests, in a new task", () => {
    const commit = vi.fn();
    const throttled = throttleCommit({ commit, intervalMs: 50 });
    for (let i = 0; i < 100; i++) throttled.request();
    expect(commit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it("waits out the interval after a commit, then commits what came meanwhile", () => {
    const commit = vi.fn();
    const throttled = throttleCommit({ commit, intervalMs: 50 });
    throttled.request();
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(10);
    throttled.request();
    throttled.request();
    vi.advanceTimersByTime(39);
    expect(commit).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(commit).toHaveBeenCalledTimes(2);
  });

  it("drops a scheduled commit when cancelled, and can be asked again", () => {
    const commit = vi.fn();
    const throttled = throttleCommit({ commit, intervalMs: 50 });
    throttled.request();
    throttled.cancel();
    vi.advanceTimersByTime(100);
    expect(commit).not.toHaveBeenCalled();
    throttled.request();
    vi.advanceTimersByTime(0);
    expect(commit).toHaveBeenCalledTimes(1);
  });
});

/**
 * The hook in a real React root (jsdom), against a fetch whose SSE body the test writes chunk by
 * chunk. The clock is fake (setTimeout and performance, which the hook's throttle uses) so the
 * timing is exact on a busy machine; React keeps its real scheduler (setImmediate).
 */
describe("useChatStream", () => {
  const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

  let root: Root;
  let chat: ReturnType<typeof useChatStream>;
  // Every render's messages, in order: how many times the page was rendered, and with what.
  let renders: ChatMessage[][];
  let body: ReadableStreamDefaultController<Uint8Array>;

  // biome-ignore lint/correctness/noComponentHookFactories: the test's component, made once per test so it can hand the hook's state to the test's variables.
  function Harness() {
    chat = useChatStream();
    renders.push(chat.messages);
    return null;
  }

  /** Moves the clock on by `ms`, running the stream's reads on the way, then lets React render. */
  async function elapse(ms: number) {
    await vi.advanceTimersByTimeAsync(ms);
    await new Promise((resolve) => setImmediate(resolve));
  }

  const write = (data: unknown) => body.enqueue(new TextEncoder().encode(sse(data)));
  const reply = (messages: ChatMessage[] | undefined) => messages?.find((m) => m.role === "assistant");
  const last = () => reply(renders[renders.length - 1]);
  /** The texts the reply was rendered with while it streamed, the empty start left out. */
  const streamedTexts = () => [...new Set(renders.map(reply).flatMap((m) => (m?.role === "assistant" && m.status === "streaming" && m.text ? [m.text] : [])))];

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    renders = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            body = controller;
          },
        });
        // As a real fetch does: Stop (an abort) errors the body being read.
        init.signal?.addEventListener("abort", () => body.error(new DOMException("aborted", "AbortError")));
        return new Response(stream, { headers: { "content-type": "text/event-stream", "x-conversation-id": "c1" } });
      }),
    );
    root = createRoot(document.createElement("div"));
    root.render(createElement(Harness));
    await elapse(0);
  });

  afterEach(() => {
    root.unmount();
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("shows the whole reply when done, having rendered it a few times rather than once per chunk", async () => {
    const sent = chat.send({ text: "hi", model: "m" });
    const chunks = Array.from({ length: 60 }, (_, i) => `word${i} `);
    for (const chunk of chunks) {
      await elapse(2);
      write({ type: "text", text: chunk });
    }
    write({ type: "done", conversationId: "c1" });
    body.close();
    await elapse(0);
    await sent;
    await elapse(0);

    const whole = chunks.join("");
    expect(last()).toMatchObject({ text: whole, status: "done" });
    // 60 chunks over 120 ms: the first commits at once, the rest at most once per 50 ms (3 in all).
    const texts = streamedTexts();
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts.length).toBeLessThanOrEqual(4);
    // Each render shows a prefix of the reply: nothing out of order, nothing lost on the way.
    for (const text of texts) expect(whole.startsWith(text)).toBe(true);
  });

  it("keeps every chunk that arrived when Stop comes before their commit", async () => {
    const sent = chat.send({ text: "hi", model: "m" });
    await elapse(5);
    write({ type: "text", text: "First. " });
    await elapse(5);
    // Within the interval after the first commit: these wait for the next one, which Stop cancels.
    write({ type: "text", text: "Second. " });
    write({ type: "text", text: "Third." });
    await elapse(5);
    chat.stop();
    await elapse(0);
    await sent;
    await elapse(0);

    expect(streamedTexts()).toEqual(["First. "]);
    expect(last()).toMatchObject({ text: "First. Second. Third.", status: "stopped" });
    expect(chat.streaming).toBe(false);
  });

  it("ends an interrupted reply with all its text and the server's reason", async () => {
    const sent = chat.send({ text: "hi", model: "m" });
    await elapse(5);
    write({ type: "text", text: "Partial " });
    write({ type: "text", text: "answer" });
    write({ type: "error", code: "provider_error", message: "The model stopped answering." });
    await elapse(0);
    await sent;
    await elapse(0);

    expect(last()).toMatchObject({ text: "Partial answer", status: "interrupted", note: "The model stopped answering." });
    expect(chat.error?.message).toBe("The model stopped answering.");
  });

  it("renders nothing of the old reply once a new chat replaced it", async () => {
    const sent = chat.send({ text: "hi", model: "m" });
    await elapse(5);
    write({ type: "text", text: "One. " });
    await elapse(5);
    write({ type: "text", text: "Two." });
    await elapse(0);
    chat.reset();
    await sent;
    await elapse(0);
    const settled = renders.length;
    await elapse(100);

    expect(renders[renders.length - 1]).toEqual([]);
    // The commit "Two." was waiting for went with the reply: nothing renders after the reset.
    expect(renders.length).toBe(settled);
  });
});
