/**
 * One message through the input side's injection check, as lib/guard/input.ts runs it: the
 * normalised text is scored, with whatever was hidden in Unicode tag characters appended (and also
 * scored alone: score.ts's analyseInjection) and the count of invisible characters normalisation
 * removed. Shared by `npm run guard -- scan`, `npm run eval:guards` and the training script, so the
 * evaluation measures what the tool reports and the model learns from what the route scores.
 */
import { injectionVerdict, type InjectionThresholds, type InjectionVerdict } from "../../lib/guard/injection/policy";
import { messageText, scoreMessage, type Scorer } from "../../lib/guard/injection/score";
import { decodeTagSmuggling, normalizeInput } from "../../lib/guard/normalize";

export type Verdict = InjectionVerdict;
export type ScanResult = { verdict: Verdict; score: number; signals: string[] };

/**
 * The text the scorer reads (the visible text normalised, what was hidden in tag characters appended),
 * its two parts, and how many invisible characters normalisation removed.
 */
export function scanInput(text: string): { text: string; visible: string; hidden: string; invisibleRemoved: number } {
  const { text: visible, removed } = normalizeInput(text);
  const hidden = decodeTagSmuggling(text);
  return { text: messageText(visible, hidden), visible, hidden, invisibleRemoved: removed.zeroWidth + removed.bidi + removed.tags };
}

/** Thresholds compare with >=, as in lib/guard/input.ts. */
export function scanText({ text, thresholds, scorer }: { text: string; thresholds: InjectionThresholds; scorer?: Scorer }): ScanResult {
  const { visible, hidden, invisibleRemoved } = scanInput(text);
  const scored = scoreMessage(visible, hidden, { invisibleRemoved, scorer });
  return { verdict: injectionVerdict(scored, thresholds), score: scored.score, signals: scored.signals };
}
