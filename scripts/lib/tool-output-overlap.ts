/**
 * Whether an attack this evaluation calls held out is really new to the detector: does its text share
 * a run of RUN_WORDS words with a row the shipped model learned from, as an attack or as an ordinary
 * text (an attack phrase learned as ordinary would lower its score)?
 */
import { isTrainable, loadCorpus } from "./injection-corpus";
import type { Overlap } from "./tool-output-tables";

export const RUN_WORDS = 8;

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The runs of RUN_WORDS words of a text; a shorter text is one run of itself. */
function runs(text: string): string[] {
  const w = words(text);
  if (w.length <= RUN_WORDS) return [w.join(" ")];
  return Array.from({ length: w.length - RUN_WORDS + 1 }, (_, i) => w.slice(i, i + RUN_WORDS).join(" "));
}

export function overlaps({ sets, dataDir, repoRoot }: { sets: { name: string; texts: string[] }[]; dataDir: string; repoRoot: string }): Overlap[] {
  const wanted = new Set(sets.flatMap((s) => s.texts.flatMap(runs)));
  const short = [...wanted].filter((run) => run !== "" && run.split(" ").length < RUN_WORDS);
  const found = { attack: new Set<string>(), ordinary: new Set<string>() };
  for (const row of loadCorpus({ dataDir, repoRoot }).filter(isTrainable)) {
    const into = row.attack ? found.attack : found.ordinary;
    const w = words(row.text);
    for (let i = 0; i + RUN_WORDS <= w.length; i++) {
      const run = w.slice(i, i + RUN_WORDS).join(" ");
      if (wanted.has(run)) into.add(run);
    }
    // A short attack counts if it appears whole inside a row, at word boundaries.
    const padded = ` ${w.join(" ")} `;
    for (const run of short) if (padded.includes(` ${run} `)) into.add(run);
  }
  const shares = (texts: string[], set: Set<string>) => texts.filter((t) => runs(t).some((r) => set.has(r))).length;
  return sets.map(({ name, texts }) => ({ name, attacks: texts.length, withAttack: shares(texts, found.attack), withOrdinary: shares(texts, found.ordinary) }));
}
