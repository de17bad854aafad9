/**
 * Finds encoded runs (base64, hex, \x and \u escapes, %-encoding, HTML entities, 8-bit binary, Morse,
 * ROT13, reversed text) and decodes them, so the scorer can score what they say. Only runs that decode
 * to readable text are returned: an image, a hash or a key decodes to junk and is no signal at all.
 *
 * The tokenizer's one pass (tokenize.ts) finds the candidate runs; the rarer encodings are looked for
 * only when their marker character occurs at all. Only those substrings are decoded, within a budget:
 * at most MAX_PAYLOADS results and DECODE_BUDGET characters per message, however long or hostile it is.
 */
import { tokenizeWithOffsets, type Run, type Tokens } from "./tokenize";
import { led, type Pattern } from "./pattern-kit";

export type EncodingKind = "base64" | "hex" | "escape" | "percent" | "entity" | "binary" | "morse" | "rot13" | "reversed";
export type Decoded = { kind: EncodingKind; text: string };

const MAX_PAYLOADS = 6;
const MAX_RUN = 8_000;
const DECODE_BUDGET = 64_000;

type Decodable = Exclude<EncodingKind, "rot13" | "reversed">;

// Not fatal: invalid UTF-8 becomes U+FFFD, which isReadable rejects. A thrown exception per junk run
// would cost more than the decoding.
const decoder = new TextDecoder("utf-8");

/** True when decoded bytes read as language, not binary: mostly letters, some spaces, no controls. */
export function isReadable(text: string): boolean {
  if (text.length < 8) return false;
  let letters = 0;
  let spaces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) spaces++;
    else if (c < 32 || c === 0x7f || c === 0xfffd) return false;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0xc0) letters++;
  }
  return spaces >= 1 && letters / text.length >= 0.6;
}

function bytesToText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const BASE64_CHARS = /^[A-Za-z0-9+/]*$/;

function fromBase64(run: string): string | null {
  // Wrapped base64 is still one run: line breaks go; URL-safe "-" and "_" become "+" and "/".
  let b64 = run
    .replace(/[\r\n]+/g, "")
    .replace(/^[-=_]+/, "")
    .replace(/=+$/, "");
  // Mixed case: long English words and snake_case identifiers are not base64 of anything; and a
  // hyphenated Title-Case-Phrase without a digit is prose.
  if (b64.length < 16 || !/[A-Z]/.test(b64) || !/[a-z]/.test(b64) || (/[-_]/.test(b64) && !/[0-9]/.test(b64))) return null;
  b64 = b64.replace(/-/g, "+").replace(/_/g, "/");
  if (!BASE64_CHARS.test(b64)) return null;
  if (b64.length % 4 === 1) b64 = b64.slice(0, -1);
  // atob throws only on characters outside the alphabet, which were just excluded.
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return bytesToText(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
}

function fromHex(run: string): string | null {
  const digits = run.replace(/[ :,-]/g, "");
  if (digits.length < 16 || digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) return null;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytesToText(bytes);
}

function codePoint(n: number): string {
  return String.fromCodePoint(Math.min(Math.max(n, 0), 0x10ffff));
}

function fromEscapes(run: string): string | null {
  if (!/\\[xu]/.test(run)) return null;
  return run.replace(/\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\u\{([0-9a-fA-F]{1,6})\}/g, (_m, x?: string, u?: string, v?: string) =>
    codePoint(parseInt(x ?? u ?? v ?? "20", 16)),
  );
}

function fromPercent(run: string): string | null {
  try {
    return decodeURIComponent(run.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    return null;
  }
}

function fromEntities(run: string): string | null {
  return run.replace(/&#([xX])?([0-9a-fA-F]{1,7});/g, (_m, hex?: string, n?: string) => codePoint(parseInt(n ?? "32", hex ? 16 : 10)));
}

function fromBinary(run: string): string | null {
  const bits = run.replace(/ /g, "");
  if (bits.length % 8 !== 0) return null;
  const bytes = new Uint8Array(bits.length / 8);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(8 * i, 8 * i + 8), 2);
  return bytesToText(bytes);
}

const MORSE: Readonly<Record<string, string>> = {
  ".-": "a",
  "-...": "b",
  "-.-.": "c",
  "-..": "d",
  ".": "e",
  "..-.": "f",
  "--.": "g",
  "....": "h",
  "..": "i",
  ".---": "j",
  "-.-": "k",
  ".-..": "l",
  "--": "m",
  "-.": "n",
  "---": "o",
  ".--.": "p",
  "--.-": "q",
  ".-.": "r",
  "...": "s",
  "-": "t",
  "..-": "u",
  "...-": "v",
  ".--": "w",
  "-..-": "x",
  "-.--": "y",
  "--..": "z",
  "-----": "0",
  ".----": "1",
  "..---": "2",
  "...--": "3",
  "....-": "4",
  ".....": "5",
  "-....": "6",
  "--...": "7",
  "---..": "8",
  "----.": "9",
  ".-.-.-": ".",
  "--..--": ",",
};

/** Morse: letters split by one space, words by " / ", "|" or a wider gap; without word gaps, letters run on. */
function fromMorse(run: string): string | null {
  if (!run.includes(".") || !run.includes("-")) return null;
  const words = run.trim().split(/\s*[/|]\s*|\s{2,}/);
  const out = words
    .map((w) =>
      w
        .split(" ")
        .map((code) => MORSE[code] ?? "")
        .join(""),
    )
    .join(" ");
  return out.replace(/[^a-z]/g, "").length >= 8 ? out : null;
}

const DECODE: Readonly<Record<Decodable, (run: string) => string | null>> = {
  base64: fromBase64,
  hex: fromHex,
  escape: fromEscapes,
  percent: fromPercent,
  entity: fromEntities,
  binary: fromBinary,
  morse: fromMorse,
};

// ROT13 and reversed spellings of words that open most attacks. They are found by the signal
// patterns' token pass (weight 0, ids below), so looking for them costs nothing extra; only a text that
// has one is transformed. ("Caesar" or "rot13" alone is no reason: history lessons name them.)
export const ROT13_HINT_ID = "rot13_hint";
export const REVERSED_HINT_ID = "reversed_hint";
export const ENCODING_HINT_PATTERNS: readonly Pattern[] = [
  led({
    id: ROT13_HINT_ID,
    family: "encoded_payload",
    w: 0,
    lead: ["vtaber", "qvfertneq", "sbetrg", "vafgehpgvbaf", "vafgehpgvba", "cerivbhf", "flfgrz", "cebzcg", "wnvyoernx", "erirny", "ehyrf"],
    rest: "",
  }),
  led({
    id: REVERSED_HINT_ID,
    family: "encoded_payload",
    w: 0,
    lead: ["erongi", "snoitcurtsni", "suoiverp", "tpmorp", "dragersid", "kaerbliaj", "laever", "metsys"],
    rest: "",
  }),
];

export function rot13(text: string): string {
  return text.replace(/[a-zA-Z]/g, (ch) => {
    const base = ch <= "Z" ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + 13) % 26) + base);
  });
}

const ESCAPES = /(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\u\{[0-9a-fA-F]{1,6}\}){6,}/g;
const PERCENT = /(?:%[0-9a-fA-F]{2}){6,}/g;
const ENTITIES = /(?:&#(?:[xX][0-9a-fA-F]{1,6}|[0-9]{1,7});){6,}/g;
// Morse letters (1 to 6 dots and dashes) separated by spaces, slashes or bars; disjoint classes: linear.
const MORSE_RUN = /(?:[.-]{1,6}[ /|]{1,3}){8,}[.-]{0,6}/g;

/** A base64 run made only of hex digits is hex ("69676e6f7265…"); of 0 and 1 only, binary. */
function runKind(lower: string, { kind, start, end }: Run): Decodable {
  if (kind !== "base64") return kind;
  const head = lower.slice(start, Math.min(end, start + 256));
  if (/^[01\s]+$/.test(head)) return "binary";
  return /^[0-9a-f\s]+$/.test(head) ? "hex" : "base64";
}

/**
 * The readable payloads hidden in `text` (as given: base64 is case-sensitive). `lower` is the
 * lower-cased view and `tokens` its one pass, which found the candidate runs. `lower` is transformed
 * whole when `hints` says it has ROT13 or reversed attack words. Morse payloads may lack word gaps: the
 * scorer matches them letters-only as well.
 */
export function findEncodedPayloads({
  text,
  lower,
  tokens,
  hints,
}: {
  text: string;
  lower: string;
  tokens: Tokens;
  hints: { rot13: boolean; reversed: boolean };
}): Decoded[] {
  const out: Decoded[] = [];
  let budget = DECODE_BUDGET;
  const tryRun = (kind: Decodable, raw: string) => {
    if (out.length >= MAX_PAYLOADS || budget <= 0) return;
    const run = raw.slice(0, Math.min(MAX_RUN, budget)).trim();
    // Rules and dotted lines are runs of an alphabet too; they are not worth the budget.
    // Morse is made of nothing else; fromMorse wants both dots and dashes and eight letters.
    if (run.length < 16 || (kind !== "morse" && /^[\s=_.-]*$/.test(run))) return;
    budget -= run.length;
    const decoded = DECODE[kind](run);
    if (decoded !== null && (isReadable(decoded) || (kind === "morse" && decoded.length >= 8))) out.push({ kind, text: decoded });
  };
  const scanFor = (pattern: RegExp, kind: Decodable) => {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null && out.length < MAX_PAYLOADS && budget > 0; m = pattern.exec(text)) tryRun(kind, m[0]);
  };

  // The runs were found in the lower-cased view; they are the text's own offsets unless normalisation
  // (NFKC, removed invisible characters) changed its length, and then the text is scanned again.
  let found: { runs: Run[]; lower: string } | null = { runs: tokens.runs, lower };
  if (lower.length !== text.length) {
    const own = text.toLowerCase();
    found = own.length === text.length ? { runs: tokenizeWithOffsets(own).runs, lower: own } : null;
  }
  for (const r of found?.runs ?? []) tryRun(runKind(found?.lower ?? "", r), text.slice(r.start, r.end));
  const { present } = tokens;
  if (present[46] === 1 && present[45] === 1) scanFor(MORSE_RUN, "morse"); // "." and "-"
  if (present[92] === 1) scanFor(ESCAPES, "escape"); // "\\"
  if (present[37] === 1) scanFor(PERCENT, "percent"); // "%"
  if (present[38] === 1 && present[35] === 1) scanFor(ENTITIES, "entity"); // "&" and "#"

  const head = lower.slice(0, MAX_RUN);
  if (hints.rot13 && out.length < MAX_PAYLOADS) out.push({ kind: "rot13", text: rot13(head) });
  if (hints.reversed && out.length < MAX_PAYLOADS) out.push({ kind: "reversed", text: Array.from(head).reverse().join("") });
  return out;
}
