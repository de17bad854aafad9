"use client";

import type { ChatError } from "./types";
import { formatWait } from "@/lib/ratelimit/format-wait";
import { useCountdown } from "./use-countdown";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./error-banner.module.css";

type ErrorBannerProps = { error: ChatError; onDismiss: () => void };

/**
 * The server's message, word for word. Any refusal with a wait (a rate limit, a busy store, a spent
 * daily budget) becomes a countdown that clears itself; screen readers get the message once rather
 * than a new alert every second.
 */
export function ErrorBanner({ error, onDismiss }: ErrorBannerProps) {
  const left = useCountdown({ until: error.retryAt, onDone: onDismiss });
  const live = error.retryAt === undefined ? null : withWait({ message: error.message, seconds: left });

  return (
    <div className={styles.banner} role="alert" data-testid="chat-error">
      <p className={styles.text}>
        {live === null ? (
          error.message
        ) : (
          <>
            <span aria-hidden="true">{live}</span>
            <span className={hidden.visuallyHidden}>{error.message}</span>
          </>
        )}
      </p>
      <button type="button" className={styles.dismiss} onClick={onDismiss} aria-label="Dismiss error">
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}

// A wait as the server writes it: "12 s", "5 min", "3 h", "5 h 12 min" (an hours part first, whole).
const WAIT = /\d+\s*(?:h|hours?)\b(?:\s*\d+\s*(?:min|minutes?)\b)?|\d+\s*(?:s|sec|seconds?|min|minutes?)\b/;

/** Puts the live wait into the server's sentence ("…try again in 12 s." or "…in 5 h 12 min."), or after it if it has none. */
function withWait({ message, seconds }: { message: string; seconds: number }): string {
  const wait = formatWait(seconds);
  return WAIT.test(message) ? message.replace(WAIT, wait) : `${message} (${wait})`;
}
