"use client";

import { Suspense, useEffect, useId, useRef, useState } from "react";
import { ConfirmPanel } from "@/components/confirm-panel";
import type { ApiFailure } from "./api-client";
import { Icon } from "./icons";
import { lazyPart } from "./lazy-part";
import { RelativeTime } from "./relative-time";
import type { ConversationSummary } from "./types";
import { iconButtonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import confirm from "@/components/confirm-panel.module.css";
import styles from "./conversation-sidebar.module.css";

// Fetched on the first Rename: not in the chat's first load, whose budget is spent.
const TitleEditor = lazyPart(() => import("./title-editor").then((m) => m.TitleEditor));

export type ConversationActions = {
  onOpen: (id: string) => void;
  onRename: (args: { id: string; title: string; previous: string }) => Promise<ApiFailure | null>;
  onDelete: (id: string) => Promise<ApiFailure | null>;
};

type ConversationItemProps = ConversationActions & { conversation: ConversationSummary; current: boolean; opening: boolean };

/** `attempt` remounts the editor, so a failed save reopens it fresh with the text that was typed. */
type Mode = { kind: "view" } | { kind: "editing"; text: string; error?: string; attempt: number } | { kind: "confirming"; pending: boolean };

/** One conversation in the list: open it, rename it in place, or delete it after a confirmation. */
export function ConversationItem({ conversation, current, opening, onOpen, onRename, onDelete }: ConversationItemProps) {
  const { id, title, updatedAt } = conversation;
  const [mode, setMode] = useState<Mode>({ kind: "view" });
  const [error, setError] = useState<string | null>(null);
  const itemRef = useRef<HTMLLIElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  // Which button gets focus back once the row is shown again (it does not exist while editing).
  const refocus = useRef<"rename" | "delete" | null>(null);
  const titleId = useId();

  // Back from editing or confirming, focus returns to the button that started it, but only if
  // focus was still in this item: a save by clicking elsewhere must not pull it back.
  useEffect(() => {
    if (mode.kind !== "view" || !refocus.current) return;
    (refocus.current === "rename" ? renameRef : deleteRef).current?.focus();
    refocus.current = null;
  }, [mode]);

  const backToView = (button: "rename" | "delete") => {
    refocus.current = itemRef.current?.contains(document.activeElement) ? button : null;
    setMode({ kind: "view" });
  };

  async function save(text: string) {
    backToView("rename");
    setError(null);
    const failure = await onRename({ id, title: text, previous: title });
    if (failure) setMode({ kind: "editing", text, error: failure.message, attempt: Date.now() });
  }

  async function confirmDelete() {
    setMode({ kind: "confirming", pending: true });
    setError(null);
    const failure = await onDelete(id);
    // On success the item leaves the list; on failure it stays, with the server's reason.
    if (!failure) return;
    refocus.current = "delete";
    setMode({ kind: "view" });
    setError(failure.message);
  }

  return (
    <li ref={itemRef} className={cx(styles.item, current && styles.itemCurrent, opening && styles.itemOpening)} data-testid="conversation-item">
      {mode.kind === "editing" ? (
        <Suspense fallback={null}>
          <TitleEditor key={mode.attempt} initial={mode.text} error={mode.error} onSave={(text) => void save(text)} onCancel={() => backToView("rename")} />
        </Suspense>
      ) : (
        <div className={styles.row}>
          <button
            type="button"
            className={styles.opener}
            onClick={() => onOpen(id)}
            aria-current={current ? "page" : undefined}
            aria-busy={opening || undefined}
            title={title}
            data-testid="conversation-open"
          >
            <span id={titleId} className={styles.title} data-testid="conversation-title">
              {title || "Untitled"}
            </span>
            <RelativeTime iso={updatedAt} className={styles.time} />
          </button>
          <div className={styles.actions}>
            <button
              ref={renameRef}
              type="button"
              className={cx(iconButtonClass(), styles.action)}
              aria-label="Rename conversation"
              aria-describedby={titleId}
              onClick={() => setMode({ kind: "editing", text: title, attempt: Date.now() })}
            >
              <Icon name="pencil" />
            </button>
            <button
              ref={deleteRef}
              type="button"
              className={cx(iconButtonClass({ danger: true }), styles.action)}
              aria-label="Delete conversation"
              aria-describedby={titleId}
              onClick={() => setMode({ kind: "confirming", pending: false })}
              disabled={mode.kind === "confirming"}
            >
              <Icon name="trash" />
            </button>
          </div>
        </div>
      )}
      {mode.kind === "confirming" ? (
        <ConfirmPanel
          label="Confirm deletion"
          confirmLabel="Delete"
          pendingLabel="Deleting…"
          tone="danger"
          pending={mode.pending}
          onConfirm={() => void confirmDelete()}
          onCancel={() => backToView("delete")}
          confirmTestId="conversation-delete-confirm"
          className={styles.confirm}
        >
          <p className={confirm.text}>Delete this conversation? This cannot be undone.</p>
        </ConfirmPanel>
      ) : null}
      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
