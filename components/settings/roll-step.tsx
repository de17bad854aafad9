"use client";

import { useState } from "react";
import { ConfirmPanel } from "@/components/confirm-panel";
import { RELAY_KEY_LIMITS } from "@/lib/api-keys/limits";
import { GRACE_CHOICES } from "./key-format";
import type { RelayKeyView } from "./types";
import { cx } from "@/components/ui/cx";
import field from "@/components/ui/field.module.css";
import confirm from "@/components/confirm-panel.module.css";
import styles from "./key-actions.module.css";

type RollStepProps = {
  view: RelayKeyView;
  maxGraceHours: number;
  pending: boolean;
  error: string | null;
  onRoll: (graceHours: number) => void;
  onCancel: () => void;
};

/** Roll's confirmation, with how long the old key keeps working so apps can switch without a gap. */
export function RollStep({ view, maxGraceHours, pending, error, onRoll, onCancel }: RollStepProps) {
  const graces = GRACE_CHOICES.filter((c) => c.hours <= maxGraceHours);
  const fallback = RELAY_KEY_LIMITS.defaultGraceHours;
  const [grace, setGrace] = useState<number>(graces.some((c) => c.hours === fallback) ? fallback : 0);
  const graceId = `api-key-grace-${view.id}`;

  return (
    <ConfirmPanel
      label={`Roll ${view.name}`}
      confirmLabel="Roll key"
      pendingLabel="Rolling…"
      tone="primary"
      pending={pending}
      error={error}
      onConfirm={() => onRoll(grace)}
      onCancel={onCancel}
      confirmTestId="api-key-roll-confirm"
      className={styles.confirm}
    >
      <p className={confirm.text}>A new key with the same settings replaces this one. Your apps need the new key.</p>
      <label htmlFor={graceId} className={confirm.label}>
        The old key keeps working for
      </label>
      <select
        id={graceId}
        className={cx(field.input, confirm.select)}
        value={grace}
        onChange={(e) => setGrace(Number(e.target.value))}
        disabled={pending}
        data-testid="api-key-grace"
      >
        {graces.map((c) => (
          <option key={c.hours} value={c.hours}>
            {c.label}
          </option>
        ))}
      </select>
    </ConfirmPanel>
  );
}
