import type { Span } from "../types";
import { luhnValid } from "./checksums";
import { hasContextBefore } from "./context";

/**
 * 12 to 19 digits, optionally grouped by single spaces or dashes, not part of a longer number. The
 * look-behind skips starts inside a run and each repetition takes exactly one digit, so the match
 * is unambiguous; the look-ahead refuses a prefix of a longer run.
 */
const CANDIDATE = /(?<![\p{L}\p{N}_.,+\-/$€£¥]|\d[ -])\d(?:[ -]?\d){11,18}(?![\p{L}\p{N}_]|[ .,\-/]?\d)/gu;

const CARD_CONTEXT =
  /\b(?:cards?|cc|credit|debit|visa|master ?card|amex|american express|maestro|discover|jcb|diners|unionpay|tarjeta|carte|karte|cart[aã]o)\b/gi;

/**
 * A payment card number: Luhn-valid, grouped plausibly, and either with an issuer's first digits or
 * named as a card just before. 12 digits are accepted only for Maestro, and only when named.
 */
export function findCards(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    if (isCard({ text, start: match.index, raw: match[0] })) {
      spans.push({ start: match.index, end: match.index + match[0].length, type: "CARD" });
    }
  }
  return spans;
}

function isCard({ text, start, raw }: { text: string; start: number; raw: string }): boolean {
  const groups = raw.split(/[ -]/);
  if (groups.length > 1 && (new Set(raw.replace(/\d/g, "")).size > 1 || groups.some((g) => g.length < 3))) return false;
  const digits = groups.join("");
  if (!luhnValid(digits) || /^(\d)\1*$/.test(digits)) return false;
  const named = hasContextBefore({ text, index: start, keywords: CARD_CONTEXT, window: 40 });
  if (digits.length === 12) return named && /^(?:50|5[6-9]|6\d)/.test(digits);
  return named || /^(?:[2-6]|1800)/.test(digits);
}
