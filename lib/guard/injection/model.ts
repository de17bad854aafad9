/**
 * The learned part of the scorer: a logistic regression over the hashed features of features.ts
 * (words, word pairs, stems, multilingual concepts), trained by scripts/train-injection-model.ts on
 * MIT and Apache-2.0 sources only (see NOTICE). It scores windows of the message and keeps the
 * highest, so a short attack buried in a long message is seen, and a long benign message is not
 * suspect merely for being long.
 */
import { LEXICON_FINGERPRINT } from "./concepts";
import { FEATURE_DIM, positionFeatures, STRIDE, WINDOW, windowSum, windows, type PositionFeatures } from "./features";
import type { Tokens } from "./tokenize";
import weights from "./model-weights.json";

/**
 * The committed weights: sparse and quantised. `idx` is base64 of the gaps between consecutive
 * sorted feature indices as unsigned LEB128 varints; `q` is base64 of one signed byte per weight,
 * the weight divided by `scale` and rounded.
 */
export type ModelFile = {
  version: 2;
  dim: number;
  window: number;
  stride: number;
  /** concepts.ts's LEXICON_FINGERPRINT when the weights were trained */
  lexicon: string;
  bias: number;
  scale: number;
  count: number;
  idx: string;
  q: string;
};

function bytesOf(base64: string): Uint8Array {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function unpackWeights(file: ModelFile): Float32Array {
  if (file.version !== 2 || file.dim !== FEATURE_DIM || file.window !== WINDOW || file.stride !== STRIDE || file.lexicon !== LEXICON_FINGERPRINT) {
    throw new Error("injection model: the weights were trained on other features (window, dimensions or concept lexicon); run npm run train:injection");
  }
  const gaps = bytesOf(file.idx);
  const q = new Int8Array(bytesOf(file.q).buffer);
  if (q.length !== file.count) throw new Error("injection model: the weights file is damaged");
  const w = new Float32Array(FEATURE_DIM);
  let at = 0;
  let p = 0;
  for (let i = 0; i < file.count; i++) {
    let gap = 0;
    let shift = 0;
    for (;;) {
      const b = gaps[p++] ?? 0;
      gap |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    at += gap;
    w[at] = (q[i] ?? 0) * file.scale;
  }
  return w;
}

let unpacked: { w: Float32Array; bias: number } | undefined;

/**
 * The committed weights, unpacked once per process (about 5 ms). input.ts asks for them when it is
 * loaded, so the chat route's warm-up at start pays for it, not the first message.
 */
export function shippedModel(): { w: Float32Array; bias: number } {
  const file = weights as ModelFile;
  unpacked ??= { w: unpackWeights(file), bias: file.bias };
  return unpacked;
}

/** The highest window logit of a text's features, for any weights (training passes its own). */
export function maxWindowLogit({ features, w, bias }: { features: PositionFeatures; w: Float32Array; bias: number }): number {
  let best = -Infinity;
  for (const [from, to] of windows(features.n)) {
    const { sum, count } = windowSum(features, from, to, w);
    best = Math.max(best, bias + sum / Math.sqrt(Math.max(1, count)));
  }
  return best;
}

/** The shipped model's logit for a lower-cased, folded view and its tokens (see deobfuscate.ts). */
export function modelLogit(view: string, tokens: Tokens): number {
  const { w, bias } = shippedModel();
  return maxWindowLogit({ features: positionFeatures(view, tokens), w, bias });
}
