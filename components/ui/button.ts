import styles from "./button.module.css";
import { cx } from "./cx";

export type ButtonTone = "primary" | "secondary" | "quiet" | "danger";

const TONES = { primary: styles.primary, secondary: styles.secondary, quiet: styles.quiet, danger: styles.danger } satisfies Record<
  ButtonTone,
  string | undefined
>;

/** The classes of a button, or of a link that looks like one: a tone, and optionally small or as wide as its box. */
export function buttonClass({ tone, small = false, block = false }: { tone: ButtonTone; small?: boolean; block?: boolean }): string {
  return cx(styles.button, TONES[tone], small && styles.small, block && styles.block);
}

/** The classes of a square button holding one icon; `danger` reddens the icon on hover. */
export function iconButtonClass({ danger = false }: { danger?: boolean } = {}): string {
  return cx(styles.iconButton, danger && styles.iconDanger);
}
