import { isRecord, toTokenBudget } from "./api-shapes";
import type { TokenBudget, ToolEvent } from "./types";

/**
 * The events `POST /api/chat` streams. Anything else the server might add later is skipped. `done`
 * may carry the daily token budget as it stands after this reply was counted; the tool events
 * (lib/wire.ts) come between text events when the model calls a tool.
 */
export type ChatStreamEvent =
  | { type: "text"; text: string }
  | ToolEvent
  | { type: "error"; code: string; message: string }
  | { type: "done"; conversationId: string; usage?: { inputTokens: number; outputTokens: number }; budget?: TokenBudget; notSaved?: true };

export type SseParser = {
  /** Feeds one decoded chunk; returns the events it completed (possibly none). */
  push: (chunk: string) => ChatStreamEvent[];
  /** The stream ended: completes a last event that lacked its closing blank line. */
  end: () => ChatStreamEvent[];
};

const LINE_END = /\r\n|\r|\n/;

/**
 * An incremental Server-Sent Events reader. Network chunks split lines, events and even a CRLF pair
 * anywhere, so it keeps the unfinished tail between calls and only interprets whole lines.
 */
export function createSseParser(): SseParser {
  let buffer = "";
  let data: string[] = [];

  function dispatch(out: ChatStreamEvent[]): void {
    const event = data.length > 0 ? toChatEvent(data.join("\n")) : null;
    if (event) out.push(event);
    data = [];
  }

  function readLine(line: string, out: ChatStreamEvent[]): void {
    if (line === "") {
      dispatch(out);
      return;
    }
    // Only `data` matters here; comments (`:`), `event`, `id` and `retry` are ignored.
    if (line === "data") data.push("");
    else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
  }

  function drain(final: boolean): ChatStreamEvent[] {
    const out: ChatStreamEvent[] = [];
    // A chunk-final CR may be the first half of a CRLF still in transit: decide once more arrives.
    const held = !final && buffer.endsWith("\r") ? "\r" : "";
    const lines = (held ? buffer.slice(0, -1) : buffer).split(LINE_END);
    const rest = lines.pop() ?? "";
    for (const line of lines) readLine(line, out);
    buffer = rest + held;
    if (final) {
      if (rest !== "") readLine(rest, out);
      buffer = "";
      dispatch(out);
    }
    return out;
  }

  return {
    push(chunk) {
      buffer += chunk;
      return drain(false);
    },
    end() {
      return drain(true);
    },
  };
}

/** Reads every event from a sequence of text chunks, e.g. a decoded response body. */
export async function* parseSse(chunks: AsyncIterable<string>): AsyncGenerator<ChatStreamEvent> {
  const parser = createSseParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

function toChatEvent(json: string): ChatStreamEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type === "text" && typeof v.text === "string") return { type: "text", text: v.text };
  if (v.type === "error") {
    const message = typeof v.message === "string" ? v.message : "The reply was interrupted. Please try again.";
    return { type: "error", code: typeof v.code === "string" ? v.code : "provider_error", message };
  }
  if (v.type === "done" && typeof v.conversationId === "string") {
    const usage = toUsage(v.usage);
    const budget = toTokenBudget(v.budget);
    return {
      type: "done",
      conversationId: v.conversationId,
      ...(usage && { usage }),
      ...(budget && { budget }),
      ...(v.notSaved === true && { notSaved: true as const }),
    };
  }
  return toToolEvent(v);
}

/** A call's id, tool name and summary are shown as text; anything malformed is skipped like an unknown event. */
function toToolEvent(v: Record<string, unknown>): ToolEvent | null {
  if (typeof v.id !== "string" || v.id === "") return null;
  if ((v.type === "tool-call" || v.type === "approval-required") && typeof v.name === "string") {
    return { type: v.type, id: v.id, name: v.name, args: isRecord(v.args) ? v.args : {} };
  }
  if (v.type === "tool-result" && typeof v.ok === "boolean" && typeof v.summary === "string") {
    return { type: "tool-result", id: v.id, ok: v.ok, summary: v.summary, ...(v.withheld === true && { withheld: true as const }) };
  }
  return null;
}

function toUsage(value: unknown): { inputTokens: number; outputTokens: number } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { inputTokens, outputTokens } = value as Record<string, unknown>;
  if (typeof inputTokens !== "number" || typeof outputTokens !== "number") return undefined;
  return { inputTokens, outputTokens };
}
