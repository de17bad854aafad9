import type { Span } from "../types";
import { IBAN_LENGTHS, ibanValid } from "./checksums";
import { hasContextBefore } from "./context";

/**
 * Country code, check digits, then up to 30 letters or digits, each optionally after one space, dot
 * or dash: printed groups of four, none, irregular groups, "GB82.WEST.…", "DE89-3704-…", and the
 * country code set apart ("NO 39 7874 0597 506"). Every repetition reads one separator at most and
 * then one character, so the pattern splits one way only. The candidate may run into the next words
 * ("… 7654 32 is mine"); the country's length decides where the IBAN really ends.
 */
const CANDIDATE = /(?<![\p{L}\p{N}_])[A-Za-z]{2}[ .-]?\d[ .-]?\d(?:[ .-]?[A-Za-z0-9]){11,30}/gu;

const SEPARATOR = /[ .-]/;

const IBAN_CONTEXT = /\b(?:iban|bank|account|konto|compte|cuenta|conto|rekening|transfer|überweisung|virement)\b/gi;

/**
 * An IBAN: known country, that country's length, mod-97 valid; upper or lower case, grouped any way.
 * A lower-case country code set apart from its digits ("no 12 …", "is 45 …") is an ordinary word
 * far more often, so it counts only after a word such as "IBAN" or "account".
 */
export function findIbans(text: string): Span[] {
  const spans: Span[] = [];
  const candidates = new RegExp(CANDIDATE.source, CANDIDATE.flags);
  for (let match = candidates.exec(text); match !== null; match = candidates.exec(text)) {
    const end = ibanEnd({ text, start: match.index, raw: match[0] });
    if (end === -1 || !plausiblyWritten({ text, start: match.index, raw: match[0] })) {
      // The candidate may have swallowed the start of the next IBAN: look again just after this start.
      candidates.lastIndex = match.index + 1;
      continue;
    }
    spans.push({ start: match.index, end, type: "IBAN" });
    candidates.lastIndex = end;
  }
  return spans;
}

function plausiblyWritten({ text, start, raw }: { text: string; start: number; raw: string }): boolean {
  const setApart = SEPARATOR.test(raw[2] ?? "") || SEPARATOR.test(raw[3] ?? "");
  if (!setApart || /^[A-Z]{2}/.test(raw)) return true;
  return hasContextBefore({ text, index: start, keywords: IBAN_CONTEXT, window: 40 });
}

/** Where the IBAN that starts the candidate ends, or -1 if it is not one. */
function ibanEnd({ text, start, raw }: { text: string; start: number; raw: string }): number {
  const length = IBAN_LENGTHS[raw.slice(0, 2).toUpperCase()];
  if (length === undefined) return -1;
  let compact = "";
  let i = 0;
  while (i < raw.length && compact.length < length) {
    if (!SEPARATOR.test(raw[i] ?? "")) compact += raw[i];
    i++;
  }
  const end = start + i;
  // The IBAN must end where a word ends, not inside "…32abc", nor run on as digits ("…32-7").
  if (compact.length !== length || /[\p{L}\p{N}_]/u.test(text[end] ?? "") || /^[.-]\d/.test(text.slice(end, end + 2))) return -1;
  return ibanValid(compact.toUpperCase()) ? end : -1;
}
