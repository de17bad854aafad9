"use client";

import { memo } from "react";
import { BrandMark } from "@/components/brand-mark";
import { Markdown } from "@/components/chat/markdown";
import { CopyButton } from "./copy-button";
import { TypingDots } from "./typing-dots";
import type { ChatMessage } from "./types";
import { cx } from "@/components/ui/cx";
import styles from "./message.module.css";

/**
 * One turn: the person's text verbatim, or the assistant's reply rendered as sanitized markdown.
 * Memoized: a finished message keeps its object while another streams (see useChatStream's
 * patchReply), so only the streaming one renders again.
 */
export const Message = memo(function Message({ message }: { message: ChatMessage }) {
  if (message.role === "user") {
    return (
      <article className={styles.user} aria-label="You">
        <div className={styles.bubble} data-testid="message-user">
          {message.text}
        </div>
      </article>
    );
  }

  const streaming = message.status === "streaming";
  return (
    <article className={styles.assistant} aria-label="Bulwark">
      <BrandMark className={styles.avatar} />
      <div className={styles.main}>
        {/* While busy, screen readers hold the growing text and read the finished reply once. */}
        <div data-testid="message-assistant" data-status={message.status} aria-live="polite" aria-busy={streaming}>
          {message.text ? <Markdown text={message.text} /> : null}
          {streaming && !message.text ? <TypingDots /> : null}
          {message.status === "stopped" ? <p className={styles.status}>Stopped</p> : null}
          {message.status === "interrupted" ? (
            <p className={cx(styles.status, styles.statusError)}>Interrupted{message.note ? `: ${message.note}` : ""}</p>
          ) : null}
        </div>
        {!streaming && message.text ? (
          <div className={styles.actions}>
            <CopyButton text={message.text} />
          </div>
        ) : null}
      </div>
    </article>
  );
});
