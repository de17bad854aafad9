/**
 * Leave-one-source-out for the injection model: for every group of sources that the model may learn
 * from, a model trained on all the others, packed as the shipped one is. What each fold model says
 * about the group it never saw is the honest prediction for that group: the training script fits the
 * stack and picks the thresholds on these predictions, and `npm run eval:guards` measures them.
 */
import { STRIDE, WINDOW } from "../../lib/guard/injection/features";
import { injectionVerdict, type InjectionThresholds, type InjectionVerdict } from "../../lib/guard/injection/policy";
import { evaluateAnalysis, namedEvidence, outerLogit, type Calibration, type Scorer } from "../../lib/guard/injection/score";
import { augmentDocuments } from "./injection-augment";
import { isTrainable } from "./injection-corpus";
import { DEFAULT_TRAIN, fitStack, packWeights, rowWeights, trainModel, windowsLogit, type Prepared, type StackPoint, type Trained } from "./injection-train";

/** How many weights the shipped model keeps (and every fold model, so they are alike). */
export const KEEP_WEIGHTS = 120_000;
/** The share of attacks the calibrated score assumes. */
export const PRIOR = 0.1;

/**
 * Trains on `given` plus the documents built from it (injection-augment.ts), weights recomputed for
 * exactly this set, and packs as shipped.
 */
export function trainPacked(given: Prepared[]): { trained: Trained; file: ReturnType<typeof packWeights>["file"] } {
  const rows = [...given, ...augmentDocuments(given)];
  rowWeights(rows);
  const raw = trainModel(rows, DEFAULT_TRAIN);
  const { file, unpacked } = packWeights({ ...raw, keep: KEEP_WEIGHTS, window: WINDOW, stride: STRIDE });
  return { trained: { w: unpacked, bias: file.bias }, file };
}

/** The groups that hold rows a model may learn from, in a fixed order. */
export function trainableGroups(prepared: readonly Prepared[]): string[] {
  return [...new Set(prepared.filter((p) => isTrainable(p.row)).map((p) => p.row.group))].sort();
}

/** One model per trainable group, trained without it. */
export function trainFolds({ prepared, onProgress }: { prepared: Prepared[]; onProgress?: (message: string) => void }): Map<string, Trained> {
  const trainable = prepared.filter((p) => isTrainable(p.row));
  const folds = new Map<string, Trained>();
  const groups = trainableGroups(prepared);
  groups.forEach((group, i) => {
    onProgress?.(`fold ${i + 1}/${groups.length}: without ${group}`);
    folds.set(group, trainPacked(trainable.filter((p) => p.row.group !== group)).trained);
  });
  rowWeights(trainable);
  return folds;
}

/** The model that never saw `p`'s group: its fold model, or `full` for groups never learned from. */
export function modelFor({ p, folds, full }: { p: Prepared; folds: Map<string, Trained>; full: Trained }): Trained {
  return folds.get(p.row.group) ?? full;
}

/** Held-out stack points: each trainable row as its fold model saw it, with its training weight. */
export function stackPoints({ prepared, folds }: { prepared: readonly Prepared[]; folds: Map<string, Trained> }): (StackPoint & { group: string })[] {
  return prepared
    .filter((p) => isTrainable(p.row))
    .map((p) => {
      const m = folds.get(p.row.group) as Trained;
      return { model: windowsLogit(p.windows, m.w, m.bias), strengths: p.analysis.strengths, attack: p.row.attack, weight: p.weight, group: p.row.group };
    });
}

/**
 * The stack fitted on every held-out point but `group`'s. A fold's stack starts from the full fit
 * (`start`) and needs only a few hundred steps to move to its own optimum.
 */
export function fitStackWithout({
  points,
  group,
  start,
}: {
  points: readonly (StackPoint & { group: string })[];
  group: string | null;
  start?: Calibration;
}): Calibration {
  return fitStack(
    points.filter((p) => p.group !== group),
    PRIOR,
    start ? { start, steps: 400 } : {},
  );
}

export function scorerOf(m: Trained, cal: Calibration): Scorer {
  return { w: m.w, bias: m.bias, cal };
}

export type RowScore = { score: number; model: number; signals: string[]; strong: string[] };

/** A row's score and signals from a scorer, as the runtime computes them (payloads included). */
export function scoreWith(p: Prepared, scorer: Scorer, modelNamedAt: number): RowScore {
  // Most rows carry no encoded payload: their score is the stack over the prepared windows' logit,
  // exactly what evaluateAnalysis computes, without rebuilding the windows.
  const e =
    p.analysis.payloads.length === 0
      ? (() => {
          const model = windowsLogit(p.windows, scorer.w, scorer.bias);
          const logit = outerLogit({ strengths: p.analysis.strengths, model }, scorer.cal);
          return { score: 1 / (1 + Math.exp(-logit)), model, strengths: p.analysis.strengths };
        })()
      : evaluateAnalysis(p.analysis, scorer);
  return { score: e.score, model: e.model, ...namedEvidence(p.analysis, e, modelNamedAt) };
}

export function verdictOf(s: RowScore, thresholds: InjectionThresholds): InjectionVerdict {
  return injectionVerdict({ score: s.score, signals: s.signals, strong: s.strong }, thresholds);
}
