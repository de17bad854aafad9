"use client";

import { useSyncExternalStore } from "react";

const TICK_MS = 30_000;

function subscribe(onChange: () => void): () => void {
  const timer = setInterval(onChange, TICK_MS);
  return () => clearInterval(timer);
}

// Rounded to the tick, so repeated reads within one tick return the same value (a stable snapshot).
const now = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;

/**
 * The current time (epoch ms, to the half minute), or null while rendering on the server and during
 * hydration: relative times and local clock times differ between server and browser, so they are
 * only shown once the page runs in the browser.
 */
export function useNow(): number | null {
  return useSyncExternalStore<number | null>(subscribe, now, () => null);
}
