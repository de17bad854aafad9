/**
 * Copies of a message prepared for matching. The caller's text is never changed: the pipeline sends the
 * user's own words on, and these views exist only so that patterns written in plain lower-case letters
 * also see "1gn0r3", "іgnоrе" (Cyrillic і, о, е) and "i g n o r e".
 *
 * The tokenizer's one pass (tokenize.ts) says which words need folding; only those are touched, so the
 * cost on ordinary text is that pass alone, and linear on hostile input (the regexes here have no
 * nested or overlapping repetition).
 */
import { tokenizeWithOffsets, type Tokens } from "./tokenize";
import { correctTypos } from "./typos";

/** What the obfuscation steps found; counts, so the scorer can weigh them. */
export type ObfuscationHints = {
  /** zero-width, bidi and tag characters removed */
  invisible: number;
  /** words mixing Latin with Cyrillic/Greek lookalikes, or made only of lookalikes */
  homoglyph: number;
  /** words with digits standing in for letters */
  leet: number;
  /** runs of single letters spread out by spaces or punctuation ("i g n o r e") */
  spaced: number;
  /** letters in the longest such run */
  longestSpaced: number;
};

export type Views = {
  /** NFKC, lower case, invisible characters removed; line breaks kept (role markers start lines) */
  plain: string;
  /** `plain` with lookalikes and leetspeak mapped to Latin letters, spaced letters joined and misspelt attack words corrected; null when identical */
  folded: string | null;
  /** `folded` with every non-letter removed, for phrases spelled one letter at a time; null unless letters were spaced */
  squashed: string | null;
  hints: ObfuscationHints;
  /** the tokens of `plain` and, when it exists, of `folded` (tokenize.ts) */
  tokens: { plain: Tokens; folded: Tokens | null };
};

// Zero-width, joiners, bidi controls, word joiner and invisible operators, BOM, soft hyphen, Unicode tags.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu;
const NON_ASCII = /[^\x00-\x7F]/;

/** Cyrillic and Greek letters (lower case, after toLowerCase) that render like a Latin letter. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: "a",
  в: "b",
  е: "e",
  ё: "e",
  к: "k",
  м: "m",
  н: "h",
  о: "o",
  р: "p",
  с: "c",
  т: "t",
  у: "y",
  х: "x",
  і: "i",
  ї: "i",
  ј: "j",
  ѕ: "s",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  һ: "h",
  ӏ: "l",
  ɡ: "g",
  ɑ: "a",
  ı: "i",
  α: "a",
  β: "b",
  ε: "e",
  η: "n",
  ι: "i",
  κ: "k",
  μ: "u",
  ν: "v",
  ο: "o",
  ρ: "p",
  τ: "t",
  υ: "u",
  χ: "x",
  ω: "w",
  γ: "y",
  ς: "c",
  ϲ: "c",
  ϳ: "j",
};
// Digits only: "@" and "$" end a word for the tokenizer, so "h@ck" is two words and stays so.
const LEET: Readonly<Record<string, string>> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "8": "b",
  "9": "g",
};

const LATIN = /[a-z]/;
const CYRILLIC_OR_GREEK = /[\u0370-\u03FF\u0400-\u04FF\u0500-\u052F]/;
const LETTER = /\p{L}/u;
// Four or more single letters, each followed by one to three separators: "i g n o r e", "i.g.n.o.r.e".
// Letters and separators are disjoint classes, so each step consumes fresh input: linear time.
const SPACED = /(?<![\p{L}\p{N}])\p{L}(?:[ \t._*\-·,'/|+]{1,3}\p{L}(?![\p{L}\p{N}])){3,}/gu;
const NON_LETTER = /[^\p{L}]+/gu;

const HEXISH = /^[0-9a-f]{6,}$/;
const INNER_STAND_IN = /\p{L}[0-9]{1,2}\p{L}/u;

/** What folding found: mixed-script words, words wholly in lookalikes, genuine Cyrillic/Greek words, leetspeak. */
type FoldCounts = { mixed: number; pureLookalike: number; leet: number };

/** Maps one word's borrowed glyphs and stand-in digits to Latin letters; counts what it changed. */
function foldWord(word: string, counts: FoldCounts): string {
  let out = word;
  if (CYRILLIC_OR_GREEK.test(word)) {
    out = Array.from(out, (ch) => LOOKALIKES[ch] ?? ch).join("");
    if (LATIN.test(word)) counts.mixed++;
    else counts.pureLookalike++;
  }
  // Leetspeak words are short; long letter-digit strings are hashes, ids, colours and keys.
  if (out.length < 4 || out.length > 16 || HEXISH.test(out)) return out;
  let letters = 0;
  let stand = 0;
  for (const ch of out) {
    if (ch in LEET) stand++;
    else if (LETTER.test(ch)) letters++;
  }
  // Leetspeak puts stand-ins between letters ("h4x0r", "1gn0r3", "pr0mpt", "1nstruct10ns"): at least
  // one run of one or two of them with a letter on each side. Ordinals, units, versions and names
  // ("1st", "10k", "mp3", "h264", "covid19", "x86", "utf8") have none, and stay as they are.
  if (stand > 0 && letters >= 2 && letters >= stand && INNER_STAND_IN.test(out)) {
    out = Array.from(out, (ch) => LEET[ch] ?? ch).join("");
    counts.leet++;
  }
  return out;
}

/**
 * Folds the tokens the tokenizer marked as mixed (scripts, or letters with digits), leaving everything
 * else as it is. Parts of URLs, paths, identifiers and colours ("w3schools.com/…", "#c7b8f5") are not
 * prose and keep their digits.
 */
function foldTokens({ text, tokens, counts }: { text: string; tokens: Tokens; counts: FoldCounts }): string {
  let out = "";
  let last = 0;
  for (const t of tokens.mixed) {
    const start = tokens.starts[t] ?? 0;
    const word = text.slice(start, tokens.ends[t] ?? start);
    const pure = !/[a-z0-9]/.test(word);
    // In Russian or Greek prose, "как" and "οχι" are ordinary words that happen to look Latin: words
    // spelled wholly in lookalikes are folded only when the text has no genuine Cyrillic/Greek words.
    if (pure && tokens.genuineOther > 0) continue;
    if (/[0-9]/.test(word) && start > 0 && "/.:#_-=&?@".includes(text[start - 1] ?? " ")) continue;
    const folded = foldWord(word, counts);
    if (folded === word) continue;
    out += text.slice(last, start) + folded;
    last = start + word.length;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * The views of `text` the signal patterns run on; see `Views`. `squash` asks for the letters-only view
 * even without spaced letters (decoded Morse often has no word gaps).
 */
export function buildViews(text: string, { squash = false }: { squash?: boolean } = {}): Views {
  const hints: ObfuscationHints = { invisible: 0, homoglyph: 0, leet: 0, spaced: 0, longestSpaced: 0 };
  let plain = text;
  // Pure ASCII needs neither step; most messages are, and both cost a scan.
  if (NON_ASCII.test(plain)) {
    plain = plain.replace(INVISIBLE, () => {
      hints.invisible++;
      return "";
    });
    plain = plain.normalize("NFKC");
  }
  plain = plain.toLowerCase();
  const plainTokens = tokenizeWithOffsets(plain);

  const counts: FoldCounts = { mixed: 0, pureLookalike: 0, leet: 0 };
  let folded = plainTokens.mixed.length > 0 ? foldTokens({ text: plain, tokens: plainTokens, counts }) : plain;
  hints.homoglyph = counts.mixed + counts.pureLookalike;
  hints.leet = counts.leet;
  if (plainTokens.spaced) {
    folded = folded.replace(SPACED, (run) => {
      hints.spaced++;
      hints.longestSpaced = Math.max(hints.longestSpaced, Math.ceil(run.length / 2));
      // A wide gap (two or more separators) is the space between words; a single one is inside a word.
      return run.replace(/([ \t._*\-·,'/|+]{2,})|[ \t._*\-·,'/|+]/g, (_m, wide: string | undefined) => (wide ? " " : ""));
    });
  }
  let foldedTokens = folded === plain ? plainTokens : tokenizeWithOffsets(folded);
  const typos = correctTypos(folded, foldedTokens);
  if (typos.corrected > 0) {
    folded = typos.text;
    foldedTokens = tokenizeWithOffsets(folded);
  }
  const changed = folded !== plain;
  return {
    plain,
    folded: changed ? folded : null,
    squashed: hints.spaced > 0 || squash ? folded.replace(NON_LETTER, "") : null,
    hints,
    tokens: { plain: plainTokens, folded: changed ? foldedTokens : null },
  };
}
