"use client";

import type { ApiFailure } from "@/components/chat/api-client";
import { RelativeTime } from "@/components/chat/relative-time";
import { formatFull } from "@/components/chat/time-format";
import { useNow } from "@/components/chat/use-now";
import { KeyActions } from "./key-actions";
import { formatCount, modelsText, shownPrefix } from "./key-format";
import type { ModelChoice, RelayKeyView } from "./types";
import { badgeClass, type BadgeTone } from "@/components/ui/badge";
import ui from "@/components/ui/page.module.css";
import styles from "./key-list.module.css";

type KeyRowProps = {
  view: RelayKeyView;
  models: readonly ModelChoice[];
  maxGraceHours: number;
  onRoll: (graceHours: number) => Promise<ApiFailure | null>;
  onRevoke: () => Promise<ApiFailure | null>;
};

/** Each status in words, and the shared badge tone it shows in. */
const STATUSES = {
  active: { label: "Active", tone: "accent" },
  expiring: { label: "Expiring", tone: "warning" },
  expired: { label: "Expired", tone: "danger" },
} as const satisfies Record<RelayKeyView["status"], { label: string; tone: BadgeTone }>;

/** One key: what it is, what it may do, how it has been used; on phones a card (see the stylesheet). */
export function KeyRow({ view, models, maxGraceHours, onRoll, onRevoke }: KeyRowProps) {
  const limits = [
    view.rateLimit === null ? null : `${formatCount(view.rateLimit)}/min`,
    view.dailyTokenBudget === null ? null : `${formatCount(view.dailyTokenBudget)} tokens/day`,
  ].filter(Boolean);
  return (
    <tr data-testid="api-key-row" data-key-id={view.id} data-status={view.status}>
      <th scope="row" data-label="Name">
        <div className={styles.name}>
          <span className={styles.title}>{view.name}</span>{" "}
          <code className={styles.prefix} data-testid="api-key-prefix">
            {shownPrefix(view.prefix)}
          </code>
        </div>
      </th>
      <td data-label="Models">{modelsText(view.models, models)}</td>
      <td data-label="Created">
        <RelativeTime iso={view.createdAt} />
      </td>
      <td data-label="Last used">{view.lastUsedAt ? <RelativeTime iso={view.lastUsedAt} /> : <span className={ui.muted}>never</span>}</td>
      <td data-label="Expires">{view.expiresAt ? <LocalTime iso={view.expiresAt} /> : <span className={ui.muted}>never</span>}</td>
      <td data-label="Status">
        <span className={badgeClass(STATUSES[view.status].tone)} data-testid="api-key-status">
          {STATUSES[view.status].label}
        </span>
      </td>
      <td data-label="Usage">
        <div className={styles.usage} data-testid="api-key-usage">
          <span>{formatCount(view.usage.tokensToday)} tokens today</span>
          <span>{formatCount(view.usage.requests)} requests</span>
          {limits.length > 0 ? <span className={ui.muted}>limit {limits.join(", ")}</span> : null}
        </div>
      </td>
      <td data-label="Actions">
        <KeyActions view={view} maxGraceHours={maxGraceHours} onRoll={onRoll} onRevoke={onRevoke} />
      </td>
    </tr>
  );
}

/** A date and time in the reader's zone; blank until the page runs in the browser, whose zone the server does not know. */
function LocalTime({ iso }: { iso: string }) {
  const now = useNow();
  return <time dateTime={iso}>{now === null ? "" : formatFull(iso)}</time>;
}
