"use client";

import { useEffect, useRef } from "react";
import { CopyButton } from "@/components/chat/copy-button";
import type { RevealedKey } from "./types";
import { buttonClass } from "@/components/ui/button";
import styles from "./key-secret.module.css";

/**
 * The one time a key is seen. Focus moves here so nobody misses it; Done drops the key from
 * memory, and nothing else ever holds it (no storage, no URL, no log).
 */
export function KeySecret({ revealed, onDone }: { revealed: RevealedKey; onDone: () => void }) {
  const titleRef = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves to the title again for each new key revealed.
  useEffect(() => titleRef.current?.focus(), [revealed.key]);

  return (
    <section className={styles.secret} aria-labelledby="key-secret-title" aria-describedby="key-secret-warning" data-testid="api-key-reveal">
      <h2 id="key-secret-title" ref={titleRef} tabIndex={-1} className={styles.title}>
        Your new key for “{revealed.name}”
      </h2>
      <p id="key-secret-warning" className={styles.warning}>
        <strong>Copy this key now. You will not be able to see it again.</strong> Keep it like a password: anyone who has it can use the models as you, within
        the key&apos;s limits, until you revoke it.
      </p>
      <code className={styles.value} data-testid="api-key-secret">
        {revealed.key}
      </code>
      {revealed.note ? <p className={styles.note}>{revealed.note}</p> : null}
      <div className={styles.actions}>
        {/* The chat's copy button, as it is; the wrapper gives the tests a handle on it. */}
        <span data-testid="api-key-copy">
          <CopyButton text={revealed.key} />
        </span>
        <button type="button" className={buttonClass({ tone: "primary", small: true })} onClick={onDone} data-testid="api-key-done">
          Done
        </button>
      </div>
    </section>
  );
}
