import { formatWait } from "@/lib/ratelimit/format-wait";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then a date: short, for a narrow list. */
export function formatRelative({ iso, now }: { iso: string; now: number }): string {
  const then = Date.parse(iso);
  const ago = Math.max(0, now - then);
  if (ago < MINUTE) return "just now";
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return "yesterday";
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} days ago`;
  const sameYear = new Date(then).getFullYear() === new Date(now).getFullYear();
  return new Date(then).toLocaleDateString(undefined, { month: "short", day: "numeric", ...(sameYear ? {} : { year: "numeric" }) });
}

/** The full local date and time, for a tooltip. */
export function formatFull(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "Resets at 01:00 your time, in 5 h 12 min." (the budget resets at 00:00 UTC, which few people think in). */
export function describeReset({ iso, now }: { iso: string; now: number }): string {
  const at = Date.parse(iso);
  const time = new Date(at).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  return seconds > 0 ? `Resets at ${time} your time, in ${formatWait(seconds)}.` : "Resets now.";
}
