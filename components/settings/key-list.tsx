"use client";

import { useRef } from "react";
import type { ApiFailure } from "@/components/chat/api-client";
import { KeyRow } from "./key-row";
import type { ModelChoice, RelayKeyView } from "./types";
import { cx } from "@/components/ui/cx";
import table from "@/components/ui/data-table.module.css";
import ui from "@/components/ui/page.module.css";
import styles from "./key-list.module.css";

type KeyListProps = {
  keys: RelayKeyView[];
  maxKeys: number;
  maxGraceHours: number;
  models: readonly ModelChoice[];
  onRoll: (args: { id: string; graceHours: number }) => Promise<ApiFailure | null>;
  onRevoke: (view: RelayKeyView) => Promise<ApiFailure | null>;
};

const COLUMNS = ["Name", "Models", "Created", "Last used", "Expires", "Status", "Usage", "Actions"] as const;

/** The user's keys, newest first: a table on wide screens, a card per key on phones. */
export function KeyList({ keys, maxKeys, maxGraceHours, models, onRoll, onRevoke }: KeyListProps) {
  const titleRef = useRef<HTMLHeadingElement>(null);

  // A revoked row takes its buttons with it: focus goes to the list, not back to the top of the page.
  async function revoke(view: RelayKeyView) {
    const failure = await onRevoke(view);
    if (!failure) titleRef.current?.focus();
    return failure;
  }

  return (
    <section className={ui.panel} aria-labelledby="key-list-title">
      <div className={ui.head}>
        <h2 id="key-list-title" ref={titleRef} tabIndex={-1} className={ui.title}>
          Your keys
        </h2>
        <span className={ui.muted} data-testid="api-key-count">
          {keys.length} of {maxKeys} allowed
        </span>
      </div>
      {keys.length === 0 ? (
        <p className={ui.emptyNote} data-testid="api-key-empty">
          You have no API keys yet.
        </p>
      ) : (
        <div className={table.wrap}>
          <table className={cx(table.table, styles.table)} data-testid="api-key-list">
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {keys.map((view) => (
                <KeyRow
                  key={view.id}
                  view={view}
                  models={models}
                  maxGraceHours={maxGraceHours}
                  onRoll={(graceHours) => onRoll({ id: view.id, graceHours })}
                  onRevoke={() => revoke(view)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
