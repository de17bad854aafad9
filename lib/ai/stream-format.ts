import type { Usage } from "./types";
import type { TokenBudget, ToolEvent } from "../wire";

/**
 * The event stream of POST /api/chat: Server-Sent Events, each `data:` line one JSON object.
 * Documented in the README; other clients are built on it, so these shapes are a contract.
 */
export type ChatEvent =
  | { type: "text"; text: string }
  | ToolEvent
  | { type: "error"; code: string; message: string }
  | ({ type: "done"; conversationId: string; usage: Usage } & DoneExtra);

/**
 * What the route adds to `done`: the user's token budget for the day after this reply was counted,
 * and `notSaved` when the reply was shown but could not be stored (the store failed, twice).
 */
export type DoneExtra = { budget?: TokenBudget; notSaved?: true };

const encoder = new TextEncoder();

export function encodeEvent(event: ChatEvent): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
}

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-store, no-transform",
  "X-Accel-Buffering": "no",
  "X-Content-Type-Options": "nosniff",
} as const;

/** How a reply is written on the wire: each call returns the bytes of one step. */
export type ReplyFormat = {
  headers: Record<string, string>;
  text(text: string): Uint8Array;
  error(error: { code: string; message: string }): Uint8Array;
  done(usage: Usage, extra: DoneExtra | undefined): Uint8Array;
  /** A tool's activity; formats without tools (the relay) write nothing. */
  event(event: ToolEvent): Uint8Array | null;
};

/** The app's own event stream, above. */
export function appEventFormat(conversationId: string): ReplyFormat {
  return {
    headers: SSE_HEADERS,
    text: (text) => encodeEvent({ type: "text", text }),
    error: ({ code, message }) => encodeEvent({ type: "error", code, message }),
    done: (usage, extra) => encodeEvent({ type: "done", conversationId, usage, ...extra }),
    event: (event) => encodeEvent(event),
  };
}
