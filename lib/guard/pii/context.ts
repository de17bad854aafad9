/**
 * Context around a candidate. Some shapes are personal data only when the text says so ("Phone:
 * 467 3395" is a number to call, "467 3395" alone may be a count), so detectors ask whether a
 * keyword stands just before or after. Windows are short and fixed, so each check costs O(1).
 */

/**
 * Whether `keywords` (a global pattern) matches within `window` characters before `index` with no
 * digit between the keyword and `index`: "Phone: 467 3395", not "phone 555 and then 467 3395".
 */
export function hasContextBefore({ text, index, keywords, window = 40 }: { text: string; index: number; keywords: RegExp; window?: number }): boolean {
  const from = Math.max(0, index - window);
  const before = text.slice(from, index);
  // The window may start inside a word: "st|ring" is not "ring".
  const cutWord = from > 0 && /[\p{L}\p{N}]/u.test(text[from - 1] ?? "");
  let lastEnd = -1;
  for (const match of before.matchAll(keywords)) if (match.index > 0 || !cutWord) lastEnd = match.index + match[0].length;
  return lastEnd !== -1 && !/\d/.test(before.slice(lastEnd));
}

/** Whether the text at `index` matches `label` (a pattern anchored with ^): "… 555 2671 office". */
export function hasContextAfter({ text, index, label, window = 16 }: { text: string; index: number; label: RegExp; window?: number }): boolean {
  return label.test(text.slice(index, index + window));
}
