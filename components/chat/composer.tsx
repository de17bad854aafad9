"use client";

import { memo, Suspense, useLayoutEffect, useRef, type ClipboardEvent, type KeyboardEvent, type RefObject } from "react";
import { ComposerHint } from "./composer-hint";
import { Icon } from "./icons";
import { lazyPart } from "./lazy-part";
import type { AttachmentChip } from "./types";
import type { ChipStore } from "./use-attachments";
import { iconButtonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./composer.module.css";

type ComposerProps = {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  streaming: boolean;
  /** True while the server's rate limit is in force: typing is fine, sending waits. */
  paused: boolean;
  maxChars: number;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** Documents to send with the message; absent when attachments are off (no button, pastes stay text). */
  attachments?: ComposerAttachments;
};

/** The chips, and what to do with files chosen, pasted (or dropped: see Chat). */
export type ComposerAttachments = { chips: AttachmentChip[]; store: ChipStore; onFiles: (files: File[]) => void };

const MAX_ROWS = 8;
// The server decides by content; the picker only offers what is likely to pass.
const ACCEPT = ".txt,.md,.markdown,.csv,.json,.pdf,text/plain,text/markdown,text/csv,application/json,application/pdf";
const DOCUMENT_NAME = /\.(txt|md|markdown|csv|json|pdf)$/i;
const TRAY_HINT_ID = "attachments-hint";

// Fetched with the first document: the chat's first load has no room for it.
const AttachmentTray = lazyPart(() => import("./attachment-tray").then((m) => m.AttachmentTray));

/**
 * The message box: Enter sends, Shift+Enter breaks the line, and the length limit is visible before
 * it bites. Memoized: nothing it shows changes while a reply streams in.
 */
export const Composer = memo(function Composer({ value, onChange, onSend, onStop, streaming, paused, maxChars, inputRef, attachments }: ComposerProps) {
  const fileRef = useRef<HTMLInputElement>(null);
  const length = value.trim().length;
  const over = length > maxChars;
  const chips = attachments?.chips ?? [];
  // A document still uploading or being checked holds Send back (the tray says so).
  const waiting = chips.some((c) => c.status === "uploading" || c.status === "checking");
  const canSend = length > 0 && !over && !streaming && !paused && !waiting;
  const describedBy = chips.length > 0 ? `composer-hint ${TRAY_HINT_ID}` : "composer-hint";

  // Grows by whole rows (an attribute, not an inline style: the CSP allows no inline styles).
  // biome-ignore lint/correctness/useExhaustiveDependencies: it measures the textarea, whose content is `value`: it must run again whenever the text changes.
  useLayoutEffect(() => {
    const el = inputRef.current;
    if (!el) return;
    el.rows = 1;
    const css = getComputedStyle(el);
    const line = Number.parseFloat(css.lineHeight) || 24;
    const padding = Number.parseFloat(css.paddingTop) + Number.parseFloat(css.paddingBottom);
    el.rows = Math.min(MAX_ROWS, Math.max(1, Math.round((el.scrollHeight - padding) / line)));
  }, [value, inputRef]);

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // An IME uses Enter to commit a composition (Japanese, Chinese, Korean): that must not send.
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    if (canSend) onSend();
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...event.clipboardData.files];
    if (!attachments || files.length === 0) return;
    // Text copied from an office program may come with a picture of itself: that paste stays text.
    if (event.clipboardData.types.includes("text/plain") && !files.some((f) => DOCUMENT_NAME.test(f.name))) return;
    event.preventDefault();
    attachments.onFiles(files);
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      {attachments && chips.length > 0 ? (
        <Suspense fallback={null}>
          <AttachmentTray chips={chips} store={attachments.store} hasText={length > 0} hintId={TRAY_HINT_ID} onRemoved={() => inputRef.current?.focus()} />
        </Suspense>
      ) : null}
      <div className={cx(styles.box, attachments && styles.withAttach)}>
        {attachments ? (
          <>
            <button type="button" className={iconButtonClass()} onClick={() => fileRef.current?.click()} aria-label="Attach a document" data-testid="attach">
              <Icon name="paperclip" />
            </button>
            <input
              ref={fileRef}
              type="file"
              hidden
              multiple
              accept={ACCEPT}
              data-testid="attach-input"
              onChange={(event) => {
                attachments.onFiles([...(event.target.files ?? [])]);
                // Choosing the same file again (after removing it) must fire again.
                event.target.value = "";
              }}
            />
          </>
        ) : null}
        <label htmlFor="composer-input" className={hidden.visuallyHidden}>
          Message
        </label>
        <textarea
          id="composer-input"
          ref={inputRef}
          className={styles.input}
          data-testid="composer"
          rows={1}
          placeholder="Message Bulwark…"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          aria-invalid={over}
          aria-describedby={describedBy}
          autoComplete="off"
        />
        {streaming ? (
          <button type="button" className={cx(styles.button, styles.stop)} data-testid="stop" onClick={onStop}>
            <span className={styles.stopIcon} aria-hidden="true" />
            <span className={hidden.visuallyHidden}>Stop</span>
          </button>
        ) : (
          <button type="submit" className={styles.button} data-testid="send" disabled={!canSend} aria-describedby={describedBy}>
            <svg viewBox="0 0 24 24" className={styles.sendIcon} aria-hidden="true" focusable="false">
              <path d="M12 19V5M5.5 11.5 12 5l6.5 6.5" />
            </svg>
            <span className={hidden.visuallyHidden}>Send</span>
          </button>
        )}
      </div>
      <ComposerHint length={length} maxChars={maxChars} />
    </form>
  );
});
