import styles from "./badge.module.css";
import { cx } from "./cx";

export type BadgeTone = "plain" | "accent" | "warning" | "danger";

const TONES = { plain: undefined, accent: styles.accent, warning: styles.warning, danger: styles.danger } satisfies Record<BadgeTone, string | undefined>;

/** The classes of a badge in a tone. */
export function badgeClass(tone: BadgeTone = "plain"): string {
  return cx(styles.badge, TONES[tone]);
}
