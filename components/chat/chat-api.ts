import { isSignedOut, OFFLINE, readFailure, SIGNED_OUT, type ApiFailure } from "./api-client";
import { parseSse, type ChatStreamEvent } from "./sse-parser";

/**
 * Exactly the fields `POST /api/chat` accepts: it rejects any other. A message (with the ids of the
 * documents uploaded for it), or the answer to a tool call that waits for the person's approval (by
 * the call's id, in its conversation).
 */
export type ChatRequest =
  | { conversationId?: string; message: string; model?: string; attachments?: string[] }
  | { conversationId: string; toolApproval: { id: string; approve: boolean } };

/** A refusal before the stream: the 429s also say which limit (`limit`) and when it lifts (`resetsAt`). */
export type ChatFailure = ApiFailure;

export type OpenResult = { ok: true; conversationId: string | null; events: AsyncGenerator<ChatStreamEvent> } | ({ ok: false } & ChatFailure);

/**
 * Sends one message and, when the server accepts it, returns its event stream. Failures before the
 * stream starts come back as values; an abort through `signal` throws, so the caller tells a
 * Stop from an error by looking at its own signal.
 */
export async function openChatStream({ request, signal }: { request: ChatRequest; signal: AbortSignal }): Promise<OpenResult> {
  let res: Response;
  try {
    res = await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, code: "network", message: OFFLINE };
  }
  if (isSignedOut(res)) return { ok: false, ...SIGNED_OUT };
  const isStream = (res.headers.get("content-type") ?? "").startsWith("text/event-stream");
  if (res.ok && isStream && res.body) {
    // Sent before the first token, so a stopped or cut reply can still be continued.
    return { ok: true, conversationId: res.headers.get("x-conversation-id"), events: parseSse(decodeText(res.body)) };
  }
  return { ok: false, ...(await readFailure({ res, fallback: fallbackFailure })) };
}

async function* decodeText(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  // `stream: true` keeps a multi-byte character that straddles two chunks intact.
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield decoder.decode(value, { stream: true });
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } finally {
    // Reached when the reader leaves early (done event, Stop): closes the connection too.
    reader.cancel().catch(() => undefined);
  }
}

function fallbackFailure(status: number): ChatFailure {
  if (status === 429) return { code: "rate_limited", message: "Too many messages: please wait a moment and try again." };
  if (status >= 500) return { code: "internal_error", message: "Bulwark is having trouble right now. Please try again in a moment." };
  if (status >= 400) return { code: "invalid_request", message: "Your message could not be sent. Please try again." };
  return { code: "unexpected_response", message: "Bulwark sent an answer this page does not understand. Please reload and try again." };
}
