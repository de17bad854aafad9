/**
 * The concept layer of the model's features: words of many languages mapped to a few dozen ideas that
 * attacks are made of ("ignore", "earlier", "instructions", "reveal", "secret"…). A weight learned for
 * a concept pair from English attacks then also fires for "ignoriere die vorherigen Anweisungen" or
 * "忽略之前的指令", even where the training data has few attacks in that language. Ordinary requests use
 * the same words, so concepts are only features: the model learns how much each one, and each pair,
 * is worth.
 *
 * Lookups are by the tokenizer's hashes (fnv1a), so nothing is sliced out of the text: a whole word, a
 * word's beginning (for lexicon stems written `stem*`, found by their first five characters and then
 * compared whole), or a run of 2 to CONCEPT_NGRAM_MAX
 * characters of a script written without spaces.
 */
import { CONCEPT_LEXICON, type Concept } from "./concept-lexicon";
import { MORE_LANGUAGES } from "./concept-lexicon-more";
import { fnv1a } from "./tokenize";

export const CONCEPT_NGRAM_MAX = 6;
const STEM_CHARS = 5;

/** Concept ids start at 1 (0 means none), in the lexicon's order. */
export const CONCEPTS = Object.keys(CONCEPT_LEXICON) as Concept[];

/**
 * A fingerprint of the lexicon, stored with the model's weights: a weight belongs to a concept by its
 * id, so weights trained on another lexicon would be read against the wrong ideas (model.ts refuses).
 */
export const LEXICON_FINGERPRINT = fnv1a(JSON.stringify([CONCEPT_LEXICON, MORE_LANGUAGES])).toString(16);

/** Each concept's entries: the main lexicon's languages, then those of concept-lexicon-more.ts. */
function entriesOf(concept: Concept): readonly string[] {
  const more: readonly string[] = Object.values(MORE_LANGUAGES).flatMap((language) => language[concept]);
  return [...CONCEPT_LEXICON[concept], ...more];
}

/**
 * Keys are hashes cut to 30 bits (small integers are what V8's maps look up fastest), and a bitmap of
 * 16-bit buckets rejects most words before any map is touched: the scorer asks for every word.
 */
const key30 = (hash: number) => hash & 0x3fffffff;
const WORDS = new Map<number, number>();
/** Stems by the hash of their first five characters; the whole stem is then compared. */
const STEMS = new Map<number, { stem: string; id: number }[]>();
const NGRAMS = new Map<number, number>();
const WORD_FILTER = new Uint8Array(0x10000);
const STEM_FILTER = new Uint8Array(0x10000);
const NGRAM_FILTER = new Uint8Array(0x10000);

function unspaced(text: string): boolean {
  return /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/.test(text);
}

function add(map: Map<number, number>, filter: Uint8Array, key: string, id: number): void {
  // The first concept listed for an entry wins: the lexicon puts the more telling concept first.
  const hash = key30(fnv1a(key));
  if (!map.has(hash)) map.set(hash, id);
  filter[hash & 0xffff] = 1;
}

CONCEPTS.forEach((concept, index) => {
  const id = index + 1;
  for (const raw of entriesOf(concept)) {
    const entry = raw.normalize("NFKC").toLowerCase();
    if (unspaced(entry)) {
      if (entry.length < 2 || entry.length > CONCEPT_NGRAM_MAX) throw new Error(`concept lexicon: "${raw}" must be 2 to ${CONCEPT_NGRAM_MAX} characters`);
      add(NGRAMS, NGRAM_FILTER, entry, id);
    } else if (entry.endsWith("*")) {
      const stem = entry.slice(0, -1);
      if (stem.length < STEM_CHARS) throw new Error(`concept lexicon: stem "${raw}" needs at least ${STEM_CHARS} characters`);
      const key = key30(fnv1a(stem.slice(0, STEM_CHARS)));
      STEM_FILTER[key & 0xffff] = 1;
      const list = STEMS.get(key) ?? [];
      if (!list.some((e) => e.stem === stem)) list.push({ stem, id });
      // Longest first: "confidential*" must win over a shorter stem that shares its first letters.
      list.sort((a, b) => b.stem.length - a.stem.length);
      STEMS.set(key, list);
    } else {
      // A word is one token: the tokenizer splits at anything that is not a letter or digit.
      if (/[^\p{L}\p{N}\p{M}]/u.test(entry)) throw new Error(`concept lexicon: "${raw}" must be a single word`);
      add(WORDS, WORD_FILTER, entry, id);
    }
  }
});

export function conceptOfWord(hash: number): number {
  const key = key30(hash);
  return WORD_FILTER[key & 0xffff] === 1 ? (WORDS.get(key) ?? 0) : 0;
}
/**
 * The concept of the word view[start, end) by its stem: `hash5` is the hash of its first five
 * characters; a stem counts only if the whole stem starts the word ("confidential*" does not take
 * "configure").
 */
export function conceptOfStem({ view, start, end, hash5 }: { view: string; start: number; end: number; hash5: number }): number {
  const key = key30(hash5);
  if (STEM_FILTER[key & 0xffff] !== 1) return 0;
  const list = STEMS.get(key);
  if (list === undefined) return 0;
  for (const { stem, id } of list) if (end - start >= stem.length && view.startsWith(stem, start)) return id;
  return 0;
}
export function conceptOfNgram(hash: number): number {
  const key = key30(hash);
  return NGRAM_FILTER[key & 0xffff] === 1 ? (NGRAMS.get(key) ?? 0) : 0;
}
