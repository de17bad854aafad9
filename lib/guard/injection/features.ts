/**
 * The features the learned model sees: hashed word unigrams and bigrams of the folded, lower-cased
 * text, each counted once per window, presence scaled by 1/√n, and the highest window wins (model.ts):
 * a long prompt does not gather evidence just by being long, which is what a detector trained on these
 * corpora would otherwise learn (their jailbreaks are seven times longer than their benign prompts).
 * The training script uses this same code, so the two can never disagree about what a feature is.
 */
import { fnv1a, type Tokens } from "./tokenize";

/** Number of hash buckets: 2^18 keeps collisions rare for the twenty thousand weights kept. */
export const FEATURE_DIM = 1 << 18;
const MASK = FEATURE_DIM - 1;

/** Most tokens the model reads: 16,000 is twice the longest message the app accepts. */
export const MODEL_TOKEN_LIMIT = 16_000;
const ZERO = fnv1a("0");

/** The model's tokens, as hashes: numbers are all the one token "0"; at most MODEL_TOKEN_LIMIT. */
export function modelHashes(tokens: Tokens): Uint32Array {
  const n = Math.min(tokens.hashes.length, MODEL_TOKEN_LIMIT);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = tokens.numeric[i] === 1 ? ZERO : (tokens.hashes[i] ?? 0);
  return out;
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export type HashedTokens = { uni: Uint32Array; bi: Uint32Array };

/** Feature index of each token, then of each adjacent pair, in order. */
export function hashTokens(raw: Uint32Array): HashedTokens {
  const uni = new Uint32Array(raw.length);
  for (let i = 0; i < raw.length; i++) uni[i] = (raw[i] ?? 0) & MASK;
  const bi = new Uint32Array(Math.max(0, raw.length - 1));
  for (let i = 0; i + 1 < raw.length; i++) bi[i] = mix(raw[i] ?? 0, (raw[i + 1] ?? 0) ^ 0x5bd1e995) & MASK;
  return { uni, bi };
}

// Marks features already taken in the current span, without allocating a Set per span.
const stamp = new Int32Array(FEATURE_DIM);
let generation = 0;

function nextGeneration(): number {
  generation++;
  if (generation === 0x7fffffff) {
    stamp.fill(0);
    generation = 1;
  }
  return generation;
}

/**
 * Σ w[k] over the distinct features of a span (unigrams [from, to), bigrams inside it), and how many
 * there are: what the runtime needs for each window, without building the list.
 */
export function spanSum({ uni, bi }: HashedTokens, from: number, to: number, w: Float32Array): { sum: number; count: number } {
  const g = nextGeneration();
  let sum = 0;
  let count = 0;
  for (let i = from; i < to; i++) {
    const k = uni[i] ?? 0;
    if (stamp[k] !== g) {
      stamp[k] = g;
      sum += w[k] ?? 0;
      count++;
    }
  }
  for (let i = from; i + 1 < to; i++) {
    const k = bi[i] ?? 0;
    if (stamp[k] !== g) {
      stamp[k] = g;
      sum += w[k] ?? 0;
      count++;
    }
  }
  return { sum, count };
}

/** The distinct feature indices of a span, in first-seen order (for training). */
export function spanFeatures({ uni, bi }: HashedTokens, from: number, to: number): number[] {
  const g = nextGeneration();
  const out: number[] = [];
  for (const k of [...uni.subarray(from, to), ...bi.subarray(from, Math.max(from, to - 1))]) {
    if (stamp[k] !== g) {
      stamp[k] = g;
      out.push(k);
    }
  }
  return out;
}
