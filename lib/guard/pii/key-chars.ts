/**
 * What a split key is made of (./split-secrets): body characters, and the joiners that may stand
 * between its pieces: white space, markdown markers and invisible characters.
 */

/** Zero-width and other invisible characters: soft hyphen, CGJ, Mongolian vowel separator, ZWSP to RLM, word joiner to invisible plus, BOM, variation selectors. */
export const INVISIBLE = "\\u00ad\\u034f\\u180e\\u200b-\\u200f\\u2060-\\u2064\\ufeff\\ufe00-\\ufe0f";

/** Limits of one gap between two pieces of a key. */
const GAP = { maxChars: 16, maxLineBreaks: 2 } as const;

/** A run of joiners of at most GAP.maxChars characters and GAP.maxLineBreaks line breaks; null if too long or empty. */
export function readGap({ text, at }: { text: string; at: number }): { end: number; spaced: boolean } | null {
  let i = at;
  let breaks = 0;
  let spaced = false;
  while (i < text.length && i - at <= GAP.maxChars && !isBody({ text, at: i })) {
    const code = text.charCodeAt(i);
    if (!isJoiner(code) && !isDoubleUnderscore({ text, at: i })) break;
    if (code === 0x0a && ++breaks > GAP.maxLineBreaks) return null;
    spaced ||= isSpace(code);
    i++;
  }
  if (i === at || i - at > GAP.maxChars) return null;
  return { end: i, spaced };
}

export function readPiece({ text, at, max }: { text: string; at: number; max: number }): { text: string; atEnd: boolean } {
  let i = at;
  while (i < text.length && i - at < max && isBody({ text, at: i })) i++;
  return { text: text.slice(at, i), atEnd: i >= text.length };
}

/** Characters of a key's body: letters, digits, "_" and "-" (an "__" is emphasis, not body). */
export function isBody({ text, at }: { text: string; at: number }): boolean {
  const code = text.charCodeAt(at);
  if (code === 0x5f) return !isDoubleUnderscore({ text, at });
  return isAlphanumeric(code) || code === 0x2d;
}

export function isDoubleUnderscore({ text, at }: { text: string; at: number }): boolean {
  return text[at] === "_" && (text[at - 1] === "_" || text[at + 1] === "_");
}

export function isJoiner(code: number): boolean {
  return isSpace(code) || isMarker(code) || isInvisible(code);
}

/** Markdown emphasis, code and strike-through markers, and the backslash that escapes them. */
export function isMarker(code: number): boolean {
  return code === 0x2a || code === 0x60 || code === 0x7e || code === 0x5c;
}

/**
 * White space between words, for where a secret's word starts or ends, in what a user sends
 * (pii/secrets.ts) and in what the model writes (output/secrets.ts): ASCII and Unicode spaces, line
 * and paragraph separators, NBSP, the ideographic space and the BOM.
 */
export function isWordSpace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x3000 ||
    code === 0xfeff ||
    (code >= 0x2000 && code <= 0x200a)
  );
}

export function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xa0;
}

/** The characters of INVISIBLE. */
export function isInvisible(code: number): boolean {
  return (
    code === 0xad ||
    code === 0x34f ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2060 && code <= 0x2064) ||
    code === 0xfeff ||
    (code >= 0xfe00 && code <= 0xfe0f)
  );
}

export function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** Lower case, upper case, digit, anything else: 0 to 3. */
export function classOf(code: number): number {
  if (code >= 0x61 && code <= 0x7a) return 0;
  if (code >= 0x41 && code <= 0x5a) return 1;
  if (code >= 0x30 && code <= 0x39) return 2;
  return 3;
}
