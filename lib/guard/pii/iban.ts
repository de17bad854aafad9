import type { Span } from "../types";
import { IBAN_LENGTHS, ibanValid } from "./checksums";

/**
 * Country code, check digits, then up to 30 letters or digits with optional single spaces. The
 * candidate may run into the next words ("… 7654 32 is mine"); the country's length decides where
 * the IBAN really ends.
 */
const CANDIDATE = /(?<![\p{L}\p{N}_])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}/gu;

/** An IBAN: known country, that country's length, mod-97 valid; upper or lower case, spaced or not. */
export function findIbans(text: string): Span[] {
  const spans: Span[] = [];
  const candidates = new RegExp(CANDIDATE.source, CANDIDATE.flags);
  for (let match = candidates.exec(text); match !== null; match = candidates.exec(text)) {
    const end = ibanEnd({ text, start: match.index, raw: match[0] });
    if (end === -1) {
      // The candidate may have swallowed the start of the next IBAN: look again just after this start.
      candidates.lastIndex = match.index + 1;
      continue;
    }
    spans.push({ start: match.index, end, type: "IBAN" });
    candidates.lastIndex = end;
  }
  return spans;
}

function ibanEnd({ text, start, raw }: { text: string; start: number; raw: string }): number {
  const length = IBAN_LENGTHS[raw.slice(0, 2).toUpperCase()];
  if (length === undefined) return -1;
  let compact = "";
  let i = 0;
  while (i < raw.length && compact.length < length) {
    if (raw[i] !== " ") compact += raw[i];
    i++;
  }
  const end = start + i;
  // The IBAN must end where a word ends, not inside "…32abc".
  if (compact.length !== length || /[\p{L}\p{N}_]/u.test(text[end] ?? "")) return -1;
  return ibanValid(compact.toUpperCase()) ? end : -1;
}
