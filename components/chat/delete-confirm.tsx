"use client";

import { useEffect, useRef, type KeyboardEvent } from "react";

type DeleteConfirmProps = { onConfirm: () => void; onCancel: () => void; pending: boolean };

/** The inline "Delete this conversation?" step: focus starts on Cancel, the safe answer; Escape cancels. */
export function DeleteConfirm({ onConfirm, onCancel, pending }: DeleteConfirmProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "Escape" || pending) return;
    // Stopped here, or the drawer around the list would close too.
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  }

  return (
    <div className="delete-confirm" role="group" aria-label="Confirm deletion" onKeyDown={onKeyDown}>
      <p className="delete-confirm__text">Delete this conversation? This cannot be undone.</p>
      <div className="delete-confirm__actions">
        <button
          type="button"
          className="button button--danger button--small"
          onClick={onConfirm}
          disabled={pending}
          data-testid="conversation-delete-confirm"
        >
          {pending ? "Deleting…" : "Delete"}
        </button>
        <button ref={cancelRef} type="button" className="button button--quiet button--small" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </div>
  );
}
