import { describe, expect, it } from "vitest";
import { applyToolEvent, splitAtTools } from "@/components/chat/tool-activity";
import type { ToolActivity, ToolEvent } from "@/components/chat/types";

function apply(events: { event: ToolEvent; at: number }[]): ToolActivity[] {
  return events.reduce<ToolActivity[]>((list, { event, at }) => applyToolEvent({ list, event, at }), []);
}

describe("applyToolEvent", () => {
  it("follows a call from running to its outcome, keeping where it appeared", () => {
    const running = apply([{ event: { type: "tool-call", id: "a", name: "fetch_page", args: { url: "https://example.com/" } }, at: 5 }]);
    expect(running).toEqual([{ id: "a", name: "fetch_page", args: { url: "https://example.com/" }, state: "running", at: 5 }]);
    const done = applyToolEvent({ list: running, event: { type: "tool-result", id: "a", ok: true, summary: "Read example.com" }, at: 9 });
    expect(done).toEqual([{ id: "a", name: "fetch_page", args: { url: "https://example.com/" }, state: "done", summary: "Read example.com", at: 5 }]);
  });

  it("tells failed and withheld results apart", () => {
    const list = apply([
      { event: { type: "tool-call", id: "a", name: "fetch_page", args: {} }, at: 0 },
      { event: { type: "tool-call", id: "b", name: "fetch_page", args: {} }, at: 0 },
      { event: { type: "tool-result", id: "a", ok: false, summary: "Refused: not a public address" }, at: 0 },
      { event: { type: "tool-result", id: "b", ok: true, summary: "Read evil.example", withheld: true }, at: 0 },
    ]);
    expect(list.map((a) => [a.id, a.state, a.summary])).toEqual([
      ["a", "failed", "Refused: not a public address"],
      ["b", "withheld", "Read evil.example"],
    ]);
  });

  it("gives a result for a call never announced a line of its own, without a name", () => {
    const list = apply([{ event: { type: "tool-result", id: "x", ok: false, summary: "Refused: no such tool." }, at: 3 }]);
    expect(list).toEqual([{ id: "x", name: null, args: {}, state: "failed", summary: "Refused: no such tool.", at: 3 }]);
  });

  it("names a result for the call just answered after that call, and only that one", () => {
    const answered = { id: "held", name: "save_note", args: { title: "Lemons" } };
    const declined = applyToolEvent({ list: [], event: { type: "tool-result", id: "held", ok: false, summary: "Declined" }, at: 0, answered });
    expect(declined).toEqual([{ id: "held", name: "save_note", args: { title: "Lemons" }, state: "failed", summary: "Declined", at: 0 }]);
    const other = applyToolEvent({ list: [], event: { type: "tool-result", id: "other", ok: false, summary: "Refused" }, at: 0, answered });
    expect(other[0]?.name).toBeNull();
  });

  it("holds a call that needs approval as awaiting, after the others in order", () => {
    const list = apply([
      { event: { type: "tool-call", id: "a", name: "search_my_conversations", args: { query: "lemons" } }, at: 0 },
      { event: { type: "approval-required", id: "b", name: "save_note", args: { title: "T", body: "B" } }, at: 10 },
    ]);
    expect(list.map((a) => [a.id, a.state])).toEqual([
      ["a", "running"],
      ["b", "awaiting"],
    ]);
  });
});

describe("splitAtTools", () => {
  const activity = (id: string, at: number): ToolActivity => ({ id, name: "fetch_page", args: {}, state: "done", at });

  it("is the whole text when there is no tool activity", () => {
    expect(splitAtTools({ text: "Hello", tools: [] })).toEqual([{ text: "Hello", tools: [] }]);
  });

  it("puts each activity after the text that came before it, and the rest after", () => {
    const a = activity("a", 6);
    const b = activity("b", 6);
    const c = activity("c", 11);
    expect(splitAtTools({ text: "Intro Middle Outro", tools: [a, b, c] })).toEqual([
      { text: "Intro ", tools: [a, b] },
      { text: "Middl", tools: [c] },
      { text: "e Outro", tools: [] },
    ]);
  });

  it("puts activities before any text first, and clamps a position past the text", () => {
    const a = activity("a", 0);
    const b = activity("b", 99);
    expect(splitAtTools({ text: "Hi", tools: [a, b] })).toEqual([
      { text: "", tools: [a] },
      { text: "Hi", tools: [b] },
    ]);
  });
});
