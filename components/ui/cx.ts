/** Joins the class names that apply: `cx(styles.item, current && styles.current)`. */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}
