"use client";

import { BrandMark } from "@/components/brand-mark";
import chat from "./chat.module.css";
import styles from "./empty-state.module.css";

const EXAMPLES = [
  "Explain what a Content-Security-Policy protects against, in plain words",
  "Draft a short, friendly email asking to move a meeting to next week",
  "Compare passkeys and passwords: what changes for the people who use them?",
];

/** The first screen of a new chat: a greeting and a few prompts that fill the composer. */
export function EmptyState({ onPick }: { onPick: (prompt: string) => void }) {
  return (
    <div className={chat.scroll}>
      <section className={styles.empty} aria-labelledby="empty-state-title">
        <BrandMark className={styles.mark} />
        <h2 id="empty-state-title" className={styles.title}>
          What can I help you with?
        </h2>
        <p className={styles.text}>Ask a question, draft some writing, or think an idea through. Try one of these:</p>
        <ul className={styles.examples}>
          {EXAMPLES.map((example) => (
            <li key={example}>
              <button type="button" className={styles.example} onClick={() => onPick(example)}>
                {example}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
