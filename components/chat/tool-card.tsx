"use client";

import { keyArgument, toolLabel } from "./tool-label";
import type { ToolActivity, ToolState } from "./types";
import { badgeClass, type BadgeTone } from "@/components/ui/badge";
import styles from "./tool-card.module.css";

export const WITHHELD_NOTICE = "The page's content was withheld: it looked like instructions to the assistant.";

const STATES = {
  running: { label: "Running…", tone: "accent" },
  done: { label: "Done", tone: "plain" },
  failed: { label: "Not done", tone: "danger" },
  withheld: { label: "Withheld", tone: "warning" },
  // A call waiting for approval has its own card (ApprovalCard); these are for completeness.
  awaiting: { label: "Waiting for your approval", tone: "accent" },
  answering: { label: "Sending your answer…", tone: "accent" },
  approved: { label: "Approved", tone: "plain" },
  declined: { label: "Declined", tone: "plain" },
  expired: { label: "Not run", tone: "plain" },
} as const satisfies Record<ToolState, { label: string; tone: BadgeTone }>;

/**
 * One tool call in a reply: what it does, what it is about (the address, the query or the title,
 * as plain text: a web address here is never a link and never loads anything), and how it went.
 * The status and its summary sit in a live region, so "Running…" turning into "Done" is heard.
 */
export function ToolCard({ activity }: { activity: ToolActivity }) {
  const { label, tone } = STATES[activity.state];
  const about = keyArgument(activity);
  return (
    <div className={styles.card} data-testid="tool-card" data-state={activity.state}>
      <div className={styles.head}>
        <span className={styles.name}>{toolLabel(activity.name)}</span>
        {about ? <span className={styles.about}>{about}</span> : null}
      </div>
      <div className={styles.result} role="status">
        <span className={badgeClass(tone)}>{label}</span>
        {activity.summary ? <span className={styles.summary}>{activity.summary}</span> : null}
      </div>
      {activity.state === "withheld" ? <p className={styles.withheld}>{WITHHELD_NOTICE}</p> : null}
    </div>
  );
}
