"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { openChatStream, type ChatFailure } from "./chat-api";
import type { ChatError, ChatMessage, MessageStatus } from "./types";

export const SIGN_IN_URL = "/signin?callbackUrl=%2F";

const CONNECTION_LOST = "The connection was lost before the reply finished. Please try again.";

/** `restore` is the text to put back in the composer: the message never reached the conversation. */
export type SendResult = { restore?: string };

type AssistantPatch = { text?: string; status: MessageStatus; note?: string };

let lastId = 0;
// A counter, not crypto.randomUUID: that one is missing on plain-HTTP origins such as a LAN address.
const nextId = () => `m${++lastId}`;

/**
 * One conversation with `POST /api/chat`: the messages, whether a reply is streaming, the error to
 * show, and send / stop / reset. The server keeps the history; the client only remembers its id.
 */
export function useChatStream() {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<(ChatError & { id: number }) | null>(null);
  const conversationId = useRef<string | undefined>(undefined);
  const active = useRef<AbortController | null>(null);

  useEffect(() => () => active.current?.abort(), []);

  const showError = useCallback((next: ChatError) => setError({ ...next, id: nextErrorId() }), []);

  const patchReply = useCallback((id: string, patch: AssistantPatch) => {
    setMessages((list) => list.map((m) => (m.id === id && m.role === "assistant" ? { ...m, ...patch } : m)));
  }, []);

  const send = useCallback(
    async ({ text, model }: { text: string; model: string }): Promise<SendResult> => {
      if (active.current) return { restore: text };
      const controller = new AbortController();
      active.current = controller;
      const userId = nextId();
      const replyId = nextId();
      setError(null);
      setStreaming(true);
      setMessages((list) => [
        ...list,
        { id: userId, role: "user", text },
        { id: replyId, role: "assistant", text: "", status: "streaming" },
      ]);
      const finishWith = (patch: AssistantPatch): SendResult => {
        patchReply(replyId, patch);
        if (patch.status === "interrupted" && patch.note) showError({ message: patch.note });
        return {};
      };
      let reply = "";
      try {
        const opened = await openChatStream({
          request: { message: text, model, ...(conversationId.current ? { conversationId: conversationId.current } : {}) },
          signal: controller.signal,
        });
        // New chat while waiting: the answer belongs to a conversation that is gone.
        if (controller.signal.aborted) return finishWith({ status: "stopped" });
        if (!opened.ok) {
          setMessages((list) => list.filter((m) => m.id !== userId && m.id !== replyId));
          if (opened.code === "unauthorized") window.location.assign(SIGN_IN_URL);
          else showError(toChatError(opened));
          // The server no longer has this conversation (expired or deleted): the retry starts a new one.
          if (opened.code === "conversation_not_found") conversationId.current = undefined;
          return { restore: text };
        }
        if (opened.conversationId) conversationId.current = opened.conversationId;
        for await (const event of opened.events) {
          if (controller.signal.aborted) break;
          if (event.type === "text") {
            reply += event.text;
            patchReply(replyId, { text: reply, status: "streaming" });
          } else if (event.type === "error") {
            return finishWith({ status: "interrupted", note: event.message });
          } else if (event.type === "done") {
            conversationId.current = event.conversationId;
            return finishWith({ status: "done" });
          }
        }
        return finishWith(controller.signal.aborted ? { status: "stopped" } : { status: "interrupted", note: CONNECTION_LOST });
      } catch {
        return finishWith(controller.signal.aborted ? { status: "stopped" } : { status: "interrupted", note: CONNECTION_LOST });
      } finally {
        if (active.current === controller) {
          active.current = null;
          setStreaming(false);
        }
      }
    },
    [patchReply, showError],
  );

  const stop = useCallback(() => active.current?.abort(), []);

  const reset = useCallback(() => {
    active.current?.abort();
    active.current = null;
    conversationId.current = undefined;
    setStreaming(false);
    setMessages([]);
    setError(null);
  }, []);

  const dismissError = useCallback(() => setError(null), []);

  return { messages, streaming, error, send, stop, reset, dismissError };
}

let lastErrorId = 0;
// A fresh id per error remounts the banner, so a repeated message is announced again.
const nextErrorId = () => ++lastErrorId;

function toChatError(failure: ChatFailure): ChatError {
  const seconds = failure.code === "rate_limited" ? failure.retryAfterSeconds : undefined;
  return seconds ? { message: failure.message, retryAt: Date.now() + seconds * 1000 } : { message: failure.message };
}
