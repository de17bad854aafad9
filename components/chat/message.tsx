"use client";

import { Fragment, memo, Suspense } from "react";
import { BrandMark } from "@/components/brand-mark";
import { Markdown } from "@/components/chat/markdown";
import { ApprovalCard, type ApprovalState, type OnAnswer } from "./approval-card";
import { CopyButton } from "./copy-button";
import { lazyPart } from "./lazy-part";
import { splitAtTools } from "./tool-activity";
import { ToolCard } from "./tool-card";
import { TypingDots } from "./typing-dots";
import type { ChatMessage, ToolActivity } from "./types";
import { cx } from "@/components/ui/cx";
import styles from "./message.module.css";

// Fetched when a message with documents is first shown: not in the chat's first load.
const AttachmentList = lazyPart(() => import("./attachment-list").then((m) => m.AttachmentList));

type MessageProps = {
  message: ChatMessage;
  onAnswer: OnAnswer;
  /** A reply is streaming: a tool call waiting for approval cannot be answered yet. */
  busy: boolean;
};

/**
 * One turn: the person's text verbatim, or the assistant's reply rendered as sanitized markdown,
 * with its tool calls where they happened. Memoized: a finished message keeps its object while
 * another streams (see useChatStream's patchReply), so only the streaming one renders again.
 */
export const Message = memo(function Message({ message, onAnswer, busy }: MessageProps) {
  if (message.role === "user") {
    return (
      <article className={styles.user} aria-label="You">
        {message.attachments?.length ? (
          <Suspense fallback={null}>
            <AttachmentList attachments={message.attachments} />
          </Suspense>
        ) : null}
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
          {message.tools?.length ? (
            splitAtTools({ text: message.text, tools: message.tools }).map((part, index) => (
              // Parts are only ever added at the end while the reply streams, so their index is stable.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above.
              <Fragment key={index}>
                {part.text ? <Markdown text={part.text} /> : null}
                {part.tools.map((activity) => (
                  <ToolActivityView key={activity.id} activity={activity} onAnswer={onAnswer} busy={busy} />
                ))}
              </Fragment>
            ))
          ) : message.text ? (
            <Markdown text={message.text} />
          ) : null}
          {streaming && !message.text && !message.tools?.length ? <TypingDots /> : null}
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

const APPROVAL_STATES = new Set<string>(["awaiting", "answering", "approved", "declined", "expired"] satisfies ApprovalState[]);
const isApproval = (activity: ToolActivity): activity is ToolActivity & { state: ApprovalState } => APPROVAL_STATES.has(activity.state);

function ToolActivityView({ activity, onAnswer, busy }: { activity: ToolActivity; onAnswer: OnAnswer; busy: boolean }) {
  if (isApproval(activity)) return <ApprovalCard activity={activity} onAnswer={onAnswer} busy={busy} />;
  return <ToolCard activity={activity} />;
}
