"use client";

import { formatFull, formatRelative } from "./time-format";
import { useNow } from "./use-now";

/** "5 min ago", kept current; blank until the page runs in the browser (the server's clock and zone differ). */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow();
  return (
    <time className={className} dateTime={iso} title={now === null ? undefined : formatFull(iso)}>
      {now === null ? "" : formatRelative({ iso, now })}
    </time>
  );
}
