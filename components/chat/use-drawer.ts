"use client";

import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { useMediaQuery } from "./use-media-query";

/**
 * The phones' width. The chat's CSS Modules change layout at the same `max-width` (the tablet range
 * starts 1px above it); tests/unit/css-modules.test.ts checks that they do.
 */
export const PHONE_QUERY = "(max-width: 720px)";

/** Where focus goes once the drawer has closed: back to its toggle, or somewhere the choice led. */
export type DrawerFocus = "toggle" | RefObject<HTMLElement | null>;

/**
 * The conversation list as a drawer on a phone: a toggle, Escape to close, focus moved into the
 * drawer on opening and, on closing, to the toggle or wherever the caller says. On a wider screen
 * the list is a sidebar that is always there, and `open` stays false.
 */
export function useDrawer() {
  const isPhone = useMediaQuery(PHONE_QUERY);
  const [wanted, setWanted] = useState(false);
  const open = wanted && isPhone;
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const focusAfterClose = useRef<RefObject<HTMLElement | null> | null>(null);

  const close = useCallback(
    ({ focus }: { focus: DrawerFocus }) => {
      const target = focus === "toggle" ? toggleRef : focus;
      // Not open (a wide screen): nothing is inert, so focus can move now.
      if (!open) return void target.current?.focus();
      focusAfterClose.current = target;
      setWanted(false);
    },
    [open],
  );

  const toggle = useCallback(() => setWanted((current) => !current), []);

  // Focus moves only after the render: until then the rest of the page is still inert.
  useEffect(() => {
    if (open) panelRef.current?.focus();
    else focusAfterClose.current?.current?.focus();
    focusAfterClose.current = null;
  }, [open]);

  // On the document, so Escape works wherever focus is; an editor that uses Escape itself stops it.
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      event.preventDefault();
      close({ focus: "toggle" });
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open, close]);

  // A drawer left open while the window grew would reopen by surprise when it shrinks again.
  useEffect(() => {
    if (!isPhone) setWanted(false);
  }, [isPhone]);

  return { open, toggle, close, toggleRef, panelRef };
}
