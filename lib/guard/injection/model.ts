/**
 * The learned part of the scorer: a logistic regression over hashed word unigrams and bigrams
 * (features.ts), trained by scripts/train-injection-model.ts on MIT and Apache-2.0 corpora only (see
 * NOTICE). It scores windows of WINDOW tokens and keeps the highest, so a short attack buried in a long
 * message is seen, and a long benign message is not suspect merely for being long.
 */
import { FEATURE_DIM, hashTokens, modelHashes, spanSum, type HashedTokens } from "./features";
import type { Tokens } from "./tokenize";
import weights from "./model-weights.json";

/** The committed weights: sparse, quantised, indices delta-encoded to keep the file small. */
export type ModelFile = {
  version: 1;
  dim: number;
  window: number;
  stride: number;
  bias: number;
  scale: number;
  /** gaps between consecutive sorted feature indices */
  idx: number[];
  /** weight of each index, divided by `scale` and rounded */
  q: number[];
};

export function unpackWeights(file: ModelFile): Float32Array {
  if (file.dim !== FEATURE_DIM || file.idx.length !== file.q.length) throw new Error("injection model: weights do not match the feature space");
  const w = new Float32Array(FEATURE_DIM);
  let at = 0;
  for (let i = 0; i < file.idx.length; i++) {
    at += file.idx[i] ?? 0;
    w[at] = (file.q[i] ?? 0) * file.scale;
  }
  return w;
}

const MODEL = weights as ModelFile;
const W = unpackWeights(MODEL);

/** Logit of one span: presence features scaled by 1/√n, so it does not grow with the span's length. */
function spanLogit({ toks, from, to, w, bias }: { toks: HashedTokens; from: number; to: number; w: Float32Array; bias: number }): number {
  const { sum, count } = spanSum(toks, from, to, w);
  return bias + sum / Math.sqrt(Math.max(1, count));
}

/** The highest window logit of a text's token hashes, for any weights (the training script passes its own). */
export function maxWindowLogit({ hashes, w, bias, window, stride }: { hashes: Uint32Array; w: Float32Array; bias: number; window: number; stride: number }): number {
  const toks = hashTokens(hashes);
  const n = hashes.length;
  if (n <= window) return spanLogit({ toks, from: 0, to: n, w, bias });
  let best = -Infinity;
  for (let from = 0; from < n; from += stride) {
    const to = Math.min(n, from + window);
    best = Math.max(best, spanLogit({ toks, from, to, w, bias }));
    if (to === n) break;
  }
  return best;
}

/** The model's logit for the tokens of a lower-cased, folded text (see deobfuscate.ts). */
export function modelLogit(tokens: Tokens): number {
  return maxWindowLogit({ hashes: modelHashes(tokens), w: W, bias: MODEL.bias, window: MODEL.window, stride: MODEL.stride });
}
