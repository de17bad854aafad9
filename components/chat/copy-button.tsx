"use client";

import { useEffect, useState } from "react";
import { buttonClass } from "@/components/ui/button";

type CopyState = "idle" | "copied" | "failed";

const LABELS: Record<CopyState, string> = { idle: "Copy", copied: "Copied", failed: "Copy failed" };

/** Copies the reply's markdown source, which is what people paste into documents and editors. */
export function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      // Missing on plain-HTTP origins other than localhost: report it instead of doing nothing.
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <button type="button" className={buttonClass({ tone: "quiet", small: true })} onClick={() => void copy()}>
      <span aria-live="polite">{LABELS[state]}</span>
    </button>
  );
}
