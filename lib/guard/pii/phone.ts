import type { Span } from "../types";
import { hasContextAfter, hasContextBefore } from "./context";
import { hasPhoneShape, isDate, type PhoneParts } from "./phone-shapes";

/*
 * Why this is hand-written and not libphonenumber-js (measured with 1.13.18 on Node 20, issue 15):
 * - Speed: findNumbers over an 8,000-character message of number-heavy text takes about 6 ms at the
 *   median and 16 ms at p99 without a default country; the whole input pipeline has 2 ms at p99.
 * - National numbers: without a default country it finds only "+CC" numbers. A chat has no
 *   country: guessing one means a scan per guess, and with DE as the guess it marks 135 of 2,638
 *   gsm8k texts. Checking our candidates against the metadata of 15 countries costs 0.2 ms a
 *   candidate at the median, 1.7 ms at p99, and validity says little without a country (most
 *   10-digit runs are valid somewhere).
 * - It does not find numbers glued to a word ("Tel:+49…", "call me on07700…", "mobile0176 …").
 * - Size: findNumbers with the "max" metadata adds 217 kB minified (57 kB gzip) to the server bundle.
 * So the shapes below stay, and the dev set in scripts/lib/pii-dev-set.ts measures them per country.
 */

/** What may stand between two digit groups: a space, dot, dash or slash (spaced or not), or parentheses. */
const SEP = String.raw`(?:\) ?(?:[.\-\/] ?)?| ?[.\-\/] ?\(?| ?\(| )`;

/**
 * A run of digit groups, each joined by one separator, optionally led by "+" or "(" and followed
 * by an extension. Each repetition starts with a non-digit, so the groups split one way only; the
 * look-behind refuses starts inside a number (after a digit and a separator, or a thousands
 * comma: "11,600-4000-4800"), a price or a hash mark, and the look-ahead refuses a run that
 * continues as a decimal, range, time or word. A letter just before is allowed here and judged by
 * {@link wordGluedTo}. The first look-ahead only lets the costlier look-behind run where a number
 * can start.
 */
const RUN = new RegExp(
  String.raw`(?=[+(\d])(?<![\p{N}_+\\$€£¥#@]|\d[ .()\-\/]{1,3}|\d,)(?:\+|\(\+?)?\d+(?:${SEP}\d+)*(?: ?(?:x|ext\.?|extension) ?\d{1,6})?(?![\p{L}\p{N}_]|[.,:\-\/]?\d)`,
  "giu",
);

const EXTENSION = / ?(?:x|ext\.?|extension) ?\d{1,6}$/i;

/**
 * Words that say a number is a phone number when they stand just before it. Word edges are
 * letters of any script (JavaScript's \b knows ASCII only, so "Möbel" would hold "bel" and
 * "Mobilă" "mobil"); a bare "number" or "número" says nothing ("the prime has 22 338 618 digits"),
 * so only "my number", "mi número", "numéro de téléphone" do.
 */
const PHONE_CONTEXT =
  /(?<![\p{L}\p{N}_])(?:phone|telephone|tel|mobile|mobil|mob|cell|cellphone|fax|desk|landline|hotline|helpline|whatsapp|signal|telegram|sms|text(?:ed)? me|call(?:ed|ing)?|ring|dial(?:led|ed)?|reach(?:ed)?|contact|voicemail|messages?|answering|extension|(?:my|his|her|their|your|our) (?:new |private |personal |work |home )?number|telefon[eo]?|tel[eé]fono|t[eé]l[eé]phone|t[eé]l|m[oó]vil|handy|rufnummer|cellulare|portable|celular|kom[oó]rka|mobiel|(?:mi|tu|su|mon|ton|son|votre|notre|meu|seu|mio|suo) (?:n[uú]mero|num[eé]ro)|n[uú]mero de (?:tel[eé]fono|m[oó]vil|celular|telefone)|num[eé]ro de (?:t[eé]l[eé]phone|portable))(?![\p{L}\p{N}_])/giu;

/** A capital letter that labels a number in a signature, just before it: "T: 020 7946 0958", "M:+44…". */
const SIGNATURE_LABEL = /(?:^|[^\p{L}])(?:[TMFPH]|Ph|Mob|Tel)\s?:\s*$/u;

/**
 * Labels a number may be glued to ("Tel:+49…" has a colon; "mobile0176 1234567", "call me
 * on07700900123", "Tel.0176…" have none): the text just before a glued number must end with one.
 */
const GLUED_LABEL =
  /(?:^|[^\p{L}])(?:tel|t[eé]l|phone|telephone|fon|telefon|mobile?|mob|cell|handy|fax|whatsapp|sms|(?:call|ring|text|reach|contact|message|whatsapp)(?: me| us)? (?:on|at)|tel\.?-?nr)[.\-/]?$/iu;

/**
 * Words a number is glued to in a hurry that say less ("number07700900123", "at07700900123",
 * "Nr0176 1234567"): the number then counts only with a phone number's shape or a phone word before.
 */
const GLUED_WORD = /(?:^|[^\p{L}])(?:number|nummer|n[uú]mero|num[eé]ro|nr|no|at|on|is|ph)$/iu;

/** A label just after the number: "781 1704 office", "3660170548-Fax". */
const PHONE_LABEL_AFTER = /^[\s,\-–(]{0,3}(?:office|fax|mobile|cell|home|work|phone|tel|landline)\b/i;

/** Words that say a number is something else, even when it is shaped like a phone number. */
const OTHER_NUMBER_CONTEXT =
  /(?<![\p{L}\p{N}_])(?:isbn(?:-1[03])?|issn|order|invoice|tracking|ref|reference|ticket|serial|sku|upc|ean|id|version|build|account|acct|routing)(?![\p{L}\p{N}_])/giu;

/** Where spaced separators may join two numbers into one run ("0176 1234567 / 030 901820"). */
const SPACED_JOIN = / [/-] /g;

/**
 * Phone numbers. Without context only unmistakable shapes count (./phone-shapes): international,
 * North American, national with a trunk prefix, and a few national layouts that counts never take.
 * Any other run of 7 to 15 digits in groups of two or more ("467 3395", "699 956 915") counts only
 * next to a word like "phone", "call me on" or "fax", which keeps counts, prices, dates and amounts
 * in ordinary text unchanged. A number glued to a word counts only when that word is a phone label
 * ("mobile0176…"), or a weaker one ("number07700…") and the number has a phone number's shape.
 */
export function findPhones(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(RUN)) {
    let start = match.index;
    let raw = match[0];
    // Most runs are short numbers (counts, prices, years): settled before any other check.
    if (countDigits(raw) < 7) continue;
    const gluedTo = isGlued({ text, start }) ? wordGluedTo({ text, start }) : "nothing";
    if (gluedTo === "another word") continue;
    const glued = gluedTo === "a phone label";
    // "(555-1234)": the opening parenthesis belongs to the sentence, not the number.
    if (raw.startsWith("(") && !/^\(\+?\d+\)/.test(raw)) {
      start += 1;
      raw = raw.slice(1);
    }
    if (isPhone({ text, start, raw, labelled: glued })) {
      spans.push({ start, end: start + raw.length, type: "PHONE" });
      continue;
    }
    // Two numbers joined by " / " or " - " read as one run: judge each part on its own.
    let from = 0;
    for (const join of raw.matchAll(SPACED_JOIN)) {
      pushPart({ spans, text, start: start + from, raw: raw.slice(from, join.index), labelled: glued && from === 0 });
      from = join.index + join[0].length;
    }
    if (from > 0) pushPart({ spans, text, start: start + from, raw: raw.slice(from), labelled: false });
  }
  return spans;
}

function countDigits(raw: string): number {
  let digits = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) digits++;
  }
  return digits;
}

function pushPart({ spans, text, start, raw, labelled }: { spans: Span[]; text: string; start: number; raw: string; labelled: boolean }): void {
  if (isPhone({ text, start, raw, labelled })) spans.push({ start, end: start + raw.length, type: "PHONE" });
}

/** A letter just before, or a dot, dash or slash that follows a letter ("Tel.0176…"): the number is glued to a word. */
function isGlued({ text, start }: { text: string; start: number }): boolean {
  const before = text[start - 1] ?? "";
  if (/\p{L}/u.test(before)) return true;
  return /[.\-/]/.test(before) && /\p{L}/u.test(text[start - 2] ?? "");
}

function wordGluedTo({ text, start }: { text: string; start: number }): "a phone label" | "a weak label" | "another word" {
  const before = text.slice(Math.max(0, start - 24), start);
  if (GLUED_LABEL.test(before)) return "a phone label";
  return GLUED_WORD.test(before) ? "a weak label" : "another word";
}

function isPhone({ text, start, raw, labelled }: { text: string; start: number; raw: string; labelled: boolean }): boolean {
  // A decimal (".5"), a negative number or a path ("/123") unless glued to a word, which was judged before.
  if (!labelled && /[.\-/]/.test(text[start - 1] ?? "")) return false;
  const body = raw.replace(EXTENSION, "");
  const groups = body.match(/\d+/g) ?? [];
  const parts: PhoneParts = { body, groups, digits: groups.join("") };
  const { digits } = parts;
  if (digits.length < 7 || digits.length > 15 || /^(\d)\1*$/.test(digits)) return false;
  // The shape of a US SSN (./ssn decides); read as a phone number it would be an odd one.
  if (/^\d{3}-\d{2}-\d{4}$/.test(body)) return false;
  // Slashes twice are a date ("20/03/2023"), not an area code set apart, unless after a "+" ("+49/176/…").
  if (body.indexOf("/") !== body.lastIndexOf("/") && !/^\(?\+/.test(body)) return false;
  if (hasContextBefore({ text, index: start, keywords: OTHER_NUMBER_CONTEXT, window: 24 })) return false;
  if (hasPhoneShape(parts)) return true;
  if (groups.some((group) => group.length < 2) || isDate(parts) || /[()]/.test(body.replace(/^\(\d+\) ?/, ""))) return false;
  return (
    labelled ||
    hasContextBefore({ text, index: start, keywords: PHONE_CONTEXT, window: 40 }) ||
    SIGNATURE_LABEL.test(text.slice(Math.max(0, start - 8), start)) ||
    hasContextAfter({ text, index: start + raw.length, label: PHONE_LABEL_AFTER })
  );
}
