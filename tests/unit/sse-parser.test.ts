import { describe, expect, it } from "vitest";
import { createSseParser, parseSse, type ChatStreamEvent } from "@/components/chat/sse-parser";

const text = (t: string) => `data: ${JSON.stringify({ type: "text", text: t })}\n\n`;
const done = `data: ${JSON.stringify({ type: "done", conversationId: "c1", usage: { inputTokens: 3, outputTokens: 5 } })}\n\n`;

function feed(chunks: string[]): ChatStreamEvent[] {
  const parser = createSseParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

/** Every way of cutting `whole` in two, so no split position goes untested. */
function everySplit(whole: string): string[][] {
  return Array.from({ length: whole.length + 1 }, (_, i) => [whole.slice(0, i), whole.slice(i)]);
}

describe("createSseParser", () => {
  it("reads several events from one chunk", () => {
    expect(feed([text("Hel") + text("lo") + done])).toEqual([
      { type: "text", text: "Hel" },
      { type: "text", text: "lo" },
      { type: "done", conversationId: "c1", usage: { inputTokens: 3, outputTokens: 5 } },
    ]);
  });

  it("keeps a done event's word that the reply was not saved, and only a true one", () => {
    const notSaved = (value: unknown) => `data: ${JSON.stringify({ type: "done", conversationId: "c2", notSaved: value })}\n\n`;
    expect(feed([notSaved(true)])).toEqual([{ type: "done", conversationId: "c2", notSaved: true }]);
    expect(feed([notSaved("yes")])).toEqual([{ type: "done", conversationId: "c2" }]);
  });

  it("reassembles a line split across chunks, at every position", () => {
    const whole = text("split") + done;
    for (const chunks of everySplit(whole)) {
      expect(feed(chunks).map((e) => e.type)).toEqual(["text", "done"]);
    }
  });

  it("reassembles events delivered one character at a time", () => {
    const whole = text("a\nb") + text("ü🙂") + done;
    expect(feed([...whole])).toEqual(feed([whole]));
    expect(feed([...whole])[1]).toEqual({ type: "text", text: "ü🙂" });
  });

  it("emits an event only once its blank line arrives", () => {
    const parser = createSseParser();
    expect(parser.push(text("x").slice(0, -1))).toEqual([]);
    expect(parser.push("\n")).toEqual([{ type: "text", text: "x" }]);
  });

  it("ignores comments and fields other than data", () => {
    const chunk = `: keep-alive\n\nevent: message\nid: 7\nretry: 1000\n${text("ok")}:another comment\n\n`;
    expect(feed([chunk])).toEqual([{ type: "text", text: "ok" }]);
  });

  it("accepts CRLF and CR line endings, including a CRLF split between chunks", () => {
    const crlf = text("one").replaceAll("\n", "\r\n");
    const cr = text("two").replaceAll("\n", "\r");
    expect(feed([crlf + cr])).toEqual([
      { type: "text", text: "one" },
      { type: "text", text: "two" },
    ]);
    for (const chunks of everySplit(crlf + crlf)) {
      expect(feed(chunks)).toHaveLength(2);
    }
  });

  it("skips unknown event types, malformed JSON and malformed known events", () => {
    const chunk =
      'data: {"type":"ping"}\n\n' +
      "data: not json\n\n" +
      'data: {"type":"text","text":42}\n\n' +
      'data: {"type":"done"}\n\n' +
      "data: null\n\n" +
      text("kept");
    expect(feed([chunk])).toEqual([{ type: "text", text: "kept" }]);
  });

  it("reads the tool events, with a result's withheld flag only when true", () => {
    const ev = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
    const chunk =
      ev({ type: "tool-call", id: "call_1", name: "fetch_page", args: { url: "https://example.com/" } }) +
      ev({ type: "tool-result", id: "call_1", ok: true, summary: "Read example.com (12 characters)", withheld: true }) +
      ev({ type: "tool-result", id: "call_2", ok: false, summary: "Refused: no such tool.", withheld: "yes" }) +
      ev({ type: "approval-required", id: "call_3", name: "save_note", args: { title: "Lemons", body: "Buy lemons" } });
    expect(feed([chunk])).toEqual([
      { type: "tool-call", id: "call_1", name: "fetch_page", args: { url: "https://example.com/" } },
      { type: "tool-result", id: "call_1", ok: true, summary: "Read example.com (12 characters)", withheld: true },
      { type: "tool-result", id: "call_2", ok: false, summary: "Refused: no such tool." },
      { type: "approval-required", id: "call_3", name: "save_note", args: { title: "Lemons", body: "Buy lemons" } },
    ]);
  });

  it("skips malformed tool events and reads arguments that are not an object as none", () => {
    const ev = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
    const chunk =
      ev({ type: "tool-call", name: "fetch_page", args: {} }) +
      ev({ type: "tool-call", id: "", name: "fetch_page", args: {} }) +
      ev({ type: "tool-result", id: "c", ok: "true", summary: "x" }) +
      ev({ type: "tool-result", id: "c", ok: true }) +
      ev({ type: "approval-required", id: "c", args: {} }) +
      ev({ type: "tool-call", id: "c", name: "save_note", args: ["<b>x</b>"] });
    expect(feed([chunk])).toEqual([{ type: "tool-call", id: "c", name: "save_note", args: {} }]);
  });

  it("reads mid-stream errors", () => {
    const chunk = `data: {"type":"error","code":"provider_timeout","message":"The model took too long."}\n\n`;
    expect(feed([text("partial"), chunk])).toEqual([
      { type: "text", text: "partial" },
      { type: "error", code: "provider_timeout", message: "The model took too long." },
    ]);
  });

  it("joins multi-line data and accepts `data:` without a space", () => {
    expect(feed(['data:{"type":"text",\ndata: "text":"x"}\n\n'])).toEqual([{ type: "text", text: "x" }]);
  });

  it("completes a final event without its blank line but drops a truncated one", () => {
    expect(feed([done.trimEnd()])).toHaveLength(1);
    expect(feed([done.slice(0, 20)])).toEqual([]);
  });
});

describe("parseSse", () => {
  it("yields events from an async sequence of chunks", async () => {
    async function* chunks() {
      yield 'data: {"type":"te';
      yield 'xt","text":"hi"}\r\n\r\n: ping\n\n' + done.slice(0, 10);
      yield done.slice(10);
    }
    const events: ChatStreamEvent[] = [];
    for await (const event of parseSse(chunks())) events.push(event);
    expect(events.map((e) => e.type)).toEqual(["text", "done"]);
  });
});
