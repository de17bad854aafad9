/**
 * Misspelt attack words: "igonre all previus instrucitons". Attackers misspell the words a word list
 * would catch, and people type fast; either way the model still reads "ignore all previous
 * instructions". A word one edit away from one of the few words attacks are built from (one letter
 * changed, added, dropped, or two neighbours swapped) is spelled correctly in the folded view, and the
 * patterns run on that view as well. The patterns still need the whole phrase, so a lone "previus"
 * changes nothing.
 *
 * Only words of five letters or more, with the dictionary word's first letter: shorter words have too
 * many neighbours ("above" and "abode" are one edit apart, but so are most four-letter words), and a
 * changed first letter is rare in typing. Cost: a table lookup per token; a bounded comparison (at most
 * 15 × 15 steps) for the few tokens whose first letter and length fit some word; no allocation unless
 * a word is corrected.
 */
import type { Tokens } from "./tokenize";

/** The words attacks are built from, as the patterns spell them. */
const ATTACK_WORDS = [
  "ignore",
  "ignoring",
  "disregard",
  "forget",
  "previous",
  "instructions",
  "instruction",
  "everything",
  "prompt",
  "system",
  "override",
  "bypass",
  "reveal",
  "restrictions",
  "guidelines",
  "jailbreak",
  "developer",
  "pretend",
  "unrestricted",
  "unfiltered",
  "uncensored",
] as const;

const MIN_LENGTH = 5;
const MAX_LENGTH = 15;

/** By first letter (a..z), the dictionary words; a token is compared only with its own letter's. */
const BY_FIRST: readonly (readonly string[])[] = Array.from({ length: 26 }, (_, i) => ATTACK_WORDS.filter((w) => w.charCodeAt(0) - 97 === i));
/** Bit `len` set for letter `i` when some word of length len − 1, len or len + 1 starts with it. */
const LENGTHS = new Uint32Array(26);
for (const w of ATTACK_WORDS) {
  const i = w.charCodeAt(0) - 97;
  for (const len of [w.length - 1, w.length, w.length + 1]) LENGTHS[i] = (LENGTHS[i] ?? 0) | (1 << len);
}

// Three rows of the Damerau-Levenshtein table, reused (a single thread runs this).
const ROW_A = new Uint8Array(MAX_LENGTH + 2);
const ROW_B = new Uint8Array(MAX_LENGTH + 2);
const ROW_C = new Uint8Array(MAX_LENGTH + 2);

/**
 * Whether `text[start, end)` is exactly one edit (substitution, insertion, deletion or transposition of
 * neighbours) away from `word`; 0 edits is not a typo.
 */
function oneEditAway(text: string, start: number, end: number, word: string): boolean {
  const n = end - start;
  const m = word.length;
  let prev2 = ROW_A;
  let prev = ROW_B;
  let cur = ROW_C;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const a = text.charCodeAt(start + i - 1);
    for (let j = 1; j <= m; j++) {
      const b = word.charCodeAt(j - 1);
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a === b ? 0 : 1));
      if (i > 1 && j > 1 && a === word.charCodeAt(j - 2) && text.charCodeAt(start + i - 2) === b) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // Every later cell is at least the smallest of this row: more than one edit already.
    if (rowMin > 1) return false;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m] === 1;
}

/**
 * A cheap necessary condition for one edit: the characters before the edit and those after it (counted
 * from the end) are untouched, and together they are at least the shorter length less two, so one of
 * them is at least half of that. Most words fail it, and skip the table.
 */
function sharesHalf(text: string, start: number, end: number, word: string): boolean {
  const n = end - start;
  const m = word.length;
  const half = (Math.min(n, m) - 2) >> 1;
  let prefix = 0;
  while (prefix < half && text.charCodeAt(start + prefix) === word.charCodeAt(prefix)) prefix++;
  if (prefix === half) return true;
  let suffix = 0;
  while (suffix < half && text.charCodeAt(end - 1 - suffix) === word.charCodeAt(m - 1 - suffix)) suffix++;
  return suffix === half;
}

/** The dictionary word `text[start, end)` is a typo of, or null. Pure lower-case ASCII letters only. */
function correction(text: string, start: number, end: number): string | null {
  const len = end - start;
  if (len < MIN_LENGTH || len > MAX_LENGTH) return null;
  const first = text.charCodeAt(start) - 97;
  if (first < 0 || first > 25 || (((LENGTHS[first] ?? 0) >>> len) & 1) === 0) return null;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < 97 || c > 122) return null;
  }
  for (const word of BY_FIRST[first] ?? []) {
    if (Math.abs(word.length - len) > 1) continue;
    if (len === word.length && text.startsWith(word, start)) return null;
    if (sharesHalf(text, start, end, word) && oneEditAway(text, start, end, word)) return word;
  }
  return null;
}

/**
 * `text` (a lower-cased view, cut into `tokens`) with every misspelt attack word spelled right, and how
 * many were; the same string when there were none.
 */
export function correctTypos(text: string, tokens: Pick<Tokens, "starts" | "ends" | "hashes">): { text: string; corrected: number } {
  let out = "";
  let last = 0;
  let corrected = 0;
  for (let t = 0; t < tokens.hashes.length; t++) {
    const start = tokens.starts[t] ?? 0;
    const end = tokens.ends[t] ?? start;
    const word = correction(text, start, end);
    if (word === null) continue;
    out += text.slice(last, start) + word;
    last = end;
    corrected++;
  }
  return corrected === 0 ? { text, corrected } : { text: out + text.slice(last), corrected };
}
