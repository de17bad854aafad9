"use client";

import { describeReset } from "./time-format";
import type { TokenBudget } from "./types";
import { useNow } from "./use-now";
import { cx } from "@/components/ui/cx";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./budget-meter.module.css";

/**
 * "12,340 tokens left today" with a small meter, and when it resets (local time) as a tooltip and
 * for screen readers. Renders nothing when the budget could not be loaded.
 */
export function BudgetMeter({ budget }: { budget: TokenBudget | null }) {
  const now = useNow();
  if (!budget) return null;
  const { limit, remaining } = budget;
  const reset = now === null ? undefined : describeReset({ iso: budget.resetsAt, now });

  return (
    <div className={cx(styles.budget, remaining <= 0 && styles.empty)} data-testid="token-budget" title={reset}>
      {/* The colours come from low/high: below a quarter left it warns, below a tenth it alarms. */}
      {limit > 0 ? (
        <meter
          className={styles.meter}
          min={0}
          max={limit}
          low={limit * 0.1}
          high={limit * 0.25}
          optimum={limit}
          value={Math.min(remaining, limit)}
          aria-hidden="true"
        />
      ) : null}
      <span>
        <span data-testid="token-budget-remaining">{remaining.toLocaleString("en")}</span> tokens left today
      </span>
      {reset ? <span className={hidden.visuallyHidden}> {reset}</span> : null}
    </div>
  );
}
