"use client";

import { useCallback, useLayoutEffect, useRef, useState } from "react";

// Within this many pixels of the end counts as "at the bottom": sub-pixel rounding and momentum.
const SLACK_PX = 48;

/**
 * Keeps a scroll container at its end while content grows, unless the reader scrolled up to read
 * something; a new message (a higher `count`) pins it to the end again.
 */
export function useAutoScroll<T extends HTMLElement>({ content, count }: { content: unknown; count: number }) {
  const ref = useRef<T>(null);
  const pinned = useRef(true);
  const lastCount = useRef(count);
  const [away, setAway] = useState(false);

  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK_PX;
    pinned.current = atBottom;
    setAway(!atBottom);
  }, []);

  useLayoutEffect(() => {
    if (count > lastCount.current) pinned.current = true;
    lastCount.current = count;
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [content, count]);

  const jumpToEnd = useCallback(() => {
    // Instant on purpose: the scroll events of a smooth scroll would read as the reader scrolling up.
    pinned.current = true;
    setAway(false);
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  return { ref, onScroll, away, jumpToEnd };
}
