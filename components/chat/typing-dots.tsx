import hidden from "@/components/ui/visually-hidden.module.css";

/** Shown until the first words of a reply arrive, so a slow model does not look like a dead page. */
export function TypingDots() {
  return (
    <p className="typing">
      <span className="typing__dot" aria-hidden="true" />
      <span className="typing__dot" aria-hidden="true" />
      <span className="typing__dot" aria-hidden="true" />
      <span className={hidden.visuallyHidden}>Bulwark is writing…</span>
    </p>
  );
}
