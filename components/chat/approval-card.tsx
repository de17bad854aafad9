"use client";

import { useEffect, useId, useRef } from "react";
import { toolLabel } from "./tool-label";
import type { ToolActivity } from "./types";
import { buttonClass } from "@/components/ui/button";
import styles from "./approval-card.module.css";

export type ApprovalState = "awaiting" | "answering" | "approved" | "declined" | "expired";

/** Answers a call that waits for approval; the chat streams what follows. */
export type OnAnswer = (answer: { call: Pick<ToolActivity, "id" | "name" | "args">; approve: boolean }) => void;

const OUTCOME: Record<ApprovalState, string> = {
  awaiting: "Waiting for your answer.",
  answering: "Sending your answer…",
  approved: "Approved",
  declined: "Declined",
  expired: "No longer waiting: it was answered already or it expired. Nothing was run.",
};

// The field names of the shipped tool that needs approval, as a person reads them.
const FIELD_LABELS: Record<string, string> = { title: "Title", body: "Text" };

/**
 * A tool call that runs only if the person approves it (save_note): the tool and exactly the
 * arguments the server holds, as text, and Approve / Deny. It takes focus when it appears, so the
 * keyboard reaches the buttons with one Tab; once answered it says how, and the buttons go.
 */
export function ApprovalCard({
  activity,
  onAnswer,
  busy,
}: {
  activity: ToolActivity & { state: ApprovalState };
  onAnswer: OnAnswer;
  /** A reply is streaming: nothing can be sent until it ends. */
  busy: boolean;
}) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  const open = activity.state === "awaiting" || activity.state === "answering";
  const awaitingAtMount = useRef(activity.state === "awaiting");

  useEffect(() => {
    if (awaitingAtMount.current) ref.current?.focus();
  }, []);

  // The buttons go once the answer is taken: focus stays on the card instead of falling to the page.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open && (document.activeElement === null || document.activeElement === document.body)) ref.current?.focus();
    wasOpen.current = open;
  }, [open]);

  return (
    <section ref={ref} className={styles.card} aria-labelledby={titleId} tabIndex={-1} data-testid="approval-card" data-state={activity.state}>
      <h3 id={titleId} className={styles.title}>
        Approve this action: {toolLabel(activity.name)}
      </h3>
      <p className={styles.why}>The assistant asks to do this. Nothing happens unless you approve these exact details.</p>
      <dl className={styles.args}>
        {Object.entries(activity.args).map(([key, value]) => (
          <div key={key} className={styles.arg}>
            <dt className={styles.label}>{FIELD_LABELS[key] ?? key}</dt>
            <dd className={styles.value} data-testid={`approval-arg-${key}`}>
              {typeof value === "string" ? value : JSON.stringify(value)}
            </dd>
          </div>
        ))}
      </dl>
      {open ? (
        <div className={styles.actions}>
          <button
            type="button"
            className={buttonClass({ tone: "primary", small: true })}
            disabled={busy || activity.state === "answering"}
            onClick={() => onAnswer({ call: activity, approve: true })}
          >
            Approve
          </button>
          <button
            type="button"
            className={buttonClass({ tone: "secondary", small: true })}
            disabled={busy || activity.state === "answering"}
            onClick={() => onAnswer({ call: activity, approve: false })}
          >
            Deny
          </button>
        </div>
      ) : null}
      <p className={styles.outcome} role="status" data-testid="approval-outcome">
        {OUTCOME[activity.state]}
      </p>
    </section>
  );
}
