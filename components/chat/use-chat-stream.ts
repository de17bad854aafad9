"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { SIGN_IN_URL } from "./api-client";
import { openChatStream, type ChatFailure, type ChatRequest } from "./chat-api";
import { throttleCommit, type ThrottledCommit } from "./commit-throttle";
import { applyToolEvent } from "./tool-activity";
import type { AttachmentRef, ChatError, ChatMessage, Conversation, MessageStatus, TokenBudget, ToolActivity, ToolState } from "./types";

export { SIGN_IN_URL };

const CONNECTION_LOST = "The connection was lost before the reply finished. Please try again.";
/** Shown when the server streamed a reply but could not store it. */
const REPLY_NOT_SAVED = "This reply could not be saved, so it will be missing from this conversation after a reload. Copy anything you want to keep.";

/**
 * Least time between two commits of a streaming reply's text: the markdown's least time between two
 * renders (MIN_RENDER_INTERVAL_MS in ./markdown.tsx), since a commit in between would render the
 * chat again for text the reply does not show yet. For the 50 KB reply of `npm run bench:render`,
 * a commit per chunk cost about 2 s of main thread, one per animation frame 1.0 s, this 0.8 s. A
 * timer, unlike a frame, also fires in a hidden tab (about once a second there), so a reply still
 * streams into a background tab.
 */
const COMMIT_INTERVAL_MS = 50;

/** `restore` is the text to put back in the composer: the message never reached the conversation. */
export type SendResult = { restore?: string };

/** What the page learns while a message is under way, to keep the list and the budget current. */
export type SendHooks = {
  /** The server took the message (before the first token); `conversationId` may be a new one. */
  onAccepted?: (conversationId: string) => void;
  /** The reply is complete; `budget` is the daily budget after it was counted, when the server says. */
  onDone?: (done: { conversationId: string; budget?: TokenBudget }) => void;
  /** The server refused the message before streaming (a limit, a budget, a missing conversation…). */
  onRefused?: (failure: ChatFailure) => void;
};

/** The call an approval answers, as its card showed it: the continuation's card for it is named after it. */
type AnsweredCall = Pick<ToolActivity, "id" | "name" | "args">;

type AssistantPatch = { text?: string; status: MessageStatus; note?: string; tools?: ToolActivity[] };

let lastId = 0;
// A counter, not crypto.randomUUID: that one is missing on plain-HTTP origins such as a LAN address.
const nextId = () => `m${++lastId}`;

/**
 * One conversation with `POST /api/chat`: the messages, whether a reply is streaming, the error to
 * show, and send / stop / reset / load. The server keeps the history; the client only remembers its id.
 */
export function useChatStream() {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<(ChatError & { id: number }) | null>(null);
  // The ref is read by a send in flight; the state is for rendering (the list highlights it).
  const conversationId = useRef<string | undefined>(undefined);
  const [currentId, setCurrentId] = useState<string | undefined>(undefined);
  const active = useRef<AbortController | null>(null);
  // The streaming reply's text commits: a scheduled one is cancelled on unmount and on replace.
  const pendingCommit = useRef<ThrottledCommit | null>(null);

  const setConversation = useCallback((id: string | undefined) => {
    conversationId.current = id;
    setCurrentId(id);
  }, []);

  useEffect(
    () => () => {
      active.current?.abort();
      pendingCommit.current?.cancel();
    },
    [],
  );

  const showError = useCallback((next: ChatError) => setError({ ...next, id: nextErrorId() }), []);

  const patchReply = useCallback((id: string, patch: AssistantPatch) => {
    setMessages((list) => list.map((m) => (m.id === id && m.role === "assistant" ? { ...m, ...patch } : m)));
  }, []);

  // Only the message holding the call gets a new object, so the others' memo holds.
  const setToolState = useCallback(({ id, state }: { id: string; state: ToolState }) => {
    setMessages((list) =>
      list.map((m) =>
        m.role === "assistant" && m.tools?.some((t) => t.id === id) ? { ...m, tools: m.tools.map((t) => (t.id === id ? { ...t, state } : t)) } : m,
      ),
    );
  }, []);

  /**
   * Streams one answer of `POST /api/chat` into the assistant message `replyId`: its text (in
   * throttled commits) and its tool activities. A refusal before the stream comes back as `refused`,
   * after `onRefused` has taken the messages it concerned off the screen.
   */
  const pump = useCallback(
    async ({
      request,
      replyId,
      controller,
      hooks,
      onRefused,
      answered,
    }: {
      request: ChatRequest;
      answered?: AnsweredCall;
      replyId: string;
      controller: AbortController;
      hooks: SendHooks;
      onRefused: () => void;
    }): Promise<{ refused?: ChatFailure }> => {
      // Streamed text collects here and reaches React at most every COMMIT_INTERVAL_MS, not once a
      // chunk: every commit renders the chat again, and a long reply arrives in thousands of chunks.
      let reply = "";
      let tools: ToolActivity[] = [];
      const commit = throttleCommit({ commit: () => patchReply(replyId, { text: reply, status: "streaming", tools }), intervalMs: COMMIT_INTERVAL_MS });
      pendingCommit.current = commit;
      const finishWith = (patch: AssistantPatch): { refused?: ChatFailure } => {
        // Whatever arrived since the last commit goes in with the final status, in one commit.
        commit.cancel();
        patchReply(replyId, { text: reply, tools, ...patch });
        if (patch.status === "interrupted" && patch.note) showError({ message: patch.note });
        return {};
      };
      try {
        const opened = await openChatStream({ request, signal: controller.signal });
        // New chat while waiting: the answer belongs to a conversation that is gone.
        if (controller.signal.aborted) return finishWith({ status: "stopped" });
        if (!opened.ok) {
          onRefused();
          if (opened.code === "unauthorized") window.location.assign(SIGN_IN_URL);
          else showError(toChatError(opened));
          // The server no longer has this conversation (expired or deleted): the retry starts a new one.
          if (opened.code === "conversation_not_found") setConversation(undefined);
          hooks.onRefused?.(opened);
          return { refused: opened };
        }
        if (opened.conversationId) {
          setConversation(opened.conversationId);
          hooks.onAccepted?.(opened.conversationId);
        }
        for await (const event of opened.events) {
          if (controller.signal.aborted) break;
          if (event.type === "text") {
            reply += event.text;
            commit.request();
          } else if (event.type === "error") {
            return finishWith({ status: "interrupted", note: event.message });
          } else if (event.type === "done") {
            setConversation(event.conversationId);
            hooks.onDone?.({ conversationId: event.conversationId, ...(event.budget && { budget: event.budget }) });
            const done = finishWith({ status: "done" });
            if (event.notSaved) showError({ message: REPLY_NOT_SAVED });
            return done;
          } else {
            // Tool activity is rare and tells what the reply is doing: shown at once, with the text so far.
            tools = applyToolEvent({ list: tools, event, at: reply.length, ...(answered && { answered }) });
            commit.cancel();
            patchReply(replyId, { text: reply, status: "streaming", tools });
          }
        }
        return finishWith(controller.signal.aborted ? { status: "stopped" } : { status: "interrupted", note: CONNECTION_LOST });
      } catch {
        return finishWith(controller.signal.aborted ? { status: "stopped" } : { status: "interrupted", note: CONNECTION_LOST });
      } finally {
        commit.cancel();
        if (pendingCommit.current === commit) pendingCommit.current = null;
        if (active.current === controller) {
          active.current = null;
          setStreaming(false);
        }
      }
    },
    [patchReply, showError, setConversation],
  );

  const begin = useCallback((): AbortController => {
    const controller = new AbortController();
    active.current = controller;
    setError(null);
    setStreaming(true);
    return controller;
  }, []);

  /** Sends a message, with the documents uploaded for it (`attachments`, listed on the message). */
  const send = useCallback(
    async ({
      text,
      model,
      attachments,
      hooks = {},
    }: {
      text: string;
      model: string;
      attachments?: AttachmentRef[];
      hooks?: SendHooks;
    }): Promise<SendResult> => {
      if (active.current) return { restore: text };
      const controller = begin();
      const userId = nextId();
      const replyId = nextId();
      const files = attachments?.length ? { attachments } : {};
      setMessages((list) => [...list, { id: userId, role: "user", text, ...files }, { id: replyId, role: "assistant", text: "", status: "streaming" }]);
      const { refused } = await pump({
        request: {
          message: text,
          model,
          ...(conversationId.current ? { conversationId: conversationId.current } : {}),
          ...(attachments?.length ? { attachments: attachments.map((a) => a.id) } : {}),
        },
        replyId,
        controller,
        hooks,
        onRefused: () => setMessages((list) => list.filter((m) => m.id !== userId && m.id !== replyId)),
      });
      return refused ? { restore: text } : {};
    },
    [begin, pump],
  );

  /**
   * Answers a tool call that waits for the person's approval. The reply carries on in a new
   * assistant message after the others; the call's card says how it was answered once the server
   * took the answer, or is `expired` when the server no longer holds the call.
   */
  const answer = useCallback(
    async ({ call, approve, hooks = {} }: { call: AnsweredCall; approve: boolean; hooks?: SendHooks }): Promise<void> => {
      const { id } = call;
      const conversation = conversationId.current;
      if (active.current || !conversation) return;
      const controller = begin();
      const replyId = nextId();
      setToolState({ id, state: "answering" });
      setMessages((list) => [...list, { id: replyId, role: "assistant", text: "", status: "streaming" }]);
      let refusedCode: string | undefined;
      let accepted = false;
      await pump({
        request: { conversationId: conversation, toolApproval: { id, approve } },
        answered: call,
        replyId,
        controller,
        hooks: {
          ...hooks,
          onAccepted: (acceptedIn) => {
            accepted = true;
            setToolState({ id, state: approve ? "approved" : "declined" });
            hooks.onAccepted?.(acceptedIn);
          },
          onRefused: (failure) => {
            refusedCode = failure.code;
            hooks.onRefused?.(failure);
          },
        },
        onRefused: () => setMessages((list) => list.filter((m) => m.id !== replyId)),
      });
      // Not taken: a call the server no longer holds cannot be answered again; anything else (a limit,
      // the network, a Stop before the server answered) may be tried again.
      if (refusedCode === "approval_not_found") setToolState({ id, state: "expired" });
      else if (!accepted) setToolState({ id, state: "awaiting" });
    },
    [begin, pump, setToolState],
  );

  const stop = useCallback(() => active.current?.abort(), []);

  /** Replaces what is on screen: any reply in flight is stopped (the server keeps what arrived). */
  const replaceWith = useCallback(
    ({ id, messages: next }: { id: string | undefined; messages: ChatMessage[] }) => {
      active.current?.abort();
      active.current = null;
      // The aborted reply's next commit would only patch a message that is no longer shown.
      pendingCommit.current?.cancel();
      setConversation(id);
      setStreaming(false);
      setMessages(next);
      setError(null);
    },
    [setConversation],
  );

  const reset = useCallback(() => replaceWith({ id: undefined, messages: [] }), [replaceWith]);

  /** Shows a stored conversation; the next message continues it. */
  const load = useCallback(
    (conversation: Conversation) => replaceWith({ id: conversation.id, messages: conversation.messages.map(toChatMessage) }),
    [replaceWith],
  );

  const dismissError = useCallback(() => setError(null), []);

  return { messages, streaming, error, conversationId: currentId, send, answer, stop, reset, load, showError, dismissError };
}

let lastErrorId = 0;
// A fresh id per error remounts the banner, so a repeated message is announced again.
const nextErrorId = () => ++lastErrorId;

// Any refusal that says how long to wait (rate and stream limits, budgets, a busy store) counts down.
function toChatError(failure: ChatFailure): ChatError {
  const seconds = failure.retryAfterSeconds;
  return seconds ? { message: failure.message, retryAt: Date.now() + seconds * 1000 } : { message: failure.message };
}

// Stored turns are finished turns: they render exactly like a live reply once it is done.
function toChatMessage(message: Conversation["messages"][number]): ChatMessage {
  return message.role === "user"
    ? { id: nextId(), role: "user", text: message.content, ...(message.attachments?.length ? { attachments: message.attachments } : {}) }
    : { id: nextId(), role: "assistant", text: message.content, status: "done" };
}
