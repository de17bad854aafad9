"use client";

import styles from "./status-notice.module.css";

/**
 * A quiet confirmation ("Deleted 3 conversations."). The live region is always in the page, so
 * screen readers announce the message when it appears.
 */
export function StatusNotice({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  return (
    <div role="status">
      {message ? (
        <div className={styles.notice}>
          <p className={styles.text} data-testid="status-message">
            {message}
          </p>
          <button type="button" className={styles.dismiss} onClick={onDismiss} aria-label="Dismiss message">
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}
