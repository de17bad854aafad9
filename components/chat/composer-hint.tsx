import { cx } from "@/components/ui/cx";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./composer-hint.module.css";

const NEAR_LIMIT = 0.8;

/** Keyboard help, then a character count from 80% of the limit, then what to do once over it. */
export function ComposerHint({ length, maxChars }: { length: number; maxChars: number }) {
  const over = length > maxChars;
  const near = length > maxChars * NEAR_LIMIT;
  const count = `${length.toLocaleString("en")} / ${maxChars.toLocaleString("en")}`;

  return (
    <div id="composer-hint" className={styles.hint}>
      {over ? (
        <p className={styles.over} data-testid="composer-over-limit">
          {`This message is ${(length - maxChars).toLocaleString("en")} characters too long. Shorten it to send.`}
        </p>
      ) : (
        <p className={styles.keys}>
          <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
        </p>
      )}
      {near ? (
        <p className={cx(styles.count, over && styles.countOver)} data-testid="composer-count">
          <span className={hidden.visuallyHidden}>Characters used: </span>
          {count}
        </p>
      ) : null}
    </div>
  );
}
