/**
 * Rates over groups and the choice of the shipped thresholds. A rate is the mean of each group's own
 * rate (macro), so a source with thousands of easy rows (maths questions) cannot hide what happens to
 * a source of a few hundred hard ones (security questions, role-play).
 */
import type { InjectionThresholds } from "../../lib/guard/injection/policy";
import { injectionVerdict } from "../../lib/guard/injection/policy";
import type { RowScore } from "./injection-loso";

export function macroRate<T>(rows: readonly { group: string; value?: T; score?: T }[], hit: (value: T) => boolean): number {
  const by = new Map<string, { hits: number; n: number }>();
  for (const row of rows) {
    const value = (row.value ?? row.score) as T;
    const s = by.get(row.group) ?? { hits: 0, n: 0 };
    s.n++;
    if (hit(value)) s.hits++;
    by.set(row.group, s);
  }
  if (by.size === 0) return 0;
  let sum = 0;
  for (const s of by.values()) sum += s.hits / s.n;
  return sum / by.size;
}

/**
 * The shipped thresholds, chosen on held-out predictions for the ordinary rows the model learns from
 * (each group scored by the model trained without it). Those groups are the hard ones on purpose
 * (hard negatives with "ignore", "password", "system"; role-play; persona prompts; security questions;
 * long documents), so the rates are set for them, not for easy traffic:
 * - flag where at most 2 % of them would be flagged (audit only: the message is still answered);
 * - block, when a named signal agrees, where at most 0.2 % would be blocked;
 * - block on the model's word alone where at most 0.05 % would be.
 * Floors keep each threshold meaningful as a probability at the prior (one message in ten an attack):
 * blocking alone needs near certainty.
 */
export const THRESHOLD_POLICY = {
  flagRate: 0.02,
  blockRate: 0.002,
  aloneRate: 0.0005,
  flagFloor: 0.2,
  blockFloor: 0.5,
  aloneFloor: 0.95,
} as const;

const steps = (from: number) => Array.from({ length: Math.round((0.999 - from) / 0.001) + 1 }, (_, i) => Number((from + i * 0.001).toFixed(3)));

export function chooseThresholds(benign: readonly { group: string; score: RowScore }[]): InjectionThresholds {
  const P = THRESHOLD_POLICY;
  const rate = (t: InjectionThresholds, verdicts: string[]) => macroRate(benign, (s: RowScore) => verdicts.includes(injectionVerdict(s, t)));
  const blockAlone = steps(P.aloneFloor).find((t) => macroRate(benign, (s: RowScore) => s.score >= t) <= P.aloneRate) ?? 0.999;
  const block = steps(P.blockFloor).find((t) => t <= blockAlone && rate({ flag: t, block: t, blockAlone }, ["block"]) <= P.blockRate) ?? blockAlone;
  const flag = steps(P.flagFloor).find((t) => t <= block && rate({ flag: t, block, blockAlone }, ["flag", "block"]) <= P.flagRate) ?? block;
  return { flag, block, blockAlone };
}
