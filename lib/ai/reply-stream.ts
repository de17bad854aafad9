import { appEventFormat, type DoneExtra, type ReplyFormat } from "./stream-format";
import { ApiError } from "../errors";
import { ProviderError, toApiError } from "./provider-error";
import type { ChatProvider, ChatRequest, StreamPart, Usage } from "./types";

/** How a reply ended, for the caller to store history, count usage and log. */
export type ReplyOutcome = {
  status: "completed" | "failed" | "aborted";
  text: string;
  usage: Usage;
  /** Whether `usage` is what the provider reported, rather than an estimate from the text. */
  usageReported: boolean;
  failure?: ProviderError;
  firstTokenMs: number | undefined;
};

type Options = {
  provider: ChatProvider;
  request: Omit<ChatRequest, "signal">;
  /** For the app's own event stream (the default format): the conversation the reply belongs to. */
  conversationId?: string;
  /** How the reply is written on the wire: the app's events, or another API's (lib/relay/). */
  format?: ReplyFormat;
  timeoutMs: number;
  /** The incoming request's signal: aborted when the client goes away. */
  clientSignal: AbortSignal;
  headers: Record<string, string>;
  /** Called once when the reply ends, however it ends; on completion, what it resolves to is added to the `done` event. */
  onSettled: (outcome: ReplyOutcome) => Promise<DoneExtra | void> | void;
  /** Output guards (lib/guard/output): what the model writes passes through them before the browser sees it. */
  guard?: StreamGuard;
};

/** The part of an output guard the stream needs: text in, text to send out, and whether to cut. */
export type StreamGuard = { push(chunk: string): { text: string; leaked: boolean }; end(): { text: string; leaked: boolean } };

const PASS_THROUGH: StreamGuard = { push: (text) => ({ text, leaked: false }), end: () => ({ text: "", leaked: false }) };

/**
 * Text that arrives within this long of the reply's last write waits for the interval to end and goes
 * out with it, as one event: a reply is written at most about 60 times a second (more than a screen
 * shows), so a fast model's thousands of tokens are not thousands of writes for the server, nor
 * thousands of network reads and renders for the browser. The first text goes out at once, and text
 * after a pause longer than this, as soon as it comes.
 */
export const WRITE_INTERVAL_MS = 16;

/**
 * The fewest tokens a stream can have cost: every part with text holds at least one token (providers
 * send whole tokens), and no token is longer than this many UTF-8 bytes in practice (the longest in
 * OpenAI's and Anthropic's vocabularies are runs of spaces or dashes; a bound taken lower could cut a
 * reply of long table rules short of the provider's own limit).
 */
export const MAX_BYTES_PER_TOKEN = 16;

/** What `partOrWrite` resolves to when it is time to write before the provider's next part has come. */
const WRITE_NOW = Symbol("write now");

/** The error event sent when an output guard cuts a reply (the canary of the system prompt appeared). */
export const REPLY_BLOCKED = {
  code: "reply_blocked",
  message: "The reply was stopped because it started to reveal the assistant's confidential instructions. Please ask something else.",
} as const;

/**
 * Calls the provider and turns its stream into the app's event stream. The first part is awaited
 * before answering, so a provider that fails at once gets a proper JSON error with an HTTP status;
 * after that, a failure becomes an `error` event. The provider request is aborted when the client
 * disconnects or presses Stop (the response stream is cancelled) or when the timeout passes, and
 * when it has certainly written more than `maxOutputTokens`, whatever the provider makes of that
 * limit: the reply ends there as one that reached its length, so what the budgets reserved for it
 * holds (see MAX_BYTES_PER_TOKEN).
 */
export async function streamReply({
  provider,
  request,
  conversationId = "",
  format,
  timeoutMs,
  clientSignal,
  headers,
  onSettled,
  guard = PASS_THROUGH,
}: Options): Promise<Response> {
  const wire = format ?? appEventFormat(conversationId);
  const started = performance.now();
  const cancel = new AbortController();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([clientSignal, timeout, cancel.signal]);
  const parts = provider.stream({ ...request, signal })[Symbol.asyncIterator]();

  // `text` is what the person was sent; `produced`, how many characters the model wrote (for usage).
  let text = "";
  let produced = 0;
  // The fewest output tokens the stream can have cost so far: parts with text, and bytes.
  let textParts = 0;
  let producedBytes = 0;
  let overran = false;
  const leastTokens = () => Math.max(textParts, Math.ceil(producedBytes / MAX_BYTES_PER_TOKEN));
  /** What the reply is counted as: the provider's figures, else an estimate; after an overrun, never less than it must have cost. */
  const finalUsage = (): Usage => {
    const counted = usage ?? estimateUsage(request, produced);
    return overran ? { ...counted, outputTokens: Math.max(counted.outputTokens, leastTokens()) } : counted;
  };
  let leaked = false;
  let usage: Usage | undefined;
  let firstTokenMs: number | undefined;
  let settled = false;
  const settle = async (status: ReplyOutcome["status"], failure?: ProviderError): Promise<DoneExtra | void> => {
    if (settled) return;
    settled = true;
    try {
      return await onSettled({ status, text, usage: finalUsage(), usageReported: usage !== undefined, failure, firstTokenMs });
    } catch {
      return undefined; // the caller logs its own failures; the reply the person saw stands
    }
  };
  const failureOf = (error: unknown): ProviderError => {
    if (timeout.aborted) return new ProviderError("timeout", undefined);
    return error instanceof ProviderError ? error : new ProviderError("connection", undefined);
  };
  // Text let out by the guard and not yet written (see WRITE_INTERVAL_MS).
  let unsent = "";
  let lastWriteAt = Number.NEGATIVE_INFINITY;
  const flush = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!unsent) return;
    controller.enqueue(wire.text(unsent));
    unsent = "";
    lastWriteAt = performance.now();
  };
  /** Takes what the guard lets out of one step; after a leak, an error event and nothing more. */
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, step: { text: string; leaked: boolean }): boolean => {
    text += step.text;
    unsent += step.text;
    if (!step.leaked) return false;
    leaked = true;
    cancel.abort();
    flush(controller);
    controller.enqueue(wire.error(REPLY_BLOCKED));
    controller.close();
    void settle("failed");
    return true;
  };
  /** Takes one part of the provider's stream; true when the stream has been cut. */
  const take = (controller: ReadableStreamDefaultController<Uint8Array>, part: StreamPart): boolean => {
    if (part.type === "usage") {
      usage = part.usage;
      return false;
    }
    // Tool calls come only when the request offered tools, and the caller that offered them runs them.
    if (part.type === "tool-call") return false;
    if (part.type === "event") {
      // What came before the tool's activity goes out before it, in order.
      flush(controller);
      const bytes = wire.event(part.event);
      if (bytes) controller.enqueue(bytes);
      return false;
    }
    firstTokenMs ??= performance.now() - started;
    produced += part.text.length;
    if (part.text) {
      textParts++;
      producedBytes += Buffer.byteLength(part.text, "utf8");
      // The part that goes past the limit is counted (it was produced) but not sent.
      if (leastTokens() > request.maxOutputTokens) {
        overran = true;
        return false;
      }
    }
    return send(controller, guard.push(part.text));
  };
  /** The reply is complete: what the guard held back, then `done`, settled first so it can carry the budget left. */
  const complete = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (send(controller, guard.end())) return;
    flush(controller);
    const extra = await settle("completed");
    controller.enqueue(wire.done(finalUsage(), extra || undefined));
    controller.close();
  };
  /** The reply ends as if the provider had stopped at its limit: the rest is never asked for. */
  const endOverrun = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    cancel.abort();
    void parts.return?.(undefined);
    return complete(controller);
  };

  // A provider may end quietly instead of throwing when its signal fires (the demo model does): an
  // end after an abort is a cut-off reply, never a completed one.
  const cutOff = () => new ProviderError("aborted", undefined);

  let first: IteratorResult<StreamPart>;
  try {
    first = await parts.next();
    if (first.done && signal.aborted) throw cutOff();
  } catch (error) {
    const failure = failureOf(error);
    await settle(clientSignal.aborted ? "aborted" : "failed", failure);
    throw error instanceof ApiError ? error : toApiError(failure);
  }

  // The provider's next part, asked for once and kept until it is taken.
  let pending: Promise<IteratorResult<StreamPart>> | undefined;
  const nextPart = () => (pending ??= parts.next());
  /**
   * The next part if it comes before the next write is due, else WRITE_NOW. Once the interval is
   * over, WRITE_NOW comes when the event loop turns, so parts already buffered still join the write.
   */
  const partOrWrite = async (): Promise<IteratorResult<StreamPart> | typeof WRITE_NOW> => {
    const wait = lastWriteAt + WRITE_INTERVAL_MS - performance.now();
    let clear = () => {};
    const due = new Promise<typeof WRITE_NOW>((resolve) => {
      if (wait > 0) {
        const timer = setTimeout(resolve, wait, WRITE_NOW);
        clear = () => clearTimeout(timer);
      } else {
        const immediate = setImmediate(resolve, WRITE_NOW);
        clear = () => clearImmediate(immediate);
      }
    });
    try {
      return await Promise.race([nextPart(), due]);
    } finally {
      clear();
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done && !take(controller, first.value)) flush(controller);
    },
    // Waits for the provider until there is text to send, then for more until the write is due
    // (WRITE_INTERVAL_MS), and writes it all as one event.
    async pull(controller) {
      if (leaked) return;
      try {
        for (;;) {
          if (overran) return await endOverrun(controller);
          const next = first.done ? first : await (unsent ? partOrWrite() : nextPart());
          if (next === WRITE_NOW) {
            flush(controller);
            return;
          }
          pending = undefined;
          if (next.done) {
            if (signal.aborted) throw cutOff();
            return await complete(controller);
          }
          if (take(controller, next.value)) return;
        }
      } catch (error) {
        flush(controller);
        if (leaked) return;
        if (clientSignal.aborted || cancel.signal.aborted) {
          void settle("aborted");
          controller.close();
          return;
        }
        const failure = failureOf(error);
        // A refusal of the reply's next step (a budget spent between tool calls) says what it is.
        const { code, message } = error instanceof ApiError ? error : toApiError(failure);
        controller.enqueue(wire.error({ code, message }));
        controller.close();
        void settle("failed", failure);
      }
    },
    cancel() {
      cancel.abort();
      void parts.return?.(undefined);
      void settle("aborted");
    },
  });

  return new Response(body, { status: 200, headers: { ...wire.headers, ...headers } });
}

/** When a stream is cut before the provider reports usage, count what was sent and produced. */
function estimateUsage(request: Omit<ChatRequest, "signal">, producedChars: number): Usage {
  const inputChars = request.messages.reduce((n, m) => n + m.content.length, 0);
  return { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.ceil(producedChars / 4) };
}
