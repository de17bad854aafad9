"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

// Within this many pixels of the end counts as "at the bottom": sub-pixel rounding and momentum.
const SLACK_PX = 48;

/**
 * Keeps a scroll container (`ref`) at its end while its content (`contentRef`) grows, unless the
 * reader scrolled up to read something; a new message (a higher `count`) pins it to the end again.
 *
 * Growth is followed with a ResizeObserver rather than after each React render: a streaming
 * reply's markdown is drawn outside React, in a later frame (components/chat/markdown.tsx), so a
 * scroll after the render came one update late (after the last one, never) and read the layout on
 * every render whether or not anything had been drawn. The observer runs after layout, in the
 * frame that shows the new text, and only when a size changed.
 */
export function useAutoScroll<T extends HTMLElement, C extends HTMLElement>({ count }: { count: number }) {
  const ref = useRef<T>(null);
  const contentRef = useRef<C>(null);
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
  }, [count]);

  // The container too: when it shrinks (the composer grows a row, the window gets shorter), the
  // end it was pinned to moves down.
  useEffect(() => {
    const el = ref.current;
    const content = contentRef.current;
    if (!el || !content) return;
    const observer = new ResizeObserver(() => {
      if (pinned.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const jumpToEnd = useCallback(() => {
    // Instant on purpose: the scroll events of a smooth scroll would read as the reader scrolling up.
    pinned.current = true;
    setAway(false);
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  return { ref, contentRef, onScroll, away, jumpToEnd };
}
