"use client";

import type { OnAnswer } from "./approval-card";
import { Message } from "./message";
import type { ChatMessage } from "./types";
import { useAutoScroll } from "./use-auto-scroll";
import chat from "./chat.module.css";
import styles from "./message-list.module.css";

/** The conversation, scrolled along with a streaming reply unless the reader has scrolled up. */
export function MessageList({ messages, onAnswer, busy }: { messages: ChatMessage[]; onAnswer: OnAnswer; busy: boolean }) {
  const { ref, contentRef, onScroll, away, jumpToEnd } = useAutoScroll<HTMLDivElement, HTMLOListElement>({ count: messages.length });

  return (
    <div className={chat.scroll} ref={ref} onScroll={onScroll}>
      <ol className={styles.list} aria-label="Conversation" ref={contentRef}>
        {messages.map((message) => (
          <li key={message.id} className={styles.item}>
            <Message message={message} onAnswer={onAnswer} busy={busy} />
          </li>
        ))}
      </ol>
      {away ? (
        <button type="button" className={styles.jump} onClick={jumpToEnd}>
          <span aria-hidden="true">↓</span> Latest
        </button>
      ) : null}
    </div>
  );
}
