/**
 * What a score means for a message. The learned model alone is wrong about new kinds of ordinary
 * requests often enough that it may not refuse one on its own word unless it is all but certain:
 * - block when the score reaches `blockAlone`, or when it reaches `block` and a named signal (a
 *   pattern family: an override, an extraction request, a role-play jailbreak…) agrees;
 * - flag anything from `flag` up, and any message with an all but unmistakable pattern match (a
 *   `strong` signal) whatever its score: audited and still answered, with the fence and the system
 *   prompt doing their work.
 */
import type { InjectionScore } from "./score";

export type InjectionThresholds = { flag: number; block: number; blockAlone: number };
export type InjectionVerdict = "block" | "flag" | "allow";

/** Signals that are the model's own opinion, not an independent pattern: they cannot confirm a block. */
const UNCONFIRMING = new Set(["classifier"]);

export function injectionVerdict({ score, signals, strong = [] }: InjectionScore, thresholds: InjectionThresholds): InjectionVerdict {
  const confirmed = signals.some((s) => !UNCONFIRMING.has(s));
  if (score >= thresholds.blockAlone || (score >= thresholds.block && confirmed)) return "block";
  return score >= thresholds.flag || strong.length > 0 ? "flag" : "allow";
}
