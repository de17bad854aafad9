/**
 * The number that predicts production: leave-one-source-out. For each group of sources the model may
 * learn from, a model trained without it (and a stack fitted without it) scores it; groups the model
 * never learns from (test-only licences, this project's test suites) are scored by the shipped model.
 * Recall is read at the threshold where the same model flags at most 1 % (or 2 %) of ordinary text it
 * never saw: the held-out group's own benign rows and every benign group no model learns from, each
 * group counting equally (macro).
 */
import type { Analysis, Calibration, Scorer } from "../../lib/guard/injection/score";
import { isTrainable } from "./injection-corpus";
import { fitStackWithout, scorerOf, scoreWith, stackPoints, type RowScore } from "./injection-loso";
import { lengthBucket, LENGTH_BUCKETS, type Prepared, type Trained } from "./injection-train";
import { macroRate } from "./injection-thresholds";

export const LOSO_FPRS = [0.01, 0.02] as const;

export type HeldOutScore = { p: Prepared; s: RowScore; fold: string; thresholds: number[] };
export type LosoResult = {
  /** every row of every group, scored by a model that never saw its group */
  scored: HeldOutScore[];
  /**
   * per attack group: recall at each LOSO_FPRS threshold, and the thresholds; `rulesRecall` is the
   * baseline's recall, read the same way (see {@link rulesScore})
   */
  groups: {
    group: string;
    attacks: number;
    benign: number;
    recall: number[];
    benignRate: number[];
    thresholds: number[];
    learned: boolean;
    rulesRecall: number[];
  }[];
  macro: number[];
};

/**
 * The baseline a deployer would otherwise run: the hand-written pattern signals alone (instruction
 * overrides, extraction, role-play jailbreaks, template tokens, fake turns, obfuscation; decoded
 * payloads too), combined as independent evidence, with no learned model. Nothing in it is trained
 * (it was written by hand); its thresholds are read on the same benign pool as the model's.
 */
export function rulesScore(analysis: Analysis): number {
  let keep = 1;
  for (const strength of Object.values(analysis.strengths)) keep *= 1 - (strength ?? 0);
  let score = 1 - keep;
  for (const { analysis: inner } of analysis.payloads) score = Math.max(score, rulesScore(inner));
  return score;
}

/** The smallest score threshold at which the macro rate of `benign` scoring at or above it is ≤ fpr. */
export function thresholdAtFpr(benign: readonly { group: string; score: number }[], fpr: number): number {
  const candidates = [...new Set(benign.map((b) => b.score))].sort((a, b) => a - b);
  // A binary search would do; the rates are monotone in t. Linear over distinct scores is fast enough.
  let lo = 0;
  let hi = candidates.length;
  const rateAt = (t: number) => macroRate(benign, (s: number) => s >= t);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rateAt(nextAbove(candidates, mid)) <= fpr) hi = mid;
    else lo = mid + 1;
  }
  return nextAbove(candidates, lo);
}

/** A threshold just above candidates[i] (so that score i itself is not counted), or just above 1. */
function nextAbove(candidates: number[], i: number): number {
  if (i <= 0) return candidates[0] ?? 0;
  const below = candidates[i - 1] ?? 0;
  return below + 1e-12;
}

export function evaluateLoso({
  prepared,
  folds,
  shipped,
  shippedCal,
  modelNamedAt,
}: {
  prepared: Prepared[];
  folds: Map<string, Trained>;
  shipped: Trained;
  shippedCal: Calibration;
  modelNamedAt: number;
}): LosoResult {
  const points = stackPoints({ prepared, folds });
  const global = fitStackWithout({ points, group: null });
  // Groups with no learnable row: the held-out benign pool every threshold is read on.
  const learnedGroups = new Set(prepared.filter((p) => isTrainable(p.row)).map((p) => p.row.group));
  const pool = prepared.filter((p) => !learnedGroups.has(p.row.group) && !p.row.attack);
  const groups = [...new Set(prepared.map((p) => p.row.group))].sort();
  const scored: HeldOutScore[] = [];
  const result: LosoResult["groups"] = [];

  const shippedScorer: Scorer = scorerOf(shipped, shippedCal);
  const poolShipped = pool.map((p) => ({ p, s: scoreWith(p, shippedScorer, modelNamedAt) }));
  const shippedThresholds = LOSO_FPRS.map((fpr) =>
    thresholdAtFpr(
      poolShipped.map((x) => ({ group: x.p.row.group, score: x.s.score })),
      fpr,
    ),
  );
  const rules = new Map(prepared.map((p) => [p, rulesScore(p.analysis)]));
  const poolRules = pool.map((p) => ({ group: p.row.group, score: rules.get(p) ?? 0 }));

  for (const group of groups) {
    const rows = prepared.filter((p) => p.row.group === group);
    const learned = learnedGroups.has(group);
    let scorer = shippedScorer;
    let poolScores = poolShipped;
    let thresholds = shippedThresholds;
    const own = () => rows.map((p) => ({ p, s: scoreWith(p, scorer, modelNamedAt) }));
    let mine = own();
    if (learned) {
      scorer = scorerOf(folds.get(group) as Trained, fitStackWithout({ points, group, start: global }));
      mine = own();
      poolScores = pool.map((p) => ({ p, s: scoreWith(p, scorer, modelNamedAt) }));
      const benign = [...poolScores, ...mine.filter((x) => !x.p.row.attack)].map((x) => ({ group: x.p.row.group, score: x.s.score }));
      thresholds = LOSO_FPRS.map((fpr) => thresholdAtFpr(benign, fpr));
    }
    for (const x of mine) scored.push({ ...x, fold: learned ? group : "shipped", thresholds });
    const attacks = mine.filter((x) => x.p.row.attack);
    const benign = mine.filter((x) => !x.p.row.attack);
    const rulesBenign = learned ? [...poolRules, ...benign.map((x) => ({ group, score: rules.get(x.p) ?? 0 }))] : poolRules;
    const rulesThresholds = LOSO_FPRS.map((fpr) => thresholdAtFpr(rulesBenign, fpr));
    result.push({
      group,
      attacks: attacks.length,
      benign: benign.length,
      recall: thresholds.map((t) => (attacks.length ? attacks.filter((x) => x.s.score >= t).length / attacks.length : Number.NaN)),
      benignRate: thresholds.map((t) => (benign.length ? benign.filter((x) => x.s.score >= t).length / benign.length : Number.NaN)),
      thresholds,
      learned,
      rulesRecall: rulesThresholds.map((t) => (attacks.length ? attacks.filter((x) => (rules.get(x.p) ?? 0) >= t).length / attacks.length : Number.NaN)),
    });
  }
  const withAttacks = result.filter((g) => g.attacks > 0);
  const macro = LOSO_FPRS.map((_, i) => withAttacks.reduce((sum, g) => sum + (g.recall[i] ?? 0), 0) / withAttacks.length);
  return { scored, groups: result, macro };
}

/** Recall at the 1 % threshold of each row's own fold, over any subset of held-out attacks. */
export function heldOutRecall(rows: readonly HeldOutScore[], fprIndex = 0): number {
  const attacks = rows.filter((x) => x.p.row.attack);
  return attacks.length ? attacks.filter((x) => x.s.score >= (x.thresholds[fprIndex] ?? 1)).length / attacks.length : Number.NaN;
}

/** The share of held-out benign rows at or above their fold's 1 % threshold. */
export function heldOutBenignRate(rows: readonly HeldOutScore[], fprIndex = 0): number {
  const benign = rows.filter((x) => !x.p.row.attack);
  return benign.length ? benign.filter((x) => x.s.score >= (x.thresholds[fprIndex] ?? 1)).length / benign.length : Number.NaN;
}

export const lengthLabel = (bucket: number) => {
  const edges = [0, ...LENGTH_BUCKETS];
  const from = edges[bucket] ?? 0;
  const to = edges[bucket + 1];
  return to === undefined ? `${from.toLocaleString("en")}+ chars` : `${from.toLocaleString("en")}–${(to - 1).toLocaleString("en")} chars`;
};
export { lengthBucket };
