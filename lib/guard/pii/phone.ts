import type { Span } from "../types";
import { hasContextAfter, hasContextBefore } from "./context";

/**
 * A run of digit groups joined by one separator each (space, dot, dash, parentheses), optionally
 * led by "+" or "(" and followed by an extension. Each repetition starts with a non-digit, so the
 * groups split one way only; the look-behind refuses starts inside a number, a word, a price or a
 * negative number, and the look-ahead refuses a run that continues as a decimal, range or word.
 */
const RUN =
  /(?<![\p{L}\p{N}_+\-.\/\\$€£¥#@]|\d[ .()\-])(?:\+|\(\+?)?\d+(?:(?:[ .\-]\(?|\)[ .\-]?)\d+)*(?: ?(?:x|ext\.?|extension) ?\d{1,6})?(?![\p{L}\p{N}_]|[.,\-\/]?\d)/giu;

const EXTENSION = / ?(?:x|ext\.?|extension) ?\d{1,6}$/i;

/** Words that say a number is a phone number when they stand just before it. */
const PHONE_CONTEXT =
  /\b(?:phone|telephone|tel|mobile|mob|cell|cellphone|fax|desk|landline|hotline|whatsapp|sms|text(?:ed)? me|call(?:ed|ing)?|ring|dial(?:led|ed)?|reach(?:ed)? me|contact|voicemail|messages?|answering|extension|telefon[eo]?|tel[eé]fono|t[eé]l[eé]phone|t[eé]l|m[oó]vil|handy|cellulare)\b/gi;

/** A label just after the number: "781 1704 office", "3660170548-Fax". */
const PHONE_LABEL_AFTER = /^[\s,\-–(]{0,3}(?:office|fax|mobile|cell|home|work|phone|tel|landline)\b/i;

/** Words that say a number is something else, even when it is shaped like a phone number. */
const OTHER_NUMBER_CONTEXT =
  /\b(?:isbn(?:-1[03])?|issn|order|invoice|tracking|ref|reference|ticket|serial|sku|upc|ean|id|version|build|account|acct|routing)\b/gi;

/**
 * Phone numbers. Without context only unmistakable shapes count: international ("+44 20 7946 0958",
 * "0049 30 901820"), North American ("(415) 555-2671", "415.555.2671") and national with a trunk
 * zero ("020 7946 0958", "03.93.92.16.85"). Any other run of 7 to 15 digits in groups of two or
 * more ("467 3395", "699 956 915") counts only next to a word like "phone", "call me on" or "fax",
 * which keeps counts, prices, dates and amounts in ordinary text unchanged.
 */
export function findPhones(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(RUN)) {
    let start = match.index;
    let raw = match[0];
    // "(555-1234)": the opening parenthesis belongs to the sentence, not the number.
    if (raw.startsWith("(") && !/^\(\+?\d+\)/.test(raw)) {
      start += 1;
      raw = raw.slice(1);
    }
    if (isPhone({ text, start, raw })) spans.push({ start, end: start + raw.length, type: "PHONE" });
  }
  return spans;
}

function isPhone({ text, start, raw }: { text: string; start: number; raw: string }): boolean {
  const body = raw.replace(EXTENSION, "");
  const groups = body.match(/\d+/g) ?? [];
  const digits = groups.join("");
  if (digits.length < 7 || digits.length > 15 || /^(\d)\1*$/.test(digits)) return false;
  // The shape of a US SSN (./ssn decides); read as a phone number it would be an odd one.
  if (/^\d{3}-\d{2}-\d{4}$/.test(body)) return false;
  if (hasContextBefore({ text, index: start, keywords: OTHER_NUMBER_CONTEXT, window: 24 })) return false;
  if (isInternational({ body, digits }) || isNorthAmerican(body) || isNationalTrunk({ body, groups, digits })) return true;
  if (groups.some((group) => group.length < 2) || isDate({ body, groups })) return false;
  return (
    hasContextBefore({ text, index: start, keywords: PHONE_CONTEXT, window: 40 }) ||
    hasContextAfter({ text, index: start + raw.length, label: PHONE_LABEL_AFTER })
  );
}

/** "+CC …" (E.164: 8 to 15 digits; +1 numbers have exactly 11), or "00CC …" written in groups. */
function isInternational({ body, digits }: { body: string; digits: string }): boolean {
  if (/^\(?\+/.test(body)) return digits.startsWith("1") ? digits.length === 11 : digits.length >= 8;
  return /^00[1-9]/.test(digits) && digits.length >= 10 && /[ .\-()]/.test(body);
}

/** NANP: area code and exchange start with 2-9; one kind of separator, or (area) exchange-line. */
function isNorthAmerican(body: string): boolean {
  const match = /^(?:1([ .-]))?(?:\(([2-9]\d\d)\) ?|([2-9]\d\d)([ .-]))([2-9]\d\d)([ .-])\d{4}$/.exec(body);
  if (match === null) return false;
  const [, countrySep, , , areaSep, , lineSep] = match;
  if (areaSep !== undefined && areaSep !== lineSep) return false;
  return countrySep === undefined || countrySep === lineSep;
}

/**
 * National format with a trunk zero: 9 to 12 digits in groups of two or more with one kind of
 * separator, or 10 to 11 digits unbroken. Nine digits need three groups ("02 123 45 67"), which
 * keeps a ZIP code and house number ("03262 2437 Main St") out.
 */
function isNationalTrunk({ body, groups, digits }: { body: string; groups: string[]; digits: string }): boolean {
  if (!/^0[1-9]/.test(digits) || digits.length < 9 || digits.length > 12) return false;
  if (groups.length === 1) return digits.length <= 11 && digits.length >= 10;
  if (digits.length === 9 && groups.length < 3) return false;
  const unwrapped = body.replace(/^\((\d+)\) ?/, "$1 ");
  if (/[()]/.test(unwrapped) || new Set(unwrapped.replace(/\d/g, "")).size > 1) return false;
  return groups.every((group) => group.length >= 2);
}

/** 2024-05-17, 17.05.2024 and the like: three groups, one separator, a real month and day. */
function isDate({ body, groups }: { body: string; groups: string[] }): boolean {
  if (groups.length !== 3 || new Set(body.replace(/\d/g, "")).size !== 1) return false;
  const [a = "", b = "", c = ""] = groups;
  const month = (m: string) => Number(m) >= 1 && Number(m) <= 12;
  const day = (d: string) => Number(d) >= 1 && Number(d) <= 31;
  if (a.length === 4 && b.length === 2 && c.length === 2) return month(b) && day(c);
  if (a.length === 2 && b.length === 2 && c.length === 4) return (month(a) && day(b)) || (day(a) && month(b));
  return false;
}
