"use client";

import { attachmentUrl } from "./attachments-api";
import { formatBytes } from "@/lib/format-bytes";
import type { AttachmentRef, AttachmentType } from "./types";
import styles from "./attachment-list.module.css";

const TYPE_LABELS = {
  "text/plain": "Text",
  "text/markdown": "Markdown",
  "text/csv": "CSV",
  "application/json": "JSON",
  "application/pdf": "PDF",
} as const satisfies Record<AttachmentType, string>;

/**
 * The documents a message carried, as downloads: the server sends each as an attachment, and the
 * page never shows one inline. Loaded when a message with documents is first shown.
 */
export function AttachmentList({ attachments }: { attachments: AttachmentRef[] }) {
  return (
    <ul className={styles.list} aria-label="Documents" data-testid="message-attachments">
      {attachments.map((attachment) => (
        <li key={attachment.id}>
          <a className={styles.link} href={attachmentUrl(attachment.id)} download={attachment.name} data-testid="message-attachment">
            <span className={styles.name}>{attachment.name}</span>
            <span className={styles.meta}>
              {TYPE_LABELS[attachment.type]}, {formatBytes(attachment.size)}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
