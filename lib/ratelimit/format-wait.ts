/**
 * A wait as people read it: "42 s" for a short one, "3 min" for a longer one, "5 h 12 min" past an
 * hour (a daily budget resets hours away). Used by server and UI.
 */
export function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
