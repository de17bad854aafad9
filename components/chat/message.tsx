"use client";

import { memo } from "react";
import { BrandMark } from "@/components/brand-mark";
import { Markdown } from "@/components/chat/markdown";
import { CopyButton } from "./copy-button";
import { TypingDots } from "./typing-dots";
import type { ChatMessage } from "./types";

/**
 * One turn: the person's text verbatim, or the assistant's reply rendered as sanitized markdown.
 * Memoized: a finished message keeps its object while another streams (see useChatStream's
 * patchReply), so only the streaming one renders again.
 */
export const Message = memo(function Message({ message }: { message: ChatMessage }) {
  if (message.role === "user") {
    return (
      <article className="message message--user" aria-label="You">
        <div className="message__bubble" data-testid="message-user">
          {message.text}
        </div>
      </article>
    );
  }

  const streaming = message.status === "streaming";
  return (
    <article className="message message--assistant" aria-label="Bulwark">
      <BrandMark className="message__avatar" />
      <div className="message__main">
        {/* While busy, screen readers hold the growing text and read the finished reply once. */}
        <div className="message__content" data-testid="message-assistant" data-status={message.status} aria-live="polite" aria-busy={streaming}>
          {message.text ? <Markdown text={message.text} /> : null}
          {streaming && !message.text ? <TypingDots /> : null}
          {message.status === "stopped" ? <p className="message__status">Stopped</p> : null}
          {message.status === "interrupted" ? (
            <p className="message__status message__status--error">Interrupted{message.note ? `: ${message.note}` : ""}</p>
          ) : null}
        </div>
        {!streaming && message.text ? (
          <div className="message__actions">
            <CopyButton text={message.text} />
          </div>
        ) : null}
      </div>
    </article>
  );
});
