/**
 * The first input stage: the text a model reads should be the text a person sees. Invisible
 * characters can hide instructions (Unicode tag characters spell ASCII that renders as nothing),
 * split words so a detector misses them ("ig\u200Bnore"), or reorder what is displayed (bidi
 * overrides). This stage removes them and folds look-alike forms with NFKC ("ｉｇｎｏｒｅ" → "ignore").
 *
 * Choices worth knowing:
 * - U+200D (zero-width joiner) is removed, so an emoji family or a profession emoji falls apart into
 *   its separate emoji; the meaning survives and ZWJ is a favourite splitter. U+200C (non-joiner)
 *   goes too: Persian and Indic words lose a shaping hint, not a letter.
 * - One U+FE0E or U+FE0F (text or emoji presentation) right after a visible character is kept, so
 *   ❤️ stays red. Every other variation selector is removed: runs of them can encode bytes
 *   ("emoji smuggling"), and the ideographic ones (U+E0100…) only pick a glyph variant.
 * - Tag characters are removed, except inside the three emoji flags that are built from them
 *   (England, Scotland, Wales); {@link decodeTagSmuggling} recovers what the others spelled.
 * - NFKC also folds superscripts and fractions ("x²" → "x2", "½" → "1⁄2"); that is the price of
 *   folding full-width and mathematical letters, which attackers use to dodge word lists.
 *
 * Linear time: one pass over the code points, then one normalize call.
 */
export type NormalizedInput = {
  text: string;
  /** How many characters of each kind were removed (code points, not UTF-16 units). */
  removed: { zeroWidth: number; bidi: number; tags: number; controls: number };
  changed: boolean;
};

type Kind = keyof NormalizedInput["removed"];

const TAG_FIRST = 0xe0000;
const TAG_LAST = 0xe007f;
const TAG_CANCEL = 0xe007f;
const WAVING_BLACK_FLAG = 0x1f3f4;
const VS15 = 0xfe0e;
const VS16 = 0xfe0f;

/** Subdivision flags in Unicode's recommended emoji set: 🏴 + these tag letters + cancel tag. */
const FLAG_TAGS: ReadonlySet<string> = new Set(["gbeng", "gbsct", "gbwls"]);

/** Fast check: does the text hold anything this stage removes (or any variation selector)? */
const SUSPECT =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/u;

export function normalizeInput(text: string): NormalizedInput {
  const removed = { zeroWidth: 0, bidi: 0, tags: 0, controls: 0 };
  let stripped = text;
  if (SUSPECT.test(text)) {
    const parts: string[] = [];
    let kept = 0; // start of the run of kept text not yet copied to parts
    let afterBase = false; // the last code point was kept and is not a variation selector
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i) ?? 0;
      const width = cp > 0xffff ? 2 : 1;
      if (cp === WAVING_BLACK_FLAG) {
        const flagEnd = subdivisionFlagEnd({ text, from: i + width });
        if (flagEnd !== -1) {
          i = flagEnd;
          afterBase = true;
          continue;
        }
      }
      const kind = removalKind({ cp, afterBase });
      if (kind === null) {
        i += width;
        afterBase = cp !== VS15 && cp !== VS16;
        continue;
      }
      removed[kind]++;
      parts.push(text.slice(kept, i));
      i += width;
      kept = i;
      afterBase = false;
    }
    parts.push(text.slice(kept));
    stripped = parts.join("");
  }
  // No code point's NFKC form contains a character removed above (checked over all of Unicode on
  // Node 20's ICU), so folding after removing cannot bring one back.
  const normalized = stripped.normalize("NFKC");
  return { text: normalized, removed, changed: normalized !== text };
}

/**
 * The ASCII spelled by tag characters (each is U+E0000 plus an ASCII code), runs joined without a
 * separator, so an injection detector can read what was hidden. "" if nothing was hidden. The
 * tags of the emoji flags of England, Scotland and Wales are not counted.
 */
export function decodeTagSmuggling(text: string): string {
  if (!/[\u{E0000}-\u{E007F}]/u.test(text)) return "";
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === WAVING_BLACK_FLAG) {
      const flagEnd = subdivisionFlagEnd({ text, from: i + width });
      if (flagEnd !== -1) {
        i = flagEnd;
        continue;
      }
    }
    // U+E0001 (language tag) and U+E007F (cancel tag) spell nothing; printable ASCII and the
    // controls in between (a tagged newline or tab) are kept as they were meant.
    if (cp > TAG_FIRST + 1 && cp < TAG_CANCEL) out.push(String.fromCharCode(cp - TAG_FIRST));
    i += width;
  }
  return out.join("");
}

function removalKind({ cp, afterBase }: { cp: number; afterBase: boolean }): Kind | null {
  if (cp >= TAG_FIRST && cp <= TAG_LAST) return "tags";
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
    return "bidi";
  }
  if (cp === VS15 || cp === VS16) return afterBase ? null : "zeroWidth";
  if (isZeroWidth(cp)) return "zeroWidth";
  if (isControl(cp)) return "controls";
  return null;
}

function isZeroWidth(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200d) || // zero-width space, non-joiner, joiner
    (cp >= 0x2060 && cp <= 0x2064) || // word joiner, invisible math operators
    cp === 0xfeff || // zero-width no-break space (BOM)
    (cp >= 0x180b && cp <= 0x180f) || // Mongolian vowel separator and variation selectors
    cp === 0x034f || // combining grapheme joiner
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0 || // Hangul fillers: blank letters used as invisible text
    cp === 0x17b4 ||
    cp === 0x17b5 || // Khmer inherent vowels, invisible
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors (FE0E/FE0F handled by the caller)
    (cp >= 0xe0100 && cp <= 0xe01ef) // ideographic variation selectors
  );
}

function isControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  return (
    cp <= 0x1f ||
    (cp >= 0x7f && cp <= 0x9f) || // DEL and C1 controls
    cp === 0x00ad || // soft hyphen
    (cp >= 0x206a && cp <= 0x206f) || // deprecated format characters
    (cp >= 0xfff9 && cp <= 0xfffb) || // interlinear annotation
    (cp >= 0x1d173 && cp <= 0x1d17a) // musical formatting
  );
}

/**
 * If the tag characters from `from` spell one of {@link FLAG_TAGS} and end with a cancel tag,
 * the index after the cancel tag; otherwise -1. Looks at most six code points ahead.
 */
function subdivisionFlagEnd({ text, from }: { text: string; from: number }): number {
  let letters = "";
  let i = from;
  for (let n = 0; n <= 6; n++) {
    const cp = text.codePointAt(i);
    if (cp === undefined || cp < TAG_FIRST || cp > TAG_LAST) return -1;
    i += 2;
    if (cp === TAG_CANCEL) return FLAG_TAGS.has(letters) ? i : -1;
    letters += String.fromCharCode(cp - TAG_FIRST);
  }
  return -1;
}
