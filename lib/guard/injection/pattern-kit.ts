/**
 * Building blocks for the signal patterns. The views they run on are lower case (see deobfuscate.ts),
 * so patterns are written in lower case without the `i` flag.
 *
 * Speed: a hundred regexes scanned over 8,000 characters cost ~15 ms, far over budget. So most
 * patterns name their possible first words (`lead`); the scorer tokenizes the text once and tries a
 * pattern (a sticky regex) only at the tokens that can start it, which costs microseconds. Patterns
 * that start with punctuation (`<|im_start|>`) scan instead, and only when a rare substring (`need`)
 * is present.
 *
 * Linear time: every repetition is bounded ({0,n}, {1,24}) and alternates between disjoint classes
 * (letters and digits vs. everything else), so one attempt costs at most a constant times the length
 * of the words it crosses; no input can make the engine retry exponentially many splits.
 */

/** The signal families a pattern can feed; their names are what the scorer reports. */
export type Family = "override" | "extraction" | "roleplay_jailbreak" | "template_tokens" | "fake_role" | "encoded_payload" | "obfuscation";

type Base = {
  id: string;
  family: Family;
  /** how sure one match makes us, 0..1; matches in one family combine as independent evidence */
  w: number;
};

/**
 * How a lead phrase is found among tokens: its first token (`key`, a whole word or, with `stem`, a
 * prefix), then the words that must follow it (`then`; a trailing `*` is a prefix). A cheap filter:
 * the regex decides.
 */
export type Lead = { key: string; stem: boolean; then: readonly string[] };

/**
 * Tried (a sticky regex) at each token where one of its `leads` starts. `lineStart` patterns are
 * tried only where the token begins a line (after optional quoting or list marks).
 */
export type LedPattern = Base & {
  kind: "led";
  leads: readonly Lead[];
  re: RegExp;
  lineStart?: boolean;
  /** the caller's text must read exactly this (case included) where the match starts: "DAN", not "Dan" */
  raw?: string;
};

/**
 * Scanned over the whole view, only when every character of `chars` occurs in it and the text has
 * `script` (both known from the tokenizer, free), and then one of `need` (a substring search).
 */
export type ScanPattern = Base & {
  kind: "scan";
  re: RegExp;
  /** ASCII characters that every match contains */
  chars?: string;
  need: readonly string[];
  /** a script the text must contain (tokenize.ts SCRIPT bits: found by the tokenizer, free) */
  script?: number;
  /** the caller's text as given (for case), instead of the lower-cased view */
  raw?: boolean;
  /** only the last `tail` characters are searched (for patterns anchored at the end) */
  tail?: number;
};

export type Pattern = LedPattern | ScanPattern;

/**
 * A word character, as the tokenizer (tokenize.ts) sees one: ASCII lower-case letters and digits, and
 * everything from U+00C0 up except punctuation, symbols and surrogates. A plain range class: Unicode
 * property classes (\p{L}) cost three to four times more per character tried.
 */
export const WORD_CHAR = String.raw`a-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff\u2c00-\u2fff\u3040-\ud7ff\ue000-\ufdff\ufe10-\ufeff\uff10-\uffff`;
/** Start and end of a word (JavaScript's \b knows only ASCII letters). */
export const B = `(?<![${WORD_CHAR}])`;
export const E = `(?![${WORD_CHAR}])`;
/** Between two words: spaces and punctuation, a few characters at most. */
export const S = `[^${WORD_CHAR}]{1,4}`;
const WORD = `[${WORD_CHAR}]{1,24}`;

/** Up to `n` filler words, then the separator before the next word. */
export function gap(n: number): string {
  return `(?:${S}${WORD}){0,${n}}${S}`;
}

/**
 * Literal phrases as one alternation: a space stands for any whitespace, an apostrophe is optional
 * (either ' or ’), a hyphen may be a space or nothing, and a trailing `*` lets the word go on.
 *
 * The phrases are merged into a trie first ("you will die|you will be deleted" becomes
 * "you\s+will\s+(?:die|be\s+deleted)"): the regex engine tries alternatives one by one, so a flat list of
 * fifty phrases costs fifty comparisons at every position it is tried, a trie a handful.
 */
export function words(...phrases: string[]): string {
  const root: TrieNode = { end: false, next: new Map() };
  for (const phrase of phrases) {
    let node = root;
    const chars = Array.from(phrase);
    for (let i = 0; i < chars.length; i++) {
      const atom = atomOf(chars[i] as string, i === chars.length - 1);
      let child = node.next.get(atom);
      if (!child) {
        child = { end: false, next: new Map() };
        node.next.set(atom, child);
      }
      node = child;
    }
    node.end = true;
  }
  return `(?:${emit(root)})`;
}

type TrieNode = { end: boolean; next: Map<string, TrieNode> };

const SPECIAL: Readonly<Record<string, string>> = {
  " ": String.raw`\s+`,
  "'": "['’]?",
  "-": String.raw`[-\s]?`,
};
const ESCAPED = new Set(".?+*()[]{}|^$\\/");
const WORD_TAIL = `[${WORD_CHAR}]*`;

/**
 * One character of a phrase as a regex atom, special characters translated. (The patterns are built
 * on every server start, before the first chat is scored: ~4,000 phrases, so no regex or array per
 * character here.)
 */
function atomOf(ch: string, last: boolean): string {
  if (ch === "*" && last) return WORD_TAIL;
  return SPECIAL[ch] ?? (ESCAPED.has(ch) ? `\\${ch}` : ch);
}

function emit(node: TrieNode): string {
  // A run of single children (most of a phrase) is one string, without a call per character.
  let prefix = "";
  while (node.next.size === 1 && !node.end) {
    const [atom, child] = node.next.entries().next().value as [string, TrieNode];
    prefix += atom;
    node = child;
  }
  if (node.next.size === 0) return prefix;
  let body: string;
  if (node.next.size === 1) {
    const [atom, child] = node.next.entries().next().value as [string, TrieNode];
    body = atom + emit(child);
  } else {
    const branches: string[] = [];
    for (const [atom, child] of node.next) branches.push(atom + emit(child));
    body = `(?:${branches.join("|")})`;
  }
  return prefix + (node.end ? `(?:${body})?` : body);
}

/** A non-capturing alternation of regex sources. */
export function alt(...parts: string[]): string {
  return `(?:${parts.join("|")})`;
}

const LEAD_SEPARATOR = new RegExp(`[^${WORD_CHAR}*]+`);

/**
 * The token filter for a lead phrase: its tokens as the tokenizer cuts them ("don't" is "don", "t").
 * A joined spelling the regex also accepts ("dont", "roleplay") needs its own lead.
 */
function leadOf(phrase: string): Lead {
  const tokens = phrase.split(LEAD_SEPARATOR).filter(Boolean);
  const key = tokens[0] ?? phrase;
  const stem = tokens.length === 1 && key.endsWith("*");
  return { key: key.replace(/\*$/, ""), stem, then: tokens.slice(1) };
}

/** Every phrase of `a` followed by every phrase of `b`: `cross(["you will"], ["obey", "follow"])`. */
export function cross(a: readonly string[], b: readonly string[]): string[] {
  return a.flatMap((x) => b.map((y) => `${x} ${y}`));
}

/**
 * A pattern that starts with one of `lead` (phrases as in `words`) and continues with `rest`
 * (regex source). A word boundary after the lead is implied.
 */
export function led({ id, family, w, lead, rest }: Base & { lead: readonly string[]; rest: string }): LedPattern {
  const leads = lead.map(leadOf);
  for (const l of leads) if (l.stem && l.key.length < 3) throw new Error(`pattern ${id}: stem "${l.key}" is too short to index`);
  return { kind: "led", id, family, w, leads, re: new RegExp(`${words(...lead)}${E}${rest}`, "y") };
}

/** A led pattern that only counts after `lookbehind` (checked once per try, at the lead word). */
export function after(lookbehind: string, p: Base & { lead: readonly string[]; rest: string }): LedPattern {
  const base = led(p);
  return { ...base, re: new RegExp(lookbehind + base.re.source, "y") };
}

export function scan(p: Base & { re: RegExp; chars?: string; need: readonly string[]; script?: number; raw?: boolean; tail?: number }): ScanPattern {
  return { kind: "scan", ...p };
}

export function re(source: string): RegExp {
  return new RegExp(source);
}
