import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * docs/benchmarks.md is written by several commands, each owning one section between markers
 * (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`), so one command regenerates its figures without
 * touching the others'. A section that is not there yet is added at the end.
 */
export const BENCHMARKS_FILE = path.resolve(__dirname, "../../docs/benchmarks.md");

const HEADER = `# Benchmarks

What the secure pipeline costs, measured on the machine named in each section. Every section is
written by the command it names; run it again to regenerate it. None of these are part of
\`npm test\`'s pass/fail (a busy machine must not fail CI), except the page-weight budget, which is
deterministic.
`;

export function writeSection(name: string, markdown: string, file = BENCHMARKS_FILE): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const current = existsSync(file) ? readFileSync(file, "utf8") : HEADER;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next = start >= 0 && end > start ? `${current.slice(0, start)}${block}${current.slice(end + close.length)}` : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** The machine and versions, for the top of a section. */
export function machineLine(extra: Record<string, string> = {}): string {
  const cpus = os.cpus();
  const parts = {
    machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    ...extra,
  };
  return Object.entries(parts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(" · ");
}

/** The p-th percentile (0–100) of `values`, nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
