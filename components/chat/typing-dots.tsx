import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./typing-dots.module.css";

/** Shown until the first words of a reply arrive, so a slow model does not look like a dead page. */
export function TypingDots() {
  return (
    <p className={styles.typing}>
      <span className={styles.dot} aria-hidden="true" />
      <span className={styles.dot} aria-hidden="true" />
      <span className={styles.dot} aria-hidden="true" />
      <span className={hidden.visuallyHidden}>Bulwark is writing…</span>
    </p>
  );
}
