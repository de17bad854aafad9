"use client";

import { useEffect, useRef, useState } from "react";

type RenderModule = typeof import("@/lib/markdown/render");

// The renderer pulls in DOMPurify, which on the server means jsdom (11 MB, half a second to load).
// It is therefore only ever imported from an effect, which runs in the browser alone; the module is
// kept here once loaded so later messages render without waiting.
let renderer: RenderModule | null = null;
let loading: Promise<RenderModule> | null = null;

function loadRenderer(): Promise<RenderModule> {
  loading ??= import("@/lib/markdown/render").then(
    (module) => {
      renderer = module;
      return module;
    },
    (error: unknown) => {
      // A failed chunk load is retried by the next message instead of being cached as failed.
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * An assistant reply rendered as sanitized markdown. Until the renderer has loaded in the
 * browser (and during server rendering) the reply is shown as plain text. While a reply streams
 * in, it is rendered at most once per animation frame, always from its latest text.
 */
export function Markdown({ text }: { text: string }) {
  const html = useThrottledMarkdown(text);
  if (html === null) return <div className="markdown markdown-plain">{text}</div>;
  // Safe by construction: renderMarkdown only emits the elements and attributes of its policy.
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

/** A scheduled render: waiting out a slow previous render (timer), or for the next frame. */
type Pending = { kind: "timer" | "frame"; id: number };

/** The HTML for `text`, or null until the renderer is available. */
function useThrottledMarkdown(text: string): string | null {
  // Starts null on the server and on the client alike, so hydration sees the same markup.
  const [html, setHtml] = useState<string | null>(null);
  const latest = useRef(text);
  const pending = useRef<Pending | null>(null);
  const readyAt = useRef(0);
  const mounted = useRef(false);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      cancel(pending.current);
      pending.current = null;
    };
  }, []);

  useEffect(() => {
    latest.current = text;
    // A render already scheduled reads the latest text when it runs; scheduling one per chunk
    // would keep postponing it while chunks arrive faster than frames.
    const schedule = (module: RenderModule) => {
      if (!mounted.current || pending.current !== null) return;
      const render = () => {
        pending.current = null;
        if (!mounted.current) return;
        const started = performance.now();
        setHtml(module.renderMarkdown(latest.current));
        // A very long reply can take longer than a frame to render: leave the page at least as
        // much time again before the next render, so typing and scrolling stay responsive.
        const finished = performance.now();
        readyAt.current = finished + (finished - started);
      };
      const frame = () => {
        pending.current = { kind: "frame", id: requestAnimationFrame(render) };
      };
      const wait = readyAt.current - performance.now();
      if (wait > 0) pending.current = { kind: "timer", id: window.setTimeout(frame, wait) };
      else frame();
    };
    if (renderer) schedule(renderer);
    else
      loadRenderer().then(schedule, () => {
        // Stay on plain text: still readable, and nothing unsanitized reaches the page.
      });
  }, [text]);

  return html;
}

function cancel(pending: Pending | null): void {
  if (pending === null) return;
  if (pending.kind === "frame") cancelAnimationFrame(pending.id);
  else window.clearTimeout(pending.id);
}
