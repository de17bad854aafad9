/**
 * Figures and tables for the guard evaluation: one table shape, printed as aligned text on the
 * terminal and as markdown in the report.
 */

export type Table = { title: string; headers: string[]; rows: string[][]; notes?: string[] };

/** A stated target and whether the measured figure meets it. */
/**
 * A target of the brief, or (`check`) a stricter measure this project adds beside one, such as recall
 * on attacks the model never learned from: reported with the targets, not counted as one.
 */
export type Target = { area: string; target: string; measured: string; met: boolean; check?: boolean };

/** Nearest-rank percentile (p in 0..1) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** "0.953 (123/129)", or "–" with nothing to divide by. */
export function rate({ hits, total }: { hits: number; total: number }): string {
  return total === 0 ? "–" : `${(hits / total).toFixed(3)} (${hits}/${total})`;
}

export function share({ hits, total }: { hits: number; total: number }): number {
  return total === 0 ? Number.NaN : hits / total;
}

export function ms(value: number): string {
  return Number.isNaN(value) ? "–" : `${value.toFixed(3)} ms`;
}

/** Milliseconds around a synchronous call. */
export function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

/** A one-line markdown code span around any text: newlines shown as ↵, a fence longer than any run of backticks in it. */
export function code(raw: string): string {
  const text = raw.replace(/\r?\n/g, "↵");
  const fence = "`".repeat(Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length)) + 1);
  return `${fence}${text.startsWith("`") || text.endsWith("`") ? ` ${text} ` : text}${fence}`;
}

/** Figures are right-aligned, words left-aligned. */
function numericColumns(table: Table): boolean[] {
  return table.headers.map((_, i) => table.rows.every((row) => /^[\d–]/.test(row[i] ?? "")));
}

export function tableText(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => (row[i] ?? "").length)));
  const numeric = numericColumns(table);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [table.title, line(table.headers), widths.map((w) => "-".repeat(w)).join("  "), ...table.rows.map(line)];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join("\n");
}

export function tableMarkdown(table: Table, { title = true }: { title?: boolean } = {}): string {
  const escapeCell = (cell: string) => cell.replaceAll("|", "\\|");
  const out = [
    `| ${table.headers.map(escapeCell).join(" | ")} |`,
    `|${numericColumns(table)
      .map((right) => (right ? "---:" : "---"))
      .join("|")}|`,
    ...table.rows.map((row) => `| ${row.map(escapeCell).join(" | ")} |`),
  ];
  return `${title ? `**${table.title}**\n\n` : ""}${out.join("\n")}${(table.notes ?? []).map((note) => `\n\n${note}`).join("")}`;
}

export function targetsTable(targets: readonly Target[]): Table {
  return {
    title: "Targets",
    headers: ["area", "target", "measured", "met"],
    rows: targets.map((t) => [t.check ? `${t.area} (check)` : t.area, t.target, t.measured, t.check ? (t.met ? "yes" : "no") : t.met ? "yes" : "NO"]),
  };
}
