import type { RefusalReason } from "@/lib/usage/store";

/**
 * How the dashboard writes its figures. Money arrives in millionths of a dollar and is shown
 * exactly, down to the micro-dollar, so the page says what the usage records say.
 */
const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 6 });
const count = new Intl.NumberFormat("en-US");

export const formatUsd = (microUsd: number) => usd.format(microUsd / 1e6);

export const formatCount = (n: number) => count.format(n);

/** A whole percentage, with "<1%" rather than a misleading 0% for a little spend. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return "–";
  const percent = (part / whole) * 100;
  return percent > 0 && percent < 1 ? "<1%" : `${Math.round(percent)}%`;
}

/** `2026-11-22 14:03 UTC`: the dashboard works in UTC, as budgets and usage days do. */
export const formatTime = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** A stand-in for a user the directory cannot name: the start of their store hash. */
export const shortKey = (userKey: string) => `${userKey.slice(0, 8)}…`;

export const REFUSAL_LABELS = {
  rate_limited: "rate limit",
  too_many_streams: "concurrent replies",
  token_budget_exhausted: "token budget",
  spend_cap_reached: "spend cap",
  prompt_rejected: "injection guard",
  personal_data_rejected: "personal data guard",
} as const satisfies Record<RefusalReason, string>;
