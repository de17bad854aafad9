/**
 * What the learned model sees of a message. The folded, lower-cased view (deobfuscate.ts) becomes a
 * sequence of model tokens: words, except that scripts written without spaces (Chinese, Japanese,
 * Korean, Thai, Lao, Khmer, Myanmar) go one character at a time, and numbers are all one token. Each
 * position owns a few hashed features:
 * - the word and the word pair it starts (the wording);
 * - the word's first five letters (inflections: "ignoriere", "ignorez", "ignoring" share "ignor");
 * - for a word that opens a sentence or a line, the word (or its concept) as an opener: attacks are
 *   commands, and a command's verb comes first;
 * - its concept, if the multilingual lexicon (concepts.ts) has it, and the pairs of concepts it makes
 *   with the next few positions ("ignore … earlier … instructions" in any language and word order).
 * Concepts are what let the model carry what it learned in one language to another.
 *
 * The model reads windows of WINDOW positions (STRIDE apart), each feature counted once per window,
 * presence scaled by 1/√n, and the highest window wins (model.ts): a long message is not suspect for
 * being long, and an attack buried in a long document is still seen. Training (scripts/lib/
 * injection-train.ts) uses this same code, so the two can never disagree about what a feature is.
 */
import { conceptOfNgram, conceptOfStem, conceptOfWord, CONCEPT_NGRAM_MAX } from "./concepts";
import { fnv1a, type Tokens } from "./tokenize";

/** Number of hash buckets: 2^18 keeps collisions rare for the tens of thousands of weights kept. */
export const FEATURE_DIM = 1 << 18;
const MASK = FEATURE_DIM - 1;
export const WINDOW = 48;
export const STRIDE = 24;
/** Most positions the model reads: 16,000 is twice the longest message the app accepts. */
export const MODEL_TOKEN_LIMIT = 16_000;
/** How far ahead a concept pairs with another (positions). */
const PAIR_REACH = 4;
const STEM_CHARS = 5;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const ZERO = fnv1a("0");

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Characters of scripts written without spaces between words. */
export function isUnspaced(c: number): boolean {
  return (
    (c >= 0x0e00 && c <= 0x0eff) || // Thai, Lao
    (c >= 0x1000 && c <= 0x109f) || // Myanmar
    (c >= 0x1780 && c <= 0x17ff) || // Khmer
    (c >= 0x3040 && c <= 0x30ff) || // kana
    (c >= 0x3400 && c <= 0x9fff) || // CJK ideographs
    (c >= 0xac00 && c <= 0xd7af) || // Hangul syllables
    (c >= 0xf900 && c <= 0xfaff)
  );
}

/**
 * Each position's features, in CSR form: position i owns feats[offsets[i] .. offsets[i+1]).
 * `n` positions; at most MODEL_TOKEN_LIMIT.
 */
export type PositionFeatures = { n: number; offsets: Int32Array; feats: Uint32Array };

/**
 * The model tokens of a view. positionFeatures reads them at once and keeps none, so they live in
 * buffers reused from call to call (grown when a longer message comes): a message is scored in a
 * fraction of a millisecond, and fresh arrays each time would cost more in allocation and garbage
 * collection than the scoring itself.
 */
type Sequence = { n: number; cap: number; hashes: Uint32Array; stems: Uint32Array; concepts: Uint8Array; opens: Uint8Array };

const scratch: Sequence = { n: 0, cap: 0, hashes: new Uint32Array(0), stems: new Uint32Array(0), concepts: new Uint8Array(0), opens: new Uint8Array(0) };

function sequenceBuffer(cap: number): Sequence {
  if (scratch.hashes.length < cap) {
    const size = Math.min(MODEL_TOKEN_LIMIT, Math.max(cap, 2 * scratch.hashes.length, 1_024));
    scratch.hashes = new Uint32Array(size);
    scratch.stems = new Uint32Array(size);
    scratch.concepts = new Uint8Array(size);
    scratch.opens = new Uint8Array(size);
  }
  scratch.n = 0;
  scratch.cap = cap;
  return scratch;
}

function pushToken(seq: Sequence, hash: number, stem: number, concept: number, opens = 0): void {
  if (seq.n >= seq.cap) return;
  seq.hashes[seq.n] = hash;
  seq.stems[seq.n] = stem;
  seq.concepts[seq.n] = concept;
  seq.opens[seq.n] = opens;
  seq.n++;
}

/** Whether the word at `start` opens a sentence or a line: what precedes it is a stop, a line break or nothing. */
function opensSentence(view: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const c = view.charCodeAt(i);
    if (c === 32 || c === 9 || c === 34 || c === 39 || c === 42 || c === 40 || c === 91 || c === 62 || c === 45 || c === 35) continue; // space, tab, quotes, * ( [ > - #
    return c === 10 || c === 13 || c === 46 || c === 33 || c === 63 || c === 58 || c === 59;
  }
  return true;
}

/** fnv1a of view[from, to), as tokenize.ts computes a token's hash. */
function hashRange(view: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ view.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** A spaced word: its hash, the hash of its first five letters (long words only), its concept. */
function pushWord(seq: Sequence, view: string, start: number, end: number, hash: number): void {
  const hash5 = end - start >= STEM_CHARS ? hashRange(view, start, start + STEM_CHARS) : 0;
  const stem = end - start > STEM_CHARS ? hash5 : 0;
  const concept = conceptOfWord(hash) || (hash5 !== 0 ? conceptOfStem({ view, start, end, hash5 }) : 0);
  pushToken(seq, hash, stem, concept, opensSentence(view, start) ? 1 : 0);
}

/**
 * A token holding unspaced characters: each such character is a position; runs of other characters
 * inside it (Latin letters in "用ChatGPT写") are words. An unspaced character's concept is that of the
 * longest lexicon entry starting at it.
 */
function pushUnspaced(seq: Sequence, view: string, start: number, end: number): void {
  let run = -1;
  for (let i = start; i <= end; i++) {
    const c = i < end ? view.charCodeAt(i) : 0;
    const unspaced = i < end && isUnspaced(c);
    if (!unspaced && i < end) {
      if (run < 0) run = i;
      continue;
    }
    if (run >= 0) {
      pushWord(seq, view, run, i, hashRange(view, run, i));
      run = -1;
    }
    if (!unspaced) continue;
    let h = Math.imul(FNV_OFFSET ^ c, FNV_PRIME);
    let concept = 0;
    for (let k = 1; k < CONCEPT_NGRAM_MAX && i + k < end; k++) {
      const next = view.charCodeAt(i + k);
      if (!isUnspaced(next)) break;
      h = Math.imul(h ^ next, FNV_PRIME);
      concept = conceptOfNgram(h >>> 0) || concept;
    }
    pushToken(seq, Math.imul(FNV_OFFSET ^ c, FNV_PRIME) >>> 0, 0, concept);
  }
}

function sequenceOf(view: string, tokens: Tokens): Sequence {
  const count = tokens.hashes.length;
  // One position per token, except that unspaced scripts have one per character.
  const seq = sequenceBuffer(Math.min(MODEL_TOKEN_LIMIT, tokens.ascii ? count : view.length + 1));
  for (let t = 0; t < count && seq.n < seq.cap; t++) {
    if (tokens.numeric[t] === 1) {
      pushToken(seq, ZERO, 0, 0);
      continue;
    }
    const start = tokens.starts[t] ?? 0;
    const end = tokens.ends[t] ?? start;
    if (!tokens.ascii && hasUnspaced(view, start, end)) pushUnspaced(seq, view, start, end);
    else pushWord(seq, view, start, end, tokens.hashes[t] ?? 0);
  }
  return seq;
}

function hasUnspaced(view: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isUnspaced(view.charCodeAt(i))) return true;
  return false;
}

const SALT_BI = 0x5bd1e995;
const SALT_STEM = 0x27d4eb2f;
const SALT_CONCEPT = 0x165667b1;
const SALT_PAIR = 0x61c88647;
const SALT_OPENER = 0x2545f491;

/** Most features one position owns: word, opener, pair, stem, concept, and up to PAIR_REACH concept pairs. */
const MAX_PER_POSITION = 5 + PAIR_REACH;

/** The features of every position of `view` (a lower-cased, folded view) and its `tokens`. */
export function positionFeatures(view: string, tokens: Tokens): PositionFeatures {
  const { n, hashes, stems, concepts, opens } = sequenceOf(view, tokens);
  const offsets = new Int32Array(n + 1);
  const feats = new Uint32Array(n * MAX_PER_POSITION);
  let f = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = f;
    const h = hashes[i] as number;
    const c = concepts[i] as number;
    feats[f++] = h & MASK;
    if (opens[i] === 1) feats[f++] = mix(c || h, SALT_OPENER) & MASK;
    if (i + 1 < n) feats[f++] = mix(h, (hashes[i + 1] as number) ^ SALT_BI) & MASK;
    const stem = stems[i] as number;
    if (stem !== 0) feats[f++] = mix(stem, SALT_STEM) & MASK;
    if (c !== 0) {
      feats[f++] = mix(c, SALT_CONCEPT) & MASK;
      for (let j = i + 1; j <= i + PAIR_REACH && j < n; j++) {
        const d = concepts[j] as number;
        if (d !== 0 && d !== c) feats[f++] = mix(Math.min(c, d) * 256 + Math.max(c, d), SALT_PAIR) & MASK;
      }
    }
  }
  offsets[n] = f;
  return { n, offsets, feats: feats.subarray(0, f) };
}

/** The windows a text of `n` positions is read in: [from, to) pairs. */
export function windows(n: number): [number, number][] {
  if (n <= WINDOW) return [[0, n]];
  const out: [number, number][] = [];
  for (let from = 0; from < n; from += STRIDE) {
    const to = Math.min(n, from + WINDOW);
    out.push([from, to]);
    if (to === n) break;
  }
  return out;
}

// Marks features already taken in the current window, without allocating a Set per window.
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

/** Σ w[k] over the distinct features of positions [from, to), and how many there are. */
export function windowSum({ offsets, feats }: PositionFeatures, from: number, to: number, w: Float32Array): { sum: number; count: number } {
  const g = nextGeneration();
  let sum = 0;
  let count = 0;
  for (let p = offsets[from] ?? 0, end = offsets[to] ?? 0; p < end; p++) {
    const k = feats[p] ?? 0;
    if (stamp[k] !== g) {
      stamp[k] = g;
      sum += w[k] ?? 0;
      count++;
    }
  }
  return { sum, count };
}

/** The distinct features of positions [from, to), in first-seen order (for training). */
export function windowFeatures({ offsets, feats }: PositionFeatures, from: number, to: number): Uint32Array {
  const g = nextGeneration();
  const out: number[] = [];
  for (let p = offsets[from] ?? 0, end = offsets[to] ?? 0; p < end; p++) {
    const k = feats[p] ?? 0;
    if (stamp[k] !== g) {
      stamp[k] = g;
      out.push(k);
    }
  }
  return Uint32Array.from(out);
}
