/** A wait as people read it: "42 s" for a short one, "3 min" for a longer one. Used by server and UI. */
export function formatWait(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
