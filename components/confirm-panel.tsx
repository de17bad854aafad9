"use client";

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import alert from "@/components/ui/alert.module.css";
import styles from "./confirm-panel.module.css";

type ConfirmPanelProps = {
  /** Names the group for screen readers, e.g. "Revoke laptop scripts". */
  label: string;
  /** The question, and any choice to make before confirming. */
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  tone: "danger" | "primary";
  pending: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  confirmTestId: string;
  /** Where the panel sits, from the row that shows it (its margins, its width). */
  className?: string;
};

/**
 * The inline "are you sure?" step of a row action (deleting a conversation, rolling or revoking an
 * API key): focus starts on Cancel (the safe answer) unless the panel has a choice to make first;
 * Escape cancels.
 */
export function ConfirmPanel({
  label,
  children,
  confirmLabel,
  pendingLabel,
  tone,
  pending,
  error,
  onConfirm,
  onCancel,
  confirmTestId,
  className,
}: ConfirmPanelProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const choice = rootRef.current?.querySelector<HTMLElement>("select, input");
    (choice ?? cancelRef.current)?.focus();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "Escape" || pending) return;
    // Stopped here, or what holds the panel would take it too (the chat's drawer would close).
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  }

  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled group of a message and two buttons, not a form's fieldset; Escape bubbles up from the buttons.
    <div ref={rootRef} className={cx(styles.confirm, tone === "danger" && styles.danger, className)} role="group" aria-label={label} onKeyDown={onKeyDown}>
      {children}
      {error ? (
        <p className={alert.alert} role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="button" className={buttonClass({ tone, small: true })} onClick={onConfirm} disabled={pending} data-testid={confirmTestId}>
          {pending ? pendingLabel : confirmLabel}
        </button>
        <button ref={cancelRef} type="button" className={buttonClass({ tone: "quiet", small: true })} onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </div>
  );
}
