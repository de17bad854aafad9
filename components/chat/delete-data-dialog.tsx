"use client";

import { useEffect, useRef, useState } from "react";
import { deleteAccountData } from "./conversations-api";
import { buttonClass } from "@/components/ui/button";
import alert from "@/components/ui/alert.module.css";
import field from "@/components/ui/field.module.css";
import styles from "./delete-data-dialog.module.css";

const CONFIRM_WORD = "DELETE";

type DeleteDataDialogProps = {
  /** The dialog closed without deleting (Cancel, Escape). */
  onClose: () => void;
  onDeleted: (count: number) => void;
};

/**
 * "Delete all my data": says exactly what goes and what stays, and asks for a typed DELETE so it
 * cannot happen by a slip. Mount it to open it; a native modal dialog keeps focus inside.
 */
export function DeleteDataDialog({ onClose, onDeleted }: DeleteDataDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  async function onSubmit() {
    if (typed.trim() !== CONFIRM_WORD || pending) return;
    setPending(true);
    setError(null);
    const result = await deleteAccountData();
    setPending(false);
    if (result.ok) onDeleted(result.data);
    else setError(result.message);
  }

  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby="delete-data-title"
      aria-describedby="delete-data-what"
      data-testid="delete-data-dialog"
      onClose={onClose}
      // Escape while the request runs would hide whether it worked.
      onCancel={(event) => {
        if (pending) event.preventDefault();
      }}
    >
      <form
        className={styles.body}
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit();
        }}
      >
        <h2 id="delete-data-title" className={styles.title}>
          Delete all your data?
        </h2>
        <div id="delete-data-what" className={styles.text}>
          <p>
            <strong>Deleted now, for good:</strong> all your conversations, with every message you sent and every reply, the documents you attached, and your
            notes. This cannot be undone.
          </p>
          <p>
            <strong>Kept until they expire:</strong> the usage counters behind your limits, such as tokens used today. They hold no messages or other content,
            and they are what enforces the limits, so they stay until they expire on their own.
          </p>
        </div>
        <div className={field.field}>
          <label htmlFor="delete-data-confirm" className={field.label}>
            Type {CONFIRM_WORD} to confirm
          </label>
          <input
            id="delete-data-confirm"
            className={field.input}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            data-testid="delete-data-input"
          />
        </div>
        {error ? (
          <p className={alert.alert} role="alert">
            {error}
          </p>
        ) : null}
        <div className={styles.actions}>
          <button type="button" className={buttonClass({ tone: "secondary" })} onClick={() => ref.current?.close()} disabled={pending}>
            Cancel
          </button>
          <button
            type="submit"
            className={buttonClass({ tone: "danger" })}
            disabled={typed.trim() !== CONFIRM_WORD || pending}
            data-testid="delete-data-submit"
          >
            {pending ? "Deleting…" : "Delete everything"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
