import { cx } from "@/components/ui/cx";
import styles from "./brand-mark.module.css";

/** The Bulwark shield, drawn inline so the page needs no image from anywhere; `className` may size it. */
export function BrandMark({ className }: { className?: string }) {
  return (
    <svg className={cx(styles.mark, className)} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path className={styles.shield} d="M12 2 4 5.2v6.1c0 4.9 3.4 9.3 8 10.7 4.6-1.4 8-5.8 8-10.7V5.2L12 2Z" />
      <path className={styles.check} d="m8.4 12.2 2.5 2.5 4.8-5.2" />
    </svg>
  );
}
