/**
 * Runs the pattern tables over the views of a message and turns matches into one strength (0..1) per
 * signal family. Matches in one family combine as independent evidence (1 − Π(1 − w)), so two weak
 * hints outweigh one, and no family can exceed 1.
 */
import { ENCODING_HINT_PATTERNS } from "./decoders";
import type { Views } from "./deobfuscate";
import { fnv1a, type Tokens } from "./tokenize";
import type { Family, Lead, LedPattern, Pattern, ScanPattern } from "./pattern-kit";
import { CONTEXT_PATTERNS } from "./patterns-context";
import { EXTRACTION_PATTERNS } from "./patterns-extraction";
import { I18N_PATTERNS } from "./patterns-i18n";
import { MARKER_PATTERNS } from "./patterns-markers";
import { OVERRIDE_PATTERNS } from "./patterns-override";
import { ROLEPLAY_PATTERNS } from "./patterns-roleplay";

export type Strengths = Partial<Record<Family, number>>;

const ALL: readonly Pattern[] = [
  ...OVERRIDE_PATTERNS,
  ...CONTEXT_PATTERNS,
  ...EXTRACTION_PATTERNS,
  ...ROLEPLAY_PATTERNS,
  ...I18N_PATTERNS,
  ...MARKER_PATTERNS,
  ...ENCODING_HINT_PATTERNS,
];
/** Families whose matches inside code count at CODE_WEIGHT (see patterns-markers.ts). */
const MARKER_FAMILIES: ReadonlySet<Family> = new Set(["template_tokens", "fake_role"]);
const CODE_WEIGHT = 0.25;

/** Phrases spelled one letter at a time, matched with every non-letter removed ("i-g-n-o-r-e a-l-l…"). */
const SQUASHED: readonly ScanPattern[] = [
  {
    kind: "scan",
    id: "squashed_ignore_previous",
    family: "override",
    w: 0.9,
    need: [""],
    re: /(?:ignore|disregard|forget|bypass|override)(?:all|the|any|your|of|about){0,3}(?:previous|prior|above|preceding|earlier|system|initial|original)(?:instruction|rule|prompt|direction|guideline|directive|order)/,
  },
  {
    kind: "scan",
    id: "squashed_reveal_prompt",
    family: "extraction",
    w: 0.8,
    need: [""],
    re: /(?:reveal|show|print|repeat|output|display|tellme)(?:me|all|the|your){1,3}(?:system|initial|original|hidden|secret)?(?:prompt|instructions)/,
  },
  {
    kind: "scan",
    id: "squashed_jailbreak",
    family: "roleplay_jailbreak",
    w: 0.8,
    need: [""],
    re: /doanythingnow|developermode|jailbr(?:eak|oken)|norestrictions|nofilters|withoutrestrictions|unfiltered|uncensored/,
  },
];

// The index from a token to the led patterns that may start there, by the token's hash (tokenize.ts
// computes it in its one pass, so no word is ever sliced out of the text): whole words by the hash of
// the word, stems by the hash of their first three letters. A hash collision only costs a regex try:
// the regex decides.
type Entry = { lead: Lead; pattern: LedPattern; n: number; then: readonly (number | string)[] };
/** Keys are hashes cut to 30 bits: small integers are what V8's maps look up fastest (no boxing). */
const key30 = (hash: number) => hash & 0x3fffffff;
/** The key of two adjacent words: most lead phrases are two or more words ("you will", "do not"). */
const pairKey = (first: number, second: number) => key30(Math.imul(first ^ 0x9e3779b9, 0x85ebca6b) ^ second);

const BY_WORD = new Map<number, Entry[]>();
const BY_PAIR = new Map<number, Entry[]>();
const BY_STEM = new Map<number, Entry[]>();
// One byte per 16-bit bucket, set where some key falls: most tokens lead nothing, and a byte read
// rejects them faster than a map lookup.
const FILTER_MASK = 0xffff;
const WORD_FILTER = new Uint8Array(FILTER_MASK + 1);
const PAIR_FILTER = new Uint8Array(FILTER_MASK + 1);
const STEM_FILTER = new Uint8Array(FILTER_MASK + 1);
const SCANNED: ScanPattern[] = [];
const LED: LedPattern[] = [];

function index(map: Map<number, Entry[]>, filter: Uint8Array, key: number, entry: Entry): void {
  const list = map.get(key) ?? [];
  // The same pattern reached by the same words twice (cross products repeat prefixes) is tried once.
  if (!list.some((e) => e.n === entry.n && e.lead.stem === entry.lead.stem && e.then.join(" ") === entry.then.join(" "))) list.push(entry);
  map.set(key, list);
  filter[key & FILTER_MASK] = 1;
}

for (const p of ALL) {
  if (p.kind === "scan") {
    SCANNED.push(p);
    continue;
  }
  const n = LED.push(p) - 1;
  for (const lead of p.leads) {
    // what must follow: a word's hash, or a prefix (string) for "word*"
    const then = lead.then.map((w) => (w.endsWith("*") ? w.slice(0, -1) : fnv1a(w)));
    const first = fnv1a(lead.stem ? lead.key.slice(0, 3) : lead.key);
    const second = then[0];
    if (lead.stem) index(BY_STEM, STEM_FILTER, key30(first), { lead, pattern: p, n, then });
    else if (typeof second === "number") index(BY_PAIR, PAIR_FILTER, pairKey(first, second), { lead, pattern: p, n, then: then.slice(1) });
    else index(BY_WORD, WORD_FILTER, key30(first), { lead, pattern: p, n, then });
  }
}

/**
 * Whether the tokens from `t + skip + 1` on are the words a lead phrase continues with (`skip` words
 * were already matched by the index). Positional arguments: hot path.
 */
function followedBy(view: string, tokens: Tokens, t: number, skip: number, then: readonly (number | string)[]): boolean {
  for (let k = 0; k < then.length; k++) {
    const want = then[k] ?? "";
    const at = t + 1 + skip + k;
    if (at >= tokens.hashes.length) return false;
    if (typeof want === "number" ? tokens.hashes[at] !== want : !view.startsWith(want, tokens.starts[at] ?? 0)) return false;
  }
  return true;
}

// Fenced blocks (to the closing fence or the end) and inline code spans; both scans are linear.
const CODE = /```[^]*?(?:```|$)|`[^`\n]{1,200}`/g;

function codeRanges(text: string): [number, number][] {
  if (!text.includes("`")) return [];
  return Array.from(text.matchAll(CODE), (m) => [m.index, m.index + m[0].length] as [number, number]);
}

export type Matches = { strengths: Strengths; ids: string[]; obfuscatedHits: number };

/** Whether offset `at` starts a line, allowing a few quoting, list or heading marks before it. */
function startsLine(view: string, at: number): boolean {
  for (let i = at - 1; i >= 0 && i >= at - 7; i--) {
    const c = view.charCodeAt(i);
    if (c === 10) return true;
    // space, tab, > * _ # [ ( -
    if (c !== 32 && c !== 9 && c !== 62 && c !== 42 && c !== 95 && c !== 35 && c !== 91 && c !== 40 && c !== 45) return false;
  }
  return at <= 7;
}

type Found = { pattern: Pattern; at: number };

/**
 * Tries each entry of `list` at token `t`; records and marks the patterns that match. Positional
 * arguments: this runs for every lead word of every message.
 */
function tryAt(list: readonly Entry[], skip: number, view: string, raw: string, tokens: Tokens, t: number, done: Uint8Array, found: Found[]): void {
  const at = tokens.starts[t] ?? 0;
  for (let i = 0; i < list.length; i++) {
    const { lead, pattern, n, then } = list[i] as Entry;
    if (done[n] === 1) continue;
    if (lead.stem && !view.startsWith(lead.key, at)) continue;
    if (then.length > 0 && !followedBy(view, tokens, t, skip, then)) continue;
    if (pattern.lineStart && !startsLine(view, at)) continue;
    pattern.re.lastIndex = at;
    if (!pattern.re.test(view)) continue;
    // A case check on the caller's text needs its offsets to be the view's.
    if (pattern.raw !== undefined && (raw.length !== view.length || !raw.startsWith(pattern.raw, at))) continue;
    done[n] = 1;
    found.push({ pattern, at });
  }
}

function allPresent(present: Uint8Array, chars: string): boolean {
  for (let i = 0; i < chars.length; i++) if (present[chars.charCodeAt(i)] !== 1) return false;
  return true;
}

/** Every pattern that matches `view`, with where its first match starts; `skip` names those to leave out. */
function run({ view, tokens, raw, skip }: { view: string; tokens: Tokens; raw: string; skip: ReadonlySet<string> }): Found[] {
  const found: Found[] = [];
  const done = new Uint8Array(LED.length);
  if (skip.size > 0) {
    for (const [n, p] of LED.entries()) done[n] = skip.has(p.id) ? 1 : 0;
  }
  const { hashes, prefix3 } = tokens;
  const last = hashes.length - 1;
  for (let t = 0; t <= last; t++) {
    const h = hashes[t] as number;
    const k = key30(h);
    if (WORD_FILTER[k & FILTER_MASK] === 1) {
      const single = BY_WORD.get(k);
      if (single !== undefined) tryAt(single, 0, view, raw, tokens, t, done, found);
    }
    if (t < last) {
      const pk = pairKey(h, hashes[t + 1] as number);
      if (PAIR_FILTER[pk & FILTER_MASK] === 1) {
        const pair = BY_PAIR.get(pk);
        if (pair !== undefined) tryAt(pair, 1, view, raw, tokens, t, done, found);
      }
    }
    const p3 = prefix3[t] as number;
    if (p3 !== 0) {
      const sk = key30(p3);
      if (STEM_FILTER[sk & FILTER_MASK] === 1) {
        const stemmed = BY_STEM.get(sk);
        if (stemmed !== undefined) tryAt(stemmed, 0, view, raw, tokens, t, done, found);
      }
    }
  }
  for (const p of SCANNED) {
    if (skip.has(p.id)) continue;
    if (p.chars !== undefined && !allPresent(tokens.present, p.chars)) continue;
    if (p.script !== undefined && (tokens.scripts & p.script) === 0) continue;
    const whole = p.raw ? raw : view;
    const target = p.tail !== undefined && whole.length > p.tail ? whole.slice(-p.tail) : whole;
    if (!p.need.some((n) => target.includes(n))) continue;
    const m = p.re.exec(target);
    if (m) found.push({ pattern: p, at: m.index + whole.length - target.length });
  }
  return found;
}

/**
 * Every pattern's verdict on `views` (and on `raw`, the text as given, for the case-sensitive ones).
 * `tokens` are the tokens of `views.plain` and, when it exists, of `views.folded`.
 */
export function matchPatterns({ views, tokens, raw }: { views: Views; tokens: { plain: Tokens; folded: Tokens | null }; raw: string }): Matches {
  const strengths: Strengths = {};
  const ids: string[] = [];
  const add = (family: Family, w: number, id: string) => {
    if (w > 0) strengths[family] = 1 - (1 - (strengths[family] ?? 0)) * (1 - w);
    ids.push(id);
  };

  const plainHits = run({ view: views.plain, tokens: tokens.plain, raw, skip: new Set() });
  let code: [number, number][] | null = null;
  for (const { pattern: p, at } of plainHits) {
    if (MARKER_FAMILIES.has(p.family)) {
      code ??= codeRanges(views.plain);
      if (code.some(([from, to]) => at >= from && at < to)) {
        add(p.family, p.w * CODE_WEIGHT, `${p.id}_in_code`);
        continue;
      }
    }
    add(p.family, p.w, p.id);
  }

  // Folded and squashed views: only what the plain text did not already show counts, as obfuscated.
  let obfuscatedHits = 0;
  const seen = new Set(plainHits.map((h) => h.pattern.id));
  if (views.folded !== null && tokens.folded !== null) {
    for (const { pattern: p } of run({ view: views.folded, tokens: tokens.folded, raw, skip: seen })) {
      if (p.kind === "scan" && p.raw) continue;
      add(p.family, p.w, p.id);
      seen.add(p.id);
      obfuscatedHits++;
    }
  }
  if (views.squashed !== null) {
    for (const p of SQUASHED) {
      if (p.re.test(views.squashed)) {
        add(p.family, p.w, p.id);
        obfuscatedHits++;
      }
    }
  }
  return { strengths, ids, obfuscatedHits };
}

/**
 * How strongly the text hides itself. Hiding a known attack phrase is strong evidence; lookalike
 * letters or stand-in digits alone are weak (product names, usernames and gamer tags use them too).
 */
export function obfuscationStrength({ views, obfuscatedHits }: { views: Views; obfuscatedHits: number }): number {
  const { homoglyph, leet, invisible, spaced, longestSpaced } = views.hints;
  let s = 0;
  const add = (w: number) => (s = 1 - (1 - s) * (1 - w));
  // A phrase found only once typos were corrected counts in its own family, not as hiding: people
  // misspell words by accident ("forgot evrything").
  const disguised = homoglyph + leet + spaced > 0 || views.squashed !== null;
  if (obfuscatedHits > 0 && disguised) add(0.7);
  if (homoglyph >= 3) add(0.45);
  else if (homoglyph >= 1) add(0.25);
  if (leet >= 3) add(0.2);
  if (invisible >= 3) add(0.2);
  // A whole sentence spelled out letter by letter ("S a y t h a t y o u …") hides what it says.
  if (longestSpaced >= 12) add(0.45);
  else if (spaced >= 2) add(0.1);
  return s;
}
