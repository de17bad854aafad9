"use client";

import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";

type ConfirmPanelProps = {
  /** Names the group for screen readers, e.g. "Revoke laptop scripts". */
  label: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  tone: "danger" | "primary";
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  confirmTestId: string;
};

/**
 * The inline "are you sure?" step of a row action, like the chat's delete confirmation: focus
 * starts on Cancel (the safe answer) unless the panel has a choice to make first; Escape cancels.
 */
export function ConfirmPanel({ label, children, confirmLabel, pendingLabel, tone, pending, error, onConfirm, onCancel, confirmTestId }: ConfirmPanelProps) {
  const rootRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const choice = rootRef.current?.querySelector<HTMLElement>("select, input");
    (choice ?? cancelRef.current)?.focus();
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "Escape" || pending) return;
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  }

  return (
    <div ref={rootRef} className={`key-confirm key-confirm--${tone}`} role="group" aria-label={label} onKeyDown={onKeyDown}>
      {children}
      {error ? (
        <p className="key-confirm__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="key-confirm__actions">
        <button type="button" className={`button button--${tone} button--small`} onClick={onConfirm} disabled={pending} data-testid={confirmTestId}>
          {pending ? pendingLabel : confirmLabel}
        </button>
        <button ref={cancelRef} type="button" className="button button--quiet button--small" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </div>
  );
}
