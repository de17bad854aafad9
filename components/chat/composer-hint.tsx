import hidden from "@/components/ui/visually-hidden.module.css";

const NEAR_LIMIT = 0.8;

/** Keyboard help, then a character count from 80% of the limit, then what to do once over it. */
export function ComposerHint({ length, maxChars }: { length: number; maxChars: number }) {
  const over = length > maxChars;
  const near = length > maxChars * NEAR_LIMIT;
  const count = `${length.toLocaleString("en")} / ${maxChars.toLocaleString("en")}`;

  return (
    <div id="composer-hint" className="composer__hint">
      {over ? (
        <p className="composer__over" data-testid="composer-over-limit">
          {`This message is ${(length - maxChars).toLocaleString("en")} characters too long. Shorten it to send.`}
        </p>
      ) : (
        <p className="composer__keys">
          <kbd>Enter</kbd> to send, <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
        </p>
      )}
      {near ? (
        <p className={over ? "composer__count composer__count--over" : "composer__count"} data-testid="composer-count">
          <span className={hidden.visuallyHidden}>Characters used: </span>
          {count}
        </p>
      ) : null}
    </div>
  );
}
