"use client";

import { useId, useRef, useState, type KeyboardEvent } from "react";
import { removeChip, retryChip } from "./attachment-upload";
import { formatBytes } from "@/lib/format-bytes";
import { Icon } from "./icons";
import type { AttachmentChip } from "./types";
import type { ChipStore } from "./use-attachments";
import { badgeClass, type BadgeTone } from "@/components/ui/badge";
import { buttonClass, iconButtonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./attachment-tray.module.css";

const STATUS = {
  uploading: { label: "Uploading…", tone: "accent" },
  checking: { label: "Checking…", tone: "accent" },
  ready: { label: "Ready", tone: "plain" },
  failed: { label: "Failed", tone: "danger" },
} as const satisfies Record<AttachmentChip["status"], { label: string; tone: BadgeTone }>;

type TrayProps = {
  chips: AttachmentChip[];
  store: ChipStore;
  /** The message box has text: without it, ready documents cannot be sent yet. */
  hasText: boolean;
  /** The id of the hint under the chips, which the textarea and Send point to. */
  hintId: string;
  /** A chip was removed (its button went with it): where focus goes next. */
  onRemoved: () => void;
};

/**
 * The documents that will go with the next message, above the message box: each as a chip with its
 * name, size and status, the findings of the checks, and buttons to retry or remove it. Loaded on
 * first use (the chat's first load has no room for it).
 */
export function AttachmentTray({ chips, store, hasText, hintId, onRemoved }: TrayProps) {
  const waiting = chips.some((c) => c.status === "uploading" || c.status === "checking");
  const hint = waiting
    ? "Send waits until the documents are uploaded and checked."
    : chips.some((c) => c.status === "ready") && !hasText
      ? "Write a message to send with the documents."
      : null;

  return (
    <div className={styles.tray} data-testid="attachment-tray">
      <ul className={styles.chips} aria-label="Documents to send">
        {chips.map((chip) => (
          <li key={chip.key} className={styles.item}>
            <Chip chip={chip} store={store} onRemoved={onRemoved} />
          </li>
        ))}
      </ul>
      {hint ? (
        <p id={hintId} className={styles.hint} data-testid="attachment-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function Chip({ chip, store, onRemoved }: { chip: AttachmentChip; store: ChipStore; onRemoved: () => void }) {
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const listId = useId();
  // A restored chip's file stays on the server: its name and size are the server's.
  const { name, size } = chip.attachment ?? chip.file;
  const findings = chip.attachment?.findings ?? [];
  const warnings = `${findings.length} ${findings.length === 1 ? "warning" : "warnings"}`;
  const { label, tone } = STATUS[chip.status];

  async function remove() {
    if (await removeChip({ store, key: chip.key })) onRemoved();
  }

  // Escape folds the findings away, from the toggle or any button of the chip.
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "Escape" || !open) return;
    event.stopPropagation();
    setOpen(false);
    toggleRef.current?.focus();
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape bubbles up from the chip's buttons; the div itself takes no focus.
    <div className={styles.chip} data-testid="attachment-chip" data-status={chip.status} onKeyDown={onKeyDown}>
      <div className={styles.head}>
        <span className={styles.name} title={name}>
          {name}
        </span>
        <span className={styles.size}>{formatBytes(size)}</span>
        <button
          type="button"
          className={cx(iconButtonClass({ danger: true }), styles.remove)}
          onClick={() => void remove()}
          disabled={chip.removing}
          aria-label={`Remove ${name}`}
        >
          <Icon name="close" />
        </button>
      </div>
      <div className={styles.status} role="status" data-testid="attachment-status">
        <span className={badgeClass(tone)}>{chip.removing ? "Removing…" : label}</span>
        {chip.status === "failed" && chip.error ? <span className={styles.error}>{chip.error}</span> : null}
        {findings.length > 0 ? <span className={hidden.visuallyHidden}>{`, ${warnings}`}</span> : null}
      </div>
      {chip.status === "uploading" ? <progress className={styles.progress} max={1} value={chip.progress ?? 0} aria-label={`Uploading ${name}`} /> : null}
      {chip.notice ? (
        <p className={styles.error} role="alert">
          {chip.notice}
        </p>
      ) : null}
      {findings.length > 0 || (chip.status === "failed" && chip.retry) ? (
        <div className={styles.actions}>
          {findings.length > 0 ? (
            <button
              ref={toggleRef}
              type="button"
              className={cx(badgeClass("warning"), styles.toggle)}
              aria-expanded={open}
              aria-controls={listId}
              onClick={() => setOpen((was) => !was)}
              data-testid="attachment-findings-toggle"
            >
              <span aria-hidden="true">⚠ </span>
              {warnings}
              <span className={hidden.visuallyHidden}>{` in ${name}`}</span>
            </button>
          ) : null}
          {chip.status === "failed" && chip.retry ? (
            <button
              type="button"
              className={buttonClass({ tone: "secondary", small: true })}
              onClick={() => retryChip({ store, key: chip.key })}
              aria-label={`Retry ${name}`}
            >
              Retry
            </button>
          ) : null}
        </div>
      ) : null}
      {open ? (
        <ul id={listId} className={styles.findings} data-testid="attachment-findings">
          {findings.map((finding) => (
            <li key={`${finding.kind}:${finding.message}`}>{finding.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
