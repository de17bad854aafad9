"use client";

import { useEffect, useRef, useState } from "react";
import type { ApiFailure } from "@/components/chat/api-client";
import { ConfirmPanel } from "@/components/confirm-panel";
import { RollStep } from "./roll-step";
import type { RelayKeyView } from "./types";
import { buttonClass } from "@/components/ui/button";
import confirm from "@/components/confirm-panel.module.css";
import styles from "./key-actions.module.css";

type Mode = "idle" | "roll" | "revoke";

type KeyActionsProps = {
  view: RelayKeyView;
  maxGraceHours: number;
  onRoll: (graceHours: number) => Promise<ApiFailure | null>;
  onRevoke: () => Promise<ApiFailure | null>;
};

/**
 * Roll and Revoke for one key, each behind an inline confirmation. Only an active key can be
 * rolled (the server refuses a replaced or expired one); any key can be revoked.
 */
export function KeyActions({ view, maxGraceHours, onRoll, onRevoke }: KeyActionsProps) {
  const [mode, setMode] = useState<Mode>("idle");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rollRef = useRef<HTMLButtonElement>(null);
  const revokeRef = useRef<HTMLButtonElement>(null);
  const cancelled = useRef<"roll" | "revoke" | null>(null);

  // After Cancel, focus goes back to the button that opened the step (after a success it goes to the new key).
  useEffect(() => {
    if (mode !== "idle" || !cancelled.current) return;
    (cancelled.current === "roll" ? rollRef : revokeRef).current?.focus();
    cancelled.current = null;
  }, [mode]);

  const open = (next: Mode) => {
    setError(null);
    setMode(next);
  };
  const cancel = () => {
    if (mode !== "idle") cancelled.current = mode;
    setMode("idle");
  };
  async function run(action: () => Promise<ApiFailure | null>) {
    setPending(true);
    setError(null);
    const failure = await action();
    setPending(false);
    if (failure) setError(failure.message);
    else setMode("idle");
  }

  if (mode === "roll") {
    return (
      <RollStep
        view={view}
        maxGraceHours={maxGraceHours}
        pending={pending}
        error={error}
        onRoll={(graceHours) => void run(() => onRoll(graceHours))}
        onCancel={cancel}
      />
    );
  }
  if (mode === "revoke") {
    return (
      <ConfirmPanel
        label={`Revoke ${view.name}`}
        confirmLabel="Revoke"
        pendingLabel="Revoking…"
        tone="danger"
        pending={pending}
        error={error}
        onConfirm={() => void run(onRevoke)}
        onCancel={cancel}
        confirmTestId="api-key-confirm"
        className={styles.confirm}
      >
        <p className={confirm.text}>Revoke “{view.name}”? It stops working at once, everywhere. This cannot be undone.</p>
      </ConfirmPanel>
    );
  }
  return (
    <div className={styles.actions}>
      {view.status === "active" ? (
        <button
          ref={rollRef}
          type="button"
          className={buttonClass({ tone: "secondary", small: true })}
          onClick={() => open("roll")}
          aria-label={`Roll ${view.name}`}
          data-testid="api-key-roll"
        >
          Roll
        </button>
      ) : null}
      <button
        ref={revokeRef}
        type="button"
        className={buttonClass({ tone: "danger", small: true })}
        onClick={() => open("revoke")}
        aria-label={`Revoke ${view.name}`}
        data-testid="api-key-revoke"
      >
        Revoke
      </button>
    </div>
  );
}
