"use client";

import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent } from "react";
import { TITLE_MAX_CHARS, titleProblem } from "./conversation-title";
import { buttonClass } from "@/components/ui/button";
import styles from "./title-editor.module.css";

type TitleEditorProps = {
  /** What the field starts with: the title, or the text of a save that failed. */
  initial: string;
  onSave: (title: string) => void;
  onCancel: () => void;
  /** The server's reason the last save failed, shown under the field. */
  error?: string;
};

/**
 * Inline rename: Enter saves, Escape cancels, and leaving the field saves too, so nothing typed is
 * thrown away by a stray click.
 */
export function TitleEditor({ initial, onSave, onCancel, error }: TitleEditorProps) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  const errorId = useId();

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  function save(): boolean {
    const reason = titleProblem(value);
    if (reason) {
      setProblem(reason);
      return false;
    }
    done.current = true;
    if (value.trim() === initial.trim() && !error) onCancel();
    else onSave(value);
    return true;
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Escape") {
      // Stopped here, or the drawer around the list would close too.
      event.preventDefault();
      event.stopPropagation();
      done.current = true;
      onCancel();
    }
  }

  function onBlur(event: FocusEvent<HTMLFormElement>) {
    // Moving between the field and its buttons is not leaving.
    if (done.current || event.currentTarget.contains(event.relatedTarget)) return;
    if (!save()) {
      // An empty title cannot be saved: keep the old one rather than trap focus here.
      done.current = true;
      onCancel();
    }
  }

  const message = problem ?? error;
  return (
    <form
      className={styles.editor}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
      onBlur={onBlur}
    >
      <input
        ref={inputRef}
        className={styles.input}
        aria-label="Conversation title"
        data-testid="conversation-title-input"
        value={value}
        maxLength={TITLE_MAX_CHARS}
        onChange={(event) => {
          setValue(event.target.value);
          setProblem(null);
        }}
        onKeyDown={onKeyDown}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? errorId : undefined}
        autoComplete="off"
        enterKeyHint="done"
      />
      <div className={styles.actions}>
        <button type="submit" className={buttonClass({ tone: "primary", small: true })}>
          Save
        </button>
        <button
          type="button"
          className={buttonClass({ tone: "quiet", small: true })}
          onClick={() => {
            done.current = true;
            onCancel();
          }}
        >
          Cancel
        </button>
      </div>
      {message ? (
        <p id={errorId} className={styles.error} role="alert">
          {message}
        </p>
      ) : null}
    </form>
  );
}
