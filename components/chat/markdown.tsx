"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { BlockView } from "@/lib/markdown/block-dom";
import type { StreamingMarkdown } from "@/lib/markdown/stream";
import { cx } from "@/components/ui/cx";
import styles from "./markdown.module.css";

type StreamModule = typeof import("@/lib/markdown/stream");

// The renderer pulls in DOMPurify, which on the server means jsdom (11 MB, half a second to load).
// It is therefore only ever imported from an effect, which runs in the browser alone; the module is
// kept here once loaded so later messages render without waiting.
let renderer: StreamModule | null = null;
let loading: Promise<StreamModule> | null = null;

function loadRenderer(): Promise<StreamModule> {
  loading ??= import("@/lib/markdown/stream").then(
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
 * in, it is rendered in an animation frame at most every {@link MIN_RENDER_INTERVAL_MS}, from its
 * latest text, and only its open tail is rendered again: finished blocks are rendered once and
 * their nodes stay (see lib/markdown/stream.ts and block-dom.ts).
 */
export function Markdown({ text }: { text: string }) {
  const { ready, container } = useStreamedMarkdown(text);
  // The plain class names `markdown` and `markdown-plain` style nothing: the render benchmark
  // (scripts/bench/render-browser.ts) finds a reply by them, and tells the rendered one from the plain text.
  if (!ready)
    return (
      <div key="plain" className={cx(styles.markdown, styles.plain, "markdown markdown-plain")}>
        {text}
      </div>
    );
  // React leaves this element's children alone: BlockView fills it with the sanitized blocks.
  return <div key="rendered" className={cx(styles.markdown, "markdown")} ref={container} />;
}

/**
 * Least time between two renders of a streaming reply. Each render changes the page, which the
 * browser then styles, lays out and paints again, and for a long reply that costs more than the
 * render itself. 20 updates a second still read as continuous streaming; with chunks 10 ms apart
 * (`npm run bench:render -- --delay-ms 10`), a render every frame took 13 s of main thread for
 * the 50 KB reply, this 8 s.
 */
const MIN_RENDER_INTERVAL_MS = 50;

/** A scheduled render: waiting out a slow previous render or the interval (timer), or for the next frame. */
type Pending = { kind: "timer" | "frame"; id: number };

/** Whether the rendered blocks can be shown, and the ref that shows them. */
function useStreamedMarkdown(text: string): { ready: boolean; container: (element: HTMLDivElement | null) => void } {
  // Starts false on the server and on the client alike, so hydration sees the same markup.
  const [ready, setReady] = useState(false);
  const latest = useRef(text);
  const pending = useRef<Pending | null>(null);
  const readyAt = useRef(0);
  const mounted = useRef(false);
  const stream = useRef<StreamingMarkdown | null>(null);
  const blocks = useRef<readonly string[]>([]);
  const view = useRef<BlockView | null>(null);

  // A new element (the first render, or React replacing it) starts empty and gets every block.
  const container = useCallback((element: HTMLDivElement | null) => {
    view.current = element === null ? null : new BlockView(element);
    view.current?.show(blocks.current);
  }, []);

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
    const schedule = (module: StreamModule) => {
      if (!mounted.current || pending.current !== null) return;
      const render = () => {
        pending.current = null;
        if (!mounted.current) return;
        const started = performance.now();
        stream.current ??= new module.StreamingMarkdown();
        blocks.current = stream.current.render(latest.current);
        if (view.current !== null) view.current.show(blocks.current);
        else setReady(true);
        // A very long open block can take longer than a frame to render: leave the page at least
        // as much time again before the next render, so typing and scrolling stay responsive.
        const finished = performance.now();
        readyAt.current = finished + Math.max(finished - started, MIN_RENDER_INTERVAL_MS);
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

  return { ready, container };
}

function cancel(pending: Pending | null): void {
  if (pending === null) return;
  if (pending.kind === "frame") cancelAnimationFrame(pending.id);
  else window.clearTimeout(pending.id);
}
