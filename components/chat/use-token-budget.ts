"use client";

import { useCallback, useEffect, useState } from "react";
import type { TokenBudget } from "./types";
import { getUsage } from "./usage-api";

// setTimeout holds at most about 24.8 days; a reset is never more than a day away anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The daily token budget shown in the header: from the page or `GET /api/usage`, then from each
 * reply's `done` event. Null when it could not be loaded: the header then leaves it out.
 */
export function useTokenBudget({ initial }: { initial?: TokenBudget }) {
  const [budget, setBudget] = useState<TokenBudget | null>(initial ?? null);

  const reload = useCallback(async (signal?: AbortSignal) => {
    const result = await getUsage({ signal });
    // A failed refresh keeps the last known budget: slightly stale beats vanishing.
    if (result.ok && !signal?.aborted) setBudget(result.data);
  }, []);

  const rendered = initial !== undefined;
  useEffect(() => {
    if (rendered) return;
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [rendered, reload]);

  // At the daily reset the budget is full again: fetch it rather than show yesterday's zero.
  const resetsAt = budget?.resetsAt;
  useEffect(() => {
    if (!resetsAt) return;
    const wait = Date.parse(resetsAt) - Date.now() + 1_000;
    if (wait <= 0 || wait > MAX_TIMER_MS) return;
    const timer = setTimeout(() => void reload(), wait);
    return () => clearTimeout(timer);
  }, [resetsAt, reload]);

  /** The server refused a message for the daily budget: nothing is left until `resetsAt`. */
  const exhaust = useCallback(
    (resetsAt?: string) => {
      // Without a known limit there is nothing to zero: ask the server instead.
      if (!budget) return void reload();
      setBudget({ ...budget, used: budget.limit, remaining: 0, resetsAt: resetsAt ?? budget.resetsAt });
    },
    [budget, reload],
  );

  const update = useCallback((next: TokenBudget) => setBudget(next), []);

  return { budget, update, reload, exhaust };
}
