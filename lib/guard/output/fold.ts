/**
 * Finding a marker in streamed text however a model dresses it up. The stream is folded into a
 * shadow of lower-case ASCII letters and digits, one code point at a time, remembering where in
 * the raw stream each shadow character came from; the marker's forms are searched in the shadow
 * with one Knuth–Morris–Pratt automaton each. Every code point is folded once and every automaton
 * step is amortized constant, so the cost is linear in the text whatever its content.
 *
 * Caught: any letter case; anything that is neither a letter nor a digit between the marker's
 * characters (spaces, line breaks, `-`, `.`, markdown emphasis, zero-width and other invisible
 * characters, combining marks), up to {@link FOLD_LIMITS.maxGap} code points at a time;
 * compatibility forms (full-width, mathematical and circled letters, by NFKC); the commonest
 * Cyrillic and Greek look-alikes; the marker reversed, in ROT13, in hex, in base64 and base32 (any
 * alignment), as decimal character codes (`107 51 118…`, `&#107;&#51;…`); one letter or digit between
 * each of its characters (`kx3xvx7…`); and any {@link FOLD_LIMITS.partialChars} characters of it in a
 * row (a partial leak).
 * Not caught, by design: other ciphers, translations into words ("kilo three…"), and words or
 * longer runs of letters between the marker's characters (an HTML tag, a word): each would need its
 * own matcher, and the canary is a tripwire, not the only defence.
 */

/** Limits of the folded matching. */
export const FOLD_LIMITS = {
  /**
   * Most ignored code points between two characters of the marker. Bounds what is held back while
   * a partial match is open (about the longest form's length times this); past it, a partial match
   * is dropped.
   */
  maxGap: 16,
  /** The marker must fold to at least this many characters, or a match could be chance. */
  minSecretChars: 16,
  /**
   * A run of this many of the secret's characters is a leak (60 random bits for the 5-bit
   * characters of a canary: no reply holds them by chance).
   */
  partialChars: 12,
  /** Distinct non-ASCII code points whose folding is remembered. */
  foldCacheSize: 4096,
} as const;

/** Look-alike letters that NFKC keeps apart from Latin ones, after lower-casing. */
const CONFUSABLES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    а: "a",
    с: "c",
    е: "e",
    һ: "h",
    і: "i",
    ј: "j",
    к: "k",
    о: "o",
    р: "p",
    ԛ: "q",
    ѕ: "s",
    у: "y",
    х: "x",
    ԝ: "w",
    α: "a",
    ι: "i",
    κ: "k",
    ν: "v",
    ο: "o",
    ρ: "p",
    υ: "u",
    χ: "x",
    ı: "i",
  }),
);

/** Folds text the way the stream is folded (for building the searched forms). */
export function foldText(text: string): string {
  let out = "";
  for (const char of text) {
    const folded = foldCodePoint(char.codePointAt(0) ?? 0);
    if (folded !== BREAK) out += folded;
  }
  return out;
}

/** A form searched for in the folded stream, in every `stride`-th character (1: consecutive ones). */
export type Form = { text: string; stride: number };

/**
 * The forms of a marker that are searched for: the whole marker, folded, so that a match is held
 * back from its first character; its secret part alone, reversed and in ROT13, folded; every run of
 * FOLD_LIMITS.partialChars of its characters; the secret's UTF-8 bytes in hex and as decimal codes;
 * the part of its base64 and base32 that does not depend on what precedes it, for each byte alignment
 * it can have inside a longer encoded text; and the secret with one character between each of its
 * own (every second folded character, from either parity).
 */
export function canaryForms({ marker, secret }: { marker: string; secret: string }): Form[] {
  const folded = foldText(secret);
  if (folded.length < FOLD_LIMITS.minSecretChars) {
    throw new Error(`A canary must fold to at least ${FOLD_LIMITS.minSecretChars} letters and digits`);
  }
  const bytes = Buffer.from(secret, "utf8");
  const texts = [foldText(marker), folded, [...folded].reverse().join(""), rot13(folded), bytes.toString("hex"), [...bytes].map(String).join("")];
  for (const skip of [0, 1, 2]) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    texts.push(foldText(bytes.subarray(skip, skip + whole).toString("base64")));
  }
  for (const skip of [0, 1, 2, 3, 4]) {
    const whole = Math.floor((bytes.length - skip) / 5) * 5;
    texts.push(base32(bytes.subarray(skip, skip + whole)));
  }
  const full = texts.filter((text) => text.length >= FOLD_LIMITS.minSecretChars);
  const partial: string[] = [];
  for (let i = 0; i + FOLD_LIMITS.partialChars <= folded.length; i++) partial.push(folded.slice(i, i + FOLD_LIMITS.partialChars));
  // The whole marker stays a form although a partial run matches inside it first: an open match of
  // it holds its prefix back, so no part of the marker is let out before the match.
  return [...[...new Set([...full, ...partial])].map((text) => ({ text, stride: 1 })), { text: folded, stride: 2 }];
}

function rot13(text: string): string {
  return text.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97));
}

/** RFC 4648 base32 of whole 5-byte groups, lower case (as the stream is folded). */
function base32(bytes: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Folding result of a letter or digit that is not a Latin one: breaks any partial match. */
const BREAK = "\u0000";

const foldCache = new Map<number, string>();

/** Lower-case ASCII letters and digits for a code point; "" if it is ignored; BREAK if it breaks. */
function foldCodePoint(cp: number): string {
  if (cp < 0x80) {
    if (cp >= 0x61 && cp <= 0x7a) return String.fromCharCode(cp);
    if (cp >= 0x41 && cp <= 0x5a) return String.fromCharCode(cp + 0x20);
    if (cp >= 0x30 && cp <= 0x39) return String.fromCharCode(cp);
    return "";
  }
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  let folded = "";
  for (const char of String.fromCodePoint(cp).normalize("NFKC").toLowerCase()) {
    if (/^[a-z0-9]$/.test(char)) folded += char;
    else if (CONFUSABLES.has(char)) folded += CONFUSABLES.get(char);
    else if (/^[\p{L}\p{N}]$/u.test(char)) return remember(cp, BREAK);
  }
  return remember(cp, folded);
}

function remember(cp: number, folded: string): string {
  if (foldCache.size < FOLD_LIMITS.foldCacheSize) foldCache.set(cp, folded);
  return folded;
}

/** A KMP matcher of one form, fed every `stride`-th shadow character from `phase` on. */
type Automaton = { form: string; failure: Int32Array; state: number; stride: number; phase: number };

function automaton({ text: form, stride }: Form, phase: number): Automaton {
  const failure = new Int32Array(form.length);
  for (let i = 1, k = 0; i < form.length; i++) {
    while (k > 0 && form[i] !== form[k]) k = failure[k - 1] ?? 0;
    if (form[i] === form[k]) k++;
    failure[i] = k;
  }
  return { form, failure, state: 0, stride, phase };
}

/** Where a stream stands: whether a form was found, and the offset from which text is held back. */
export type FoldProgress = { matched: boolean; holdFrom: number };

/** Searches a stream, chunk by chunk, for any of several folded forms. */
export class FoldedStream {
  readonly #automata: Automaton[];
  /** Raw stream offset of each of the last `#window` shadow characters, by shadow index modulo. */
  readonly #origins: Float64Array;
  readonly #window: number;
  #shadowLength = 0;
  /** Raw offset of the first code unit not yet folded. */
  #offset = 0;
  /** A high surrogate that ended the last chunk, folded once its pair arrives. */
  #carry = "";
  #gap = 0;
  #matched = false;

  constructor(forms: readonly (string | Form)[]) {
    if (forms.length === 0) throw new Error("FoldedStream needs at least one form");
    const given = forms.map((form) => (typeof form === "string" ? { text: form, stride: 1 } : form));
    // A strided form is matched from each parity of the shadow's positions.
    this.#automata = given.flatMap((form) => Array.from({ length: form.stride }, (_, phase) => automaton(form, phase)));
    this.#window = Math.max(...given.map((form) => form.text.length * form.stride));
    this.#origins = new Float64Array(this.#window);
  }

  push(chunk: string): FoldProgress {
    if (this.#matched) return { matched: true, holdFrom: this.#offset };
    let text = this.#carry + chunk;
    const last = text.charCodeAt(text.length - 1);
    this.#carry = last >= 0xd800 && last <= 0xdbff ? text.slice(-1) : "";
    if (this.#carry !== "") text = text.slice(0, -1);
    this.#fold(text);
    return this.#progress();
  }

  /** The stream is over: a partial match can no longer complete, so nothing is held back. */
  end(): FoldProgress {
    if (!this.#matched && this.#carry !== "") {
      this.#fold(this.#carry);
      this.#carry = "";
    }
    return { matched: this.#matched, holdFrom: this.#offset };
  }

  #progress(): FoldProgress {
    const heldByCarry = this.#offset; // the carry, if any, starts here
    let open = 0;
    // An open strided match spans `stride` shadow characters per matched one.
    for (const a of this.#automata)
      if (a.state > 0) open = Math.max(open, a.stride === 1 ? a.state : (a.state - 1) * a.stride + 1 + ((this.#shadowLength - 1 - a.phase) % a.stride));
    if (open === 0) return { matched: this.#matched, holdFrom: heldByCarry };
    const origin = this.#origins[(this.#shadowLength - open) % this.#window] ?? heldByCarry;
    return { matched: this.#matched, holdFrom: Math.min(origin, heldByCarry) };
  }

  #fold(text: string): void {
    for (let i = 0; i < text.length && !this.#matched; ) {
      const cp = text.codePointAt(i) ?? 0;
      const folded = foldCodePoint(cp);
      const origin = this.#offset + i;
      if (folded === BREAK) {
        this.#reset();
      } else if (folded === "") {
        if (++this.#gap > FOLD_LIMITS.maxGap) this.#reset();
      } else {
        for (const char of folded) this.#feed({ char, origin });
      }
      i += cp > 0xffff ? 2 : 1;
    }
    this.#offset += text.length;
  }

  #feed({ char, origin }: { char: string; origin: number }): void {
    this.#gap = 0;
    const position = this.#shadowLength;
    this.#origins[position % this.#window] = origin;
    this.#shadowLength++;
    for (const a of this.#automata) {
      if (a.stride !== 1 && position % a.stride !== a.phase) continue;
      let state = a.state;
      while (state > 0 && a.form[state] !== char) state = a.failure[state - 1] ?? 0;
      if (a.form[state] === char) state++;
      if (state === a.form.length) {
        this.#matched = true;
        return;
      }
      a.state = state;
    }
  }

  #reset(): void {
    this.#gap = 0;
    for (const a of this.#automata) a.state = 0;
  }
}
