/**
 * The client's address, for limits on anonymous routes (sign-in). Only a second key: limits on
 * signed-in routes are keyed by user. Takes the right-most X-Forwarded-For entry, the one added by the
 * proxy in front of the app (or by Next.js itself from the socket when no proxy sent one); entries
 * further left are whatever the client claimed.
 */
export function clientIp(headers: { get(name: string): string | null }): string {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
  return last || headers.get("x-real-ip")?.trim() || "unknown";
}
