/**
 * Training helpers for the injection model: rows prepared exactly as the runtime scores them, row
 * weights that take away the corpora's shortcuts (source size, length, language), a seeded logistic
 * regression over windows (multiple-instance: every window of an ordinary text is ordinary, at least
 * one window of an attack is an attack), packing to the committed file format, and the fit of the
 * small stack that turns the model's logit and the pattern families into a calibrated probability.
 * Deterministic: the same rows and seed give byte-identical files.
 */
import { LEXICON_FINGERPRINT } from "../../lib/guard/injection/concepts";
import { FEATURE_DIM, windowFeatures, windows } from "../../lib/guard/injection/features";
import type { ModelFile } from "../../lib/guard/injection/model";
import type { Family } from "../../lib/guard/injection/pattern-kit";
import { analyseInjection, deadZoned, MODEL_TAIL_AT, type Analysis, type Calibration } from "../../lib/guard/injection/score";
import type { CorpusRow } from "./injection-corpus";
import { scanInput } from "./eval-scan";

/** mulberry32: a small seeded generator, so shuffles are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Prepared = {
  row: CorpusRow;
  analysis: Analysis;
  /** the distinct features of each window the model reads */
  windows: Uint32Array[];
  /** how much the row counts in training (see rowWeights) */
  weight: number;
};

/** A row as the chat route scores it: normalised, hidden tag text appended (and analysed alone), then analysed. */
export function prepareRow(row: CorpusRow): Prepared {
  const { text, invisibleRemoved, hidden } = scanInput(row.text);
  const analysis = analyseInjection(text, { invisibleRemoved, hidden });
  const spans = windows(analysis.features.n);
  return { row, analysis, windows: spans.map(([from, to]) => windowFeatures(analysis.features, from, to)), weight: 1 };
}

/** Length buckets (UTF-16 code units) for the length balance and the reports. */
export const LENGTH_BUCKETS = [100, 300, 1_000, 3_000] as const;
export const lengthBucket = (length: number) => LENGTH_BUCKETS.filter((edge) => length >= edge).length;

/** Most rows a group counts for, per class: the big constructed sources count as this many rows. */
const GROUP_CAP = 1_200;
const BALANCE_CLIP = 4;

/** A rough script-level language key for the balance: "en" (Latin, mostly ASCII) or the row's own. */
export function balanceLanguage(row: CorpusRow): string {
  if (row.lang) return row.lang;
  let ascii = 0;
  for (let i = 0; i < row.text.length && i < 2_000; i++) if (row.text.charCodeAt(i) < 128) ascii++;
  return ascii >= Math.min(row.text.length, 2_000) * 0.9 ? "en" : "other";
}

/**
 * Weights that keep the corpora's skews from becoming the model's shortcuts (injection-train's README):
 * each group counts for at most GROUP_CAP rows per class (91% of the public attacks are BIPIA and
 * spikee constructions); within each length bucket and each language, attacks and ordinary rows are
 * brought to the same share of their class (attacks are longer, and nearly all non-English public rows
 * are benign); and the two classes weigh the same in total.
 */
export function rowWeights(rows: readonly Prepared[]): void {
  const count = new Map<string, number>();
  const key = (p: Prepared) => `${p.row.group}\u0000${p.row.attack}`;
  for (const p of rows) count.set(key(p), (count.get(key(p)) ?? 0) + 1);
  for (const p of rows) {
    const n = count.get(key(p)) ?? 1;
    p.weight = Math.min(n, GROUP_CAP) / n;
  }
  balance(rows, (p) => `len${lengthBucket(p.row.text.length)}`);
  balance(rows, (p) => balanceLanguage(p.row));
  const total = (attack: boolean) => rows.filter((p) => p.row.attack === attack).reduce((sum, p) => sum + p.weight, 0);
  const [attacks, benign] = [total(true), total(false)];
  for (const p of rows) p.weight *= (attacks + benign) / 2 / (p.row.attack ? attacks : benign);
}

/** Scales attack rows so that each bucket holds the same share of attack weight as of benign weight. */
function balance(rows: readonly Prepared[], bucketOf: (p: Prepared) => string): void {
  const sums = new Map<string, { attack: number; benign: number }>();
  let attackTotal = 0;
  let benignTotal = 0;
  for (const p of rows) {
    const s = sums.get(bucketOf(p)) ?? { attack: 0, benign: 0 };
    if (p.row.attack) {
      s.attack += p.weight;
      attackTotal += p.weight;
    } else {
      s.benign += p.weight;
      benignTotal += p.weight;
    }
    sums.set(bucketOf(p), s);
  }
  for (const p of rows) {
    const s = sums.get(bucketOf(p));
    if (!s || s.attack === 0 || s.benign === 0) continue;
    const factor = s.benign / benignTotal / (s.attack / attackTotal);
    const clipped = Math.min(BALANCE_CLIP, Math.max(1 / BALANCE_CLIP, factor));
    // Half on each side: attacks up or down, benign rows the other way, so neither class is starved.
    p.weight *= p.row.attack ? Math.sqrt(clipped) : 1 / Math.sqrt(clipped);
  }
}

/**
 * The model's logit from a row's prepared windows: what maxWindowLogit computes from the features,
 * without building the windows again (the evaluation scores every row once per fold).
 */
export function windowsLogit(windowList: readonly Uint32Array[], w: Float32Array, bias: number): number {
  let best = -Infinity;
  for (const feats of windowList) {
    let sum = 0;
    for (let i = 0; i < feats.length; i++) sum += w[feats[i] as number] as number;
    best = Math.max(best, bias + sum / Math.sqrt(Math.max(1, feats.length)));
  }
  return best;
}

export type TrainOptions = { seed: number; epochs: number; rate: number; l2: number };
export const DEFAULT_TRAIN: TrainOptions = { seed: 42, epochs: 10, rate: 0.15, l2: 2e-6 };

export type Trained = { w: Float32Array; bias: number };

/**
 * Logistic regression by Adagrad over presence features scaled by 1/√n (as model.ts reads them),
 * one example per window. Ordinary rows: every window is a negative (each weighted 1/√windows, so a
 * long document counts for more than a line, but not for each of its windows). Attacks: in the first
 * epoch every window shares the row's weight; after that only the window the model scores highest is
 * the positive, so the part of a document that carries the attack is learned, not the document.
 */
export function trainModel(rows: readonly Prepared[], opts: TrainOptions = DEFAULT_TRAIN): Trained {
  const w = new Float64Array(FEATURE_DIM);
  const g2 = new Float64Array(FEATURE_DIM);
  let bias = 0;
  let biasG2 = 0;
  const random = seededRandom(opts.seed);
  const order = rows.map((_, i) => i);

  const logit = (feats: Uint32Array) => {
    let z = bias;
    const x = 1 / Math.sqrt(Math.max(1, feats.length));
    for (let i = 0; i < feats.length; i++) z += (w[feats[i] as number] as number) * x;
    return z;
  };
  const step = (feats: Uint32Array, y: number, weight: number) => {
    const x = 1 / Math.sqrt(Math.max(1, feats.length));
    const g = (1 / (1 + Math.exp(-logit(feats))) - y) * weight;
    for (let i = 0; i < feats.length; i++) {
      const k = feats[i] as number;
      const wk = w[k] as number;
      const gk = g * x + opts.l2 * wk;
      const acc = (g2[k] as number) + gk * gk;
      g2[k] = acc;
      w[k] = wk - (opts.rate * gk) / Math.sqrt(acc + 1e-8);
    }
    biasG2 += g * g;
    bias -= (opts.rate * g) / Math.sqrt(biasG2 + 1e-8);
  };

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const p = rows[index] as Prepared;
      const n = p.windows.length;
      if (!p.row.attack) {
        for (const feats of p.windows) step(feats, 0, p.weight / Math.sqrt(n));
      } else if (n === 1) {
        step(p.windows[0] as Uint32Array, 1, p.weight);
      } else if (epoch === 0) {
        for (const feats of p.windows) step(feats, 1, p.weight / n);
      } else {
        let best = p.windows[0] as Uint32Array;
        let bestZ = -Infinity;
        for (const feats of p.windows) {
          const z = logit(feats);
          if (z > bestZ) [best, bestZ] = [feats, z];
        }
        step(best, 1, p.weight);
      }
    }
  }
  return { w: Float32Array.from(w), bias };
}

/**
 * Keeps the `keep` largest weights, quantised to signed bytes, indices as LEB128 gaps, both base64.
 * Returns the file and the weights as the runtime will see them (after quantisation).
 */
export function packWeights({ w, bias, keep, window, stride }: Trained & { keep: number; window: number; stride: number }): {
  file: ModelFile;
  unpacked: Float32Array;
} {
  const order = Array.from(w.keys())
    .filter((k) => Math.abs(w[k] ?? 0) > 1e-5)
    .sort((a, b) => Math.abs(w[b] ?? 0) - Math.abs(w[a] ?? 0) || a - b)
    .slice(0, keep)
    .sort((a, b) => a - b);
  const max = order.reduce((m, k) => Math.max(m, Math.abs(w[k] ?? 0)), 1e-6);
  const scale = Number((max / 127).toPrecision(6));
  const gaps: number[] = [];
  const q: number[] = [];
  const unpacked = new Float32Array(FEATURE_DIM);
  let prev = 0;
  for (const k of order) {
    const v = Math.round((w[k] ?? 0) / scale);
    if (v === 0) continue;
    let gap = k - prev;
    do {
      const b = gap & 0x7f;
      gap >>>= 7;
      gaps.push(gap > 0 ? b | 0x80 : b);
    } while (gap > 0);
    q.push(v & 0xff);
    unpacked[k] = v * scale;
    prev = k;
  }
  const file: ModelFile = {
    version: 2,
    dim: FEATURE_DIM,
    window,
    stride,
    lexicon: LEXICON_FINGERPRINT,
    bias: Number(bias.toFixed(6)),
    scale,
    count: q.length,
    idx: Buffer.from(gaps).toString("base64"),
    q: Buffer.from(q).toString("base64"),
  };
  return { file, unpacked };
}

/** The families the stack weighs (encoded payloads are scored as what they decode to, not weighed). */
export const STACK_FAMILIES: readonly Family[] = ["override", "extraction", "roleplay_jailbreak", "template_tokens", "fake_role", "obfuscation"];
/** Most a family's weight may reach: one pattern family must not be able to decide alone. */
const FAMILY_MAX = 8;

export type StackPoint = { model: number; strengths: Partial<Record<Family, number>>; attack: boolean; weight: number };

/**
 * Fits the stack z = bias + model·logit + modelTail·max(0, logit − MODEL_TAIL_AT) + Σ family·deadZoned(strength) on held-out predictions, by
 * gradient descent on the weighted log loss, weights kept non-negative (evidence of an attack never
 * counts against one) and at most FAMILY_MAX. Classes are weighted as if `prior` of messages were
 * attacks, so the score reads as a probability at that base rate.
 */
export function fitStack(points: readonly StackPoint[], prior: number, { start, steps = 3_000 }: { start?: Calibration; steps?: number } = {}): Calibration {
  const k = STACK_FAMILIES.length;
  const xs = points.map((p) => STACK_FAMILIES.map((f) => deadZoned(p.strengths[f] ?? 0)));
  const tails = points.map((p) => Math.max(0, p.model - MODEL_TAIL_AT));
  const pos = points.reduce((s, p) => s + (p.attack ? p.weight : 0), 0);
  const neg = points.reduce((s, p) => s + (p.attack ? 0 : p.weight), 0);
  const weights = points.map((p) => (p.attack ? (prior * p.weight) / pos : ((1 - prior) * p.weight) / neg));
  let bias = start?.bias ?? -3;
  let model = start?.model ?? 1;
  let tail = start?.modelTail ?? 0;
  const fam = STACK_FAMILIES.map((f) => start?.families[f] ?? 1);
  // Adagrad on a handful of numbers: converges in a few thousand steps (a few hundred from a warm
  // start), deterministic.
  const g2 = new Array<number>(k + 3).fill(1e-8);
  for (let step = 0; step < steps; step++) {
    let gb = 0;
    let gm = 0;
    let gt = 0;
    const gf = new Array<number>(k).fill(0);
    points.forEach((p, i) => {
      const x = xs[i] as number[];
      const t = tails[i] as number;
      let z = bias + model * p.model + tail * t;
      for (let j = 0; j < k; j++) z += (fam[j] as number) * (x[j] as number);
      const g = (1 / (1 + Math.exp(-z)) - (p.attack ? 1 : 0)) * (weights[i] as number);
      gb += g;
      gm += g * p.model;
      gt += g * t;
      for (let j = 0; j < k; j++) gf[j] = (gf[j] as number) + g * (x[j] as number);
    });
    const update = (value: number, grad: number, slot: number) => {
      g2[slot] = (g2[slot] as number) + grad * grad;
      return value - (0.1 * grad) / Math.sqrt(g2[slot] as number);
    };
    bias = update(bias, gb, 0);
    model = Math.max(0, update(model, gm, 1));
    tail = Math.max(0, update(tail, gt, 2));
    for (let j = 0; j < k; j++) fam[j] = Math.min(FAMILY_MAX, Math.max(0, update(fam[j] as number, gf[j] as number, j + 3)));
  }
  const round = (v: number) => Number(v.toFixed(4));
  return {
    bias: round(bias),
    model: round(model),
    modelTail: round(tail),
    families: Object.fromEntries(STACK_FAMILIES.map((f, j) => [f, round(fam[j] as number)])),
  };
}
