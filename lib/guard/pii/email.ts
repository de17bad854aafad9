import type { Span } from "../types";

/**
 * An address: a local part of up to 64 characters (letters, digits and ._%+-'), then one to ten
 * domain labels and a letter TLD.
 * The look-behind starts a match only at the start of a run of local-part characters, so a long run
 * without "@" is read once, not once per position; every repetition is bounded or unambiguous.
 * Letters and digits of any script are allowed (internationalized addresses).
 */
const EMAIL =
  /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,10}\p{L}{2,63}(?![\p{L}\p{N}-]|\.[\p{L}\p{N}])/gu;

export function findEmails(text: string): Span[] {
  const spans: Span[] = [];
  // Most messages hold no "@"; the pattern would still try every word (about 0.4 ms over 8,000 characters).
  if (!text.includes("@")) return spans;
  for (const match of text.matchAll(EMAIL)) {
    // A local part cannot start with a dot, and a leading quote is the sentence's ('a@b.com').
    let start = match.index;
    while (text[start] === "." || text[start] === "'") start++;
    if (text[start] === "@") continue;
    spans.push({ start, end: match.index + match[0].length, type: "EMAIL" });
  }
  return spans;
}
