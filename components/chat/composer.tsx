"use client";

import { memo, useLayoutEffect, type KeyboardEvent, type RefObject } from "react";
import { ComposerHint } from "./composer-hint";
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
};

const MAX_ROWS = 8;

/**
 * The message box: Enter sends, Shift+Enter breaks the line, and the length limit is visible before
 * it bites. Memoized: nothing it shows changes while a reply streams in.
 */
export const Composer = memo(function Composer({ value, onChange, onSend, onStop, streaming, paused, maxChars, inputRef }: ComposerProps) {
  const length = value.trim().length;
  const over = length > maxChars;
  const canSend = length > 0 && !over && !streaming && !paused;

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

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (canSend) onSend();
      }}
    >
      <div className={styles.box}>
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
          aria-invalid={over}
          aria-describedby="composer-hint"
          autoComplete="off"
        />
        {streaming ? (
          <button type="button" className={cx(styles.button, styles.stop)} data-testid="stop" onClick={onStop}>
            <span className={styles.stopIcon} aria-hidden="true" />
            <span className={hidden.visuallyHidden}>Stop</span>
          </button>
        ) : (
          <button type="submit" className={styles.button} data-testid="send" disabled={!canSend}>
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
