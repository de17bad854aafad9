import type { Span } from "../types";
import { isWordSpace } from "./key-chars";
import { findSplitSecrets, splitHoldStart } from "./split-secrets";

/**
 * Credentials by shape. Every token pattern starts only where a run of token characters starts
 * (an explicit look-behind, not \b, which holds after every "-" inside a run) and reads that run
 * once, so hostile input costs linear time.
 */
type TokenRule = { subtype: string; pattern: RegExp; valid?: (token: string) => boolean };

const TOKEN_RULES: readonly TokenRule[] = [
  { subtype: "anthropic_key", pattern: /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{20,}/g },
  {
    // sk-proj-…, sk-svcacct-…, sk-admin-… and the older sk-… (with or without the T3BlbkFJ marker)
    subtype: "openai_key",
    pattern: /(?<![A-Za-z0-9_-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    valid: looksRandom,
  },
  { subtype: "aws_access_key_id", pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { subtype: "github_token", pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})(?![A-Za-z0-9_])/g },
  // Bulwark's own relay keys (lib/api-keys/key-format.ts): a key pasted into a chat never reaches a provider.
  { subtype: "bulwark_relay_key", pattern: /(?<![A-Za-z0-9_])bwk_[A-Za-z0-9]{46}(?![A-Za-z0-9_])/g },
  { subtype: "google_api_key", pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { subtype: "stripe_key", pattern: /(?<![A-Za-z0-9_])(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { subtype: "slack_token", pattern: /(?<![A-Za-z0-9_-])(?:xox[abposr]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g },
  { subtype: "slack_webhook", pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,}/g },
  { subtype: "jwt", pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g, valid: jwtHeaderValid },
];

/**
 * How every secret above begins, for a reply that is still streaming (`secretHoldStart`): a word
 * that is, or could still become, one of these is held back; any other goes out at once. Adding a
 * rule means adding its beginning here; the unit tests check every rule's examples against it.
 */
const SECRET_BEGINNINGS: readonly string[] = [
  ...["sk-", "AKIA", "ASIA", "ABIA", "ACCA", "github_pat_", "bwk_", "AIza", "xapp-", "eyJ"],
  ...["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
  ...["sk", "rk", "pk"].flatMap((kind) => [`${kind}_live_`, `${kind}_test_`]),
  ...["a", "b", "p", "o", "s", "r"].map((kind) => `xox${kind}-`),
  // slack_webhook has no look-behind, but what follows "https://" is held as a URL anyway.
  "https://hooks.slack.com/",
];
/** The PEM marker may start anywhere in a word. */
const PEM_MARKER = "-----BEGIN ";

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
/** Whole lines of base64 after the header: the body of a block whose footer is missing. */
const PEM_BODY = /(?:[ \t]*\r?\n[ \t]*[A-Za-z0-9+/=]+(?=[ \t]*(?:\r?\n|$)))*/y;

/** scheme://user:password@host; the scheme and the user part are bounded, so is the password. */
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s/?#:@]{0,256}:([^\s/?#@]{1,256})@/g;

/**
 * Where, in text still arriving (it may go on in the next chunk), a credential could be
 * starting; `text.length` if nowhere. The streaming output guard passes what it has not let through
 * (usually the last word alone), holds it back from there and lets the rest through at once, so
 * ordinary prose is not delayed by a token. In the last word (a run without white space):
 * - A token rule starts where a run of letters and digits starts (the loosest of the rules'
 *   look-behinds), with text that is one of SECRET_BEGINNINGS or could still grow into one.
 * - The PEM marker, at any position.
 * - A word ending in `scheme:` or `scheme:/` is held from the scheme, and once a word holds "://"
 *   all of it is: a URL's password may follow. The finder is shown the part of a word already let
 *   through in front of what follows, so a URL begun in one chunk is still read whole.
 * Across words: a key split by markdown, invisible characters, spaces or a line break that may
 * still be arriving (./split-secrets, splitHoldStart) is held from its prefix.
 */
export function secretHoldStart(text: string): number {
  const wordStart = lastWordStart(text);
  return Math.min(wordStart + wordHoldStart(text.slice(wordStart)), splitHoldStart(text));
}

/** Where the last word starts: after the last white space, as the output guard's redactor counts it. */
function lastWordStart(text: string): number {
  let start = text.length;
  while (start > 0 && !isWordSpace(text.charCodeAt(start - 1))) start--;
  return start;
}

function wordHoldStart(word: string): number {
  if (word.includes("://")) return 0;
  const limit = schemeTailStart(word);
  for (let at = 0; at < limit; at++) {
    const startsRun = at === 0 || !isAlphanumeric(word.charCodeAt(at - 1));
    // Inside a run only the PEM marker can start, and it starts with "-" (not alphanumeric): the rest
    // of an alphanumeric run is skipped in one step, so a long held word costs one pass, not a check per
    // character on every chunk.
    if (!startsRun && word.charCodeAt(at) !== 0x2d) {
      if (isAlphanumeric(word.charCodeAt(at))) while (at + 1 < limit && isAlphanumeric(word.charCodeAt(at + 1))) at++;
      continue;
    }
    const rest = word.slice(at, at + 24);
    if (couldBecome(rest, PEM_MARKER)) return at;
    if (startsRun && SECRET_BEGINNINGS.some((beginning) => couldBecome(rest, beginning))) return at;
  }
  return limit;
}

/** Where a word ending in `scheme:` or `scheme:/` (what may become a URL's `scheme://`) has its scheme; else its length. */
function schemeTailStart(word: string): number {
  let end = word.length;
  if (word.endsWith("/")) end--;
  if (!word.startsWith(":", end - 1)) return word.length;
  let start = end - 1;
  while (start > 0 && isSchemeChar(word.charCodeAt(start - 1))) start--;
  return start;
}

/** Whether `text` (the start of what follows) is, starts with, or could still grow into `beginning`. */
function couldBecome(text: string, beginning: string): boolean {
  return text.length >= beginning.length ? text.startsWith(beginning) : beginning.startsWith(text);
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isSchemeChar(code: number): boolean {
  return isAlphanumeric(code) || code === 0x2b || code === 0x2e || code === 0x2d; // + . -
}

/** The token rules' verdict on a key joined from pieces (./split-secrets): the key at its start, if any. */
export function judgeJoinedKey(joined: string): { length: number; subtype: string } | null {
  for (const { subtype, sticky, valid } of STICKY_RULES) {
    sticky.lastIndex = 0;
    const match = sticky.exec(joined);
    if (match !== null && (valid === undefined || valid(match[0]))) return { length: match[0].length, subtype };
  }
  return null;
}

/** The token rules anchored at the start of the text they are run on. */
const STICKY_RULES = TOKEN_RULES.map((rule) => ({ ...rule, sticky: new RegExp(rule.pattern.source, "y") }));

/** All credentials in the text, each with its subtype; spans of different rules may overlap. */
export function findSecretCandidates(text: string): Span[] {
  const spans: Span[] = [];
  for (const { subtype, pattern, valid } of TOKEN_RULES) {
    // exec on the rule's own regex, not matchAll (which copies the regex at every call): the
    // streaming output guard calls this for every few characters of a reply. No rule matches "".
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (valid !== undefined && !valid(match[0])) continue;
      spans.push({ start: match.index, end: match.index + match[0].length, type: "SECRET", subtype });
    }
  }
  spans.push(...findPrivateKeys(text), ...findUrlPasswords(text), ...findSplitSecrets({ text, judge: judgeJoinedKey }));
  return spans;
}

/**
 * PEM private key blocks, header to footer. A block without a footer (pasted cut short) runs to
 * the last line of its base64 body. Each footer search starts after the previous block, and once none
 * is left no further search is made, so the scan stays linear with many headers.
 */
function findPrivateKeys(text: string): Span[] {
  const spans: Span[] = [];
  const begin = new RegExp(PEM_BEGIN.source, "g");
  const end = new RegExp(PEM_END.source, "g");
  const body = new RegExp(PEM_BODY.source, "y");
  let footersLeft = true;
  for (let header = begin.exec(text); header !== null; header = begin.exec(text)) {
    const afterHeader = header.index + header[0].length;
    let blockEnd = -1;
    if (footersLeft) {
      end.lastIndex = afterHeader;
      const footer = end.exec(text);
      if (footer === null) footersLeft = false;
      else blockEnd = footer.index + footer[0].length;
    }
    if (blockEnd === -1) {
      body.lastIndex = afterHeader;
      blockEnd = afterHeader + (body.exec(text)?.[0].length ?? 0);
    }
    spans.push({ start: header.index, end: blockEnd, type: "SECRET", subtype: "private_key" });
    begin.lastIndex = blockEnd;
  }
  return spans;
}

/** Only the password of scheme://user:password@host is secret; the rest stays readable. */
function findUrlPasswords(text: string): Span[] {
  const spans: Span[] = [];
  // The pattern reads every word up to a colon; without "://" in the text it cannot match.
  if (!text.includes("://")) return spans;
  for (const match of text.matchAll(URL_CREDENTIALS)) {
    const password = match[1] ?? "";
    const end = match.index + match[0].length - 1; // the "@"
    spans.push({ start: end - password.length, end, type: "SECRET", subtype: "url_password" });
  }
  return spans;
}

/**
 * A random key body has both lower and upper case letters (a random 48-character body lacks one
 * about once in 10^11); a slug such as "sk-2024-annual-report-v2" has no capital.
 */
function looksRandom(token: string): boolean {
  const body = token.replace(/^sk-(?:proj-|svcacct-|admin-)?/, "");
  return /[a-z]/.test(body) && /[A-Z]/.test(body);
}

/** The first part of a JWT is base64url JSON with an "alg" field; {"alg":"none"} is 19 characters. */
function jwtHeaderValid(token: string): boolean {
  const header = token.slice(0, token.indexOf("."));
  if (header.length < 19 || header.length > 2_000) return false;
  try {
    const base64 = header
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(header.length / 4) * 4, "=");
    const parsed: unknown = JSON.parse(atob(base64));
    return typeof parsed === "object" && parsed !== null && typeof (parsed as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}
