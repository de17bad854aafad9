"use client";

import { useEffect, useEffectEvent, useState } from "react";

const secondsUntil = (until: number | undefined) => (until === undefined ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000)));

/**
 * Whole seconds left until `until` (epoch ms), refreshed a few times a second so the display never
 * lags a tick behind; calls `onDone` once at zero. Mount with a new `key` for a new deadline.
 */
export function useCountdown({ until, onDone }: { until: number | undefined; onDone: () => void }): number {
  const [left, setLeft] = useState(() => secondsUntil(until));
  const finish = useEffectEvent(onDone);

  useEffect(() => {
    if (until === undefined) return;
    const timer = setInterval(() => {
      const next = secondsUntil(until);
      setLeft(next);
      if (next === 0) {
        clearInterval(timer);
        finish();
      }
    }, 250);
    return () => clearInterval(timer);
  }, [until]);

  return left;
}
