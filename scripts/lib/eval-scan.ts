/**
 * One message through the input side's injection check, as lib/guard/input.ts runs it: the
 * normalised text is scored, with whatever was hidden in Unicode tag characters appended and the count
 * of invisible characters normalisation removed. Shared by
 * `npm run guard -- scan` and `npm run eval:guards`, so the evaluation measures what the tool reports.
 */
import { scoreInjection } from "../../lib/guard/injection/score";
import { decodeTagSmuggling, normalizeInput } from "../../lib/guard/normalize";

export type Verdict = "block" | "flag" | "allow";
export type ScanResult = { verdict: Verdict; score: number; signals: string[] };

/** Thresholds compare with >=, as in lib/guard/input.ts. */
export function scanText({ text, flagAt, blockAt }: { text: string; flagAt: number; blockAt: number }): ScanResult {
  const { text: normalized, removed } = normalizeInput(text);
  const hidden = decodeTagSmuggling(text);
  const { score, signals } = scoreInjection(hidden ? `${normalized}\n${hidden}` : normalized, { invisibleRemoved: removed.zeroWidth + removed.bidi + removed.tags });
  const verdict = score >= blockAt ? "block" : score >= flagAt ? "flag" : "allow";
  return { verdict, score, signals: hidden ? [...signals, "tag_smuggling"] : signals };
}
