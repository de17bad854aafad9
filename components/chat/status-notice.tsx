"use client";

/**
 * A quiet confirmation ("Deleted 3 conversations."). The live region is always in the page, so
 * screen readers announce the message when it appears.
 */
export function StatusNotice({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  return (
    <div role="status" className="status-region">
      {message ? (
        <div className="status-notice">
          <p className="status-notice__text" data-testid="status-message">
            {message}
          </p>
          <button type="button" className="status-notice__dismiss" onClick={onDismiss} aria-label="Dismiss message">
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}
