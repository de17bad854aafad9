/**
 * The one pass over a message's characters.
 *
 * Speed: on the machines this runs on, a JavaScript loop over 8,000 characters costs about 0.1 ms, a
 * tenth of the scorer's budget; so there is one such loop (`tokenizeWithOffsets`) and everything that
 * needs to look at characters asks it: word offsets and hashes (the pattern index and the model work on
 * hashes, never on sliced strings), which ASCII punctuation occurs, which words mix scripts or digits,
 * spelled-out letters, and runs that may be encoded payloads.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units: the hash of a token, computed the same way inside the tokenizer. */
export function fnv1a(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * Sentence punctuation of scripts whose letters sit above U+00C0, so that "भूलो।" or "አሳየኝ።" is the
 * word without its full stop: Armenian, Hebrew, Arabic and Urdu, Devanagari (danda), Myanmar,
 * Ethiopic, Khmer.
 */
const SENTENCE_MARK = new Uint8Array(0x2000);
for (const c of [
  0x55a, 0x55b, 0x55c, 0x55d, 0x55e, 0x55f, 0x589, 0x5be, 0x5c0, 0x5c3, 0x5c6, 0x60c, 0x61b, 0x61f, 0x6d4, 0x964, 0x965, 0x104a, 0x104b, 0x17d4, 0x17d5, 0x17d6,
])
  SENTENCE_MARK[c] = 1;
for (let c = 0x1361; c <= 0x1368; c++) SENTENCE_MARK[c] = 1;

/** Letters and digits beyond ASCII, roughly: enough to find word edges in any script. */
export function isWordCharAbove7F(c: number): boolean {
  if (c < 0xc0 || c === 0xd7 || c === 0xf7) return false;
  if (c < 0x2000 && SENTENCE_MARK[c] === 1) return false; // full stops and commas of other scripts
  if (c >= 0x2000 && c <= 0x2bff) return false; // punctuation, arrows, maths, box drawing
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xd800 && c <= 0xdfff) return false; // surrogates: emoji and other astral symbols
  if (c >= 0xfe00 && c <= 0xfe0f) return false; // variation selectors
  return !(c >= 0xff00 && c <= 0xff0f); // full-width punctuation
}

// ASCII word characters by code: 1 letter, 2 digit.
const ASCII_WORD = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD[c] = 2;
for (let c = 65; c <= 90; c++) ASCII_WORD[c] = 1;
for (let c = 97; c <= 122; c++) ASCII_WORD[c] = 1;

// Cyrillic and Greek letters that look like Latin ones (see deobfuscate.ts), so the tokenizer can tell
// "как" (all lookalikes) from "дела".
// Lookup tables, not Sets: the tokenizer consults them per character or per token.
const LOOKALIKE = table(0x530, "авеёкмнорстухіїјѕԁԛԝһӏɡɑıαβεηικμνορτυχωγςϲϳ");
/** Spacers between spelled-out letters: "i g n o r e", "i.g.n.o.r.e", "i-g-n-o-r-e". */
const SPACER = table(0xb8, " \t._*-·,'/|+");

function table(size: number, chars: string): Uint8Array {
  const t = new Uint8Array(size);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}

/**
 * Candidate encoded payloads, found from the tokens (not per character): base64 is words joined by
 * "+", "/", "_", "-" or a line break; spaced hex is a row of two-digit hex words; spaced binary a row of
 * eight-digit 0/1 words. decoders.ts decodes them (and looks for Morse and escapes itself).
 */
export type RunKind = "base64" | "hex" | "binary";
export type Run = { kind: RunKind; start: number; end: number };
/** Most runs recorded per text: enough for any real message, bounded for hostile ones. */
const MAX_RUNS = 256;
const B64_JOIN = table(128, "+/_-=\r\n");
const HEX_SEP = table(128, " :,-");

function onlyBinary(codes: Uint16Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (codes[k] !== 48 && codes[k] !== 49) return false;
  return true;
}

/** Whether codes[from, to) is 1 to `max` characters, all marked in `set`. */
function joinedBy(codes: Uint16Array, from: number, to: number, set: Uint8Array, max: number): boolean {
  if (to - from < 1 || to - from > max) return false;
  for (let k = from; k < to; k++) if (set[codes[k] as number] !== 1) return false;
  return true;
}

/**
 * The text's UTF-16 code units, copied into one reused buffer. The loop below reads them from there:
 * V8's code for `charCodeAt` depends on how each string happens to be stored (flat, or a concatenation
 * such as the folded view), and a tokenizer fed both kinds ran three times slower than one reading an
 * array (measured: 0.3 ms against 0.1 ms per 8,000 characters). A single thread runs this.
 */
let CODES = new Uint16Array(1 << 14);
function codeUnits(text: string): Uint16Array {
  if (CODES.length < text.length + 1) CODES = new Uint16Array(Math.max(text.length + 1, CODES.length * 2));
  const codes = CODES;
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  codes[text.length] = 0;
  return codes;
}

/**
 * What the one pass finds. Tokens are maximal runs of word characters: `starts[t]`, `ends[t]`,
 * `hashes[t]` (fnv1a of the token), `prefix3[t]` (fnv1a of its first three characters, 0 if shorter)
 * and `numeric[t]` (1 if all digits). `present[c]` is 1 when the ASCII punctuation, space or control
 * character c occurs (letters and digits are not recorded). `mixed`
 * lists the tokens mixing scripts or letters with digits (the only ones worth folding), `genuineOther`
 * counts words in another script that do not merely look Latin, `spaced` says whether four single
 * letters are spelled out in a row, and `runs` are candidate encoded payloads.
 */
/** Scripts without spaces between words, whose patterns scan instead of using the word index. */
export const SCRIPT = { cjk: 1, arabic: 2, devanagari: 4 } as const;

export type Tokens = {
  /** which of SCRIPT occur, as bits */
  scripts: number;
  starts: Int32Array;
  ends: Int32Array;
  hashes: Uint32Array;
  prefix3: Uint32Array;
  numeric: Uint8Array;
  present: Uint8Array;
  ascii: boolean;
  mixed: number[];
  genuineOther: number;
  spaced: boolean;
  runs: Run[];
};

/** The one pass over `text` (see `Tokens`); `text` is a lower-cased view. */
export function tokenizeWithOffsets(text: string): Tokens {
  // At most one token per two characters: sized once, trimmed at the end.
  const cap = (text.length >> 1) + 1;
  const starts = new Int32Array(cap);
  const ends = new Int32Array(cap);
  const hashes = new Uint32Array(cap);
  const prefix3 = new Uint32Array(cap);
  const numeric = new Uint8Array(cap);
  let n = 0;
  const mixed: number[] = [];
  const runs: Run[] = [];
  const present = new Uint8Array(128);
  let ascii = true;
  let scripts = 0;
  let genuineOther = 0;
  let start = -1;
  let h = FNV_OFFSET;
  let h3 = 0;
  let letters = 0;
  let digits = 0;
  let other = 0;
  let unlike = 0;
  let hexDigits = 0;
  // spelled-out letters: single-letter tokens in a row, and where the last one ended
  let singles = 0;
  let lastSingleEnd = -10;
  let spaced = false;
  // candidate runs being extended: [start, end) and, for the spaced kinds, how many words so far
  let b64Start = -1;
  let b64End = -10;
  let hexStart = -1;
  let hexEnd = -10;
  let hexWords = 0;
  let binStart = -1;
  let binEnd = -10;
  let binWords = 0;
  const close = (kind: RunKind, from: number, to: number) => {
    if (runs.length < MAX_RUNS) runs.push({ kind, start: from, end: to });
  };

  const codes = codeUnits(text);
  const length = text.length;
  for (let i = 0; i <= length; i++) {
    const c = codes[i] as number;
    let kind = 0; // 0 separator, 1 letter, 2 digit, 3 other script
    if (c < 128) {
      kind = ASCII_WORD[c] ?? 0;
      // Only separators are ever asked about ("<", "[", "%"…): word characters skip the store.
      if (kind === 0) present[c] = 1;
    } else {
      ascii = false;
      if (isWordCharAbove7F(c)) kind = 3;
      if (c >= 0x3040) {
        if (c <= 0x9fff || (c >= 0xac00 && c <= 0xd7af)) scripts |= SCRIPT.cjk;
      } else if (c >= 0x600 && c <= 0x6ff) scripts |= SCRIPT.arabic;
      else if (c >= 0x900 && c <= 0x97f) scripts |= SCRIPT.devanagari;
    }
    if (kind !== 0) {
      if (start < 0) {
        start = i;
        h = FNV_OFFSET;
        letters = digits = other = unlike = hexDigits = 0;
      }
      h = Math.imul(h ^ c, FNV_PRIME);
      if (i - start === 2) h3 = h;
      if (kind === 1) {
        letters++;
        if (c >= 97 && c <= 102) hexDigits++;
      } else if (kind === 2) digits++;
      else {
        other++;
        if (LOOKALIKE[c] !== 1) unlike++;
      }
      continue;
    }
    if (start < 0) continue;

    // A token ended at i.
    const len = i - start;
    starts[n] = start;
    ends[n] = i;
    hashes[n] = h;
    prefix3[n] = len >= 3 ? h3 : 0;
    numeric[n] = letters + other === 0 ? 1 : 0;
    if (other > 0 && unlike > 0 && letters === 0) genuineOther++;
    if ((other > 0 && letters + digits > 0) || (other >= 3 && unlike === 0 && letters + digits === 0) || (digits > 0 && letters + other >= 2)) mixed.push(n);
    n++;
    if (!spaced && len === 1 && digits === 0) {
      let near = start - lastSingleEnd >= 1 && start - lastSingleEnd <= 3;
      for (let k = lastSingleEnd; near && k < start; k++) near = SPACER[codes[k] as number] === 1;
      singles = near ? singles + 1 : 1;
      lastSingleEnd = i;
      if (singles >= 4) spaced = true;
    } else if (len > 1) singles = 0;

    if (other === 0) {
      // base64: this word continues the run if only joiners separate them
      if (b64Start >= 0 && start - b64End <= 3 && joinedBy(codes, b64End, start, B64_JOIN, 3)) b64End = i;
      else {
        if (b64End - b64Start >= 16) close("base64", b64Start, b64End);
        b64Start = start > 0 && B64_JOIN[codes[start - 1] as number] === 1 ? start - 1 : start;
        b64End = i;
      }
      // spaced hex: "69 67 6e …"
      if (len === 2 && digits + hexDigits === 2) {
        if (hexStart >= 0 && joinedBy(codes, hexEnd, start, HEX_SEP, 2)) hexWords++;
        else {
          if (hexWords >= 8) close("hex", hexStart, hexEnd);
          hexStart = start;
          hexWords = 1;
        }
        hexEnd = i;
      }
      // spaced binary: "01101001 01100111 …"
      if (len === 8 && digits === 8 && onlyBinary(codes, start, i)) {
        if (binStart >= 0 && joinedBy(codes, binEnd, start, HEX_SEP, 2)) binWords++;
        else {
          if (binWords >= 6) close("binary", binStart, binEnd);
          binStart = start;
          binWords = 1;
        }
        binEnd = i;
      }
    }
    start = -1;
  }
  if (b64End - b64Start >= 16) close("base64", b64Start, b64End);
  if (hexWords >= 8) close("hex", hexStart, hexEnd);
  if (binWords >= 6) close("binary", binStart, binEnd);
  return {
    scripts,
    starts: starts.subarray(0, n),
    ends: ends.subarray(0, n),
    hashes: hashes.subarray(0, n),
    prefix3: prefix3.subarray(0, n),
    numeric: numeric.subarray(0, n),
    present,
    ascii,
    mixed,
    genuineOther,
    spaced,
    runs,
  };
}
