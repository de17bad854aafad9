import type { Span } from "../types";
import { classOf } from "./key-chars";

/**
 * Credentials known by where they stand, not by a prefix: the value after a label such as
 * `password=`, `client_secret:`, `"api_key": "…"`, `Authorization: Bearer …`, and AWS secret access
 * keys (40 characters of base64's alphabet), with their label or bare. Input only: a reply is
 * streamed, and these have no beginning the output guard could hold back on (./secrets.ts,
 * secretHoldStart); what a person pasted is replaced before the model ever sees it.
 */

/**
 * A label word at the start of a word or after `_`, `-` or `.` (`DB_PASSWORD`, `x-api-key`,
 * `aws_secret_access_key`, `SecretAccessKey`), a bounded suffix, then `=`, `:`, `=>`, `>` (XML) or
 * "is", and optional quotes: the value starts where this ends ({@link valueEnd}). Every part is
 * bounded or reads a class the next part cannot start with.
 */
const LABEL = new RegExp(
  [
    String.raw`(?<![A-Za-z0-9])`,
    String.raw`(password|passwd|passphrase|passcode|pass|pwd|pw|passwort|kennwort|contrase[ñn]a|senha|mot de passe|secret|token|api[_ -]?key|apikey|auth|authorization|bearer|private[_-]?key|access[_-]?key|credentials?)`,
    String.raw`((?:[_ -]?access[_ -]?key|[_-]?(?:key|id|value|hash|token|secret|string))?)`,
    String.raw`["']?`,
    String.raw`(?:[ \t]{0,4}(?:=>|:=|[:=>])[ \t]{0,4}(?:\r?\n[ \t]{0,16})?|[ \t]{1,4}(?:is|was|ist|est|es|é)[ \t]{1,4}:?[ \t]{0,4}|(?<=bearer)[ \t]{1,4})`,
    String.raw`(?:(?:Bearer|Basic|Token)[ \t]{1,4})?`,
    String.raw`["'\x60]?`,
  ].join(""),
  "gi",
);

/**
 * An environment variable whose name ends in a secret word without a separator before it
 * ("PGPASSWORD=…", "MYSQLPWD=…"), which LABEL's look-behind does not take: upper case only.
 */
const ENV_NAME = /(?<![A-Za-z0-9_])[A-Z][A-Z0-9]{0,40}(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|APIKEY)=/g;

/** A value's length: up to white space, a quote or a delimiter; an AWS session token runs to several hundred characters. */
const VALUE_LENGTH = { min: 8, max: 1_024 } as const;

/**
 * What stands in examples, templates and code instead of a value: placeholders, variables, a
 * member path (`process.env.API_KEY`), a hex literal, a URL or a lower-case path (an AWS secret
 * key may start with "/" too, but holds capitals).
 */
const NOT_A_VALUE =
  /^(?:x+|\*+|\.+|#+)$|your|example|changeme|change[_-]?me|placeholder|redacted|dummy|sample|^\$\w+$|^%\w+%$|:\/\/|^\.{0,2}\/[a-z0-9._-]*(?:\/[a-z0-9._-]*)*$|^0x[0-9a-f]+$|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/i;

export function findContextSecrets(text: string): Span[] {
  const spans: Span[] = [];
  for (const labels of [LABEL, ENV_NAME]) {
    const found = new RegExp(labels.source, labels.flags);
    for (let match = found.exec(text); match !== null; match = found.exec(text)) {
      const start = match.index + match[0].length;
      const end = valueEnd({ text, start, limit: VALUE_LENGTH.max + 1 });
      if (end - start > VALUE_LENGTH.max) {
        // A run past the limit is no value, and the labels inside it run to the same end: only those
        // in its last VALUE_LENGTH.max characters are tried, so each character is read a bounded number of times.
        found.lastIndex = Math.max(found.lastIndex, valueEnd({ text, start: end, limit: Number.POSITIVE_INFINITY }) - VALUE_LENGTH.max);
        continue;
      }
      const value = text.slice(start, end);
      if (value.length < VALUE_LENGTH.min || !looksSecret(value)) continue;
      const label = match.slice(1).join("").toLowerCase();
      spans.push({ start, end, type: "SECRET", subtype: subtypeOf({ label, value }) });
    }
  }
  for (const start of fortyCharacterRuns(text)) {
    if (looksLikeAwsSecret(text.slice(start, start + 40))) spans.push({ start, end: start + 40, type: "SECRET", subtype: "aws_secret_access_key" });
  }
  return spans;
}

/** Where the run of value characters that starts at `start` ends: at white space, a quote or a delimiter, or after `limit` characters. */
function valueEnd({ text, start, limit }: { text: string; start: number; limit: number }): number {
  let end = start;
  while (end < text.length && end - start < limit && !isValueEnd(text.charCodeAt(end))) end++;
  return end;
}

/** White space, quotes and the delimiters of query strings, connection strings, markup and code. */
function isValueEnd(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x7f ||
    VALUE_ENDS.has(code) ||
    code === 0xa0 ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a)
  );
}

const VALUE_ENDS: ReadonlySet<number> = new Set([..."\"'`,;&<>()[]{}"].map((char) => char.charCodeAt(0)));

/**
 * Where runs of exactly forty characters of [A-Za-z0-9/+] start, with no "_", "." or "-" on either
 * side and no "=" after (not part of a longer run, a path, a name or padded base64). One pass over the
 * character codes: a pattern would read every word of the text up to forty characters.
 */
function fortyCharacterRuns(text: string): number[] {
  const starts: number[] = [];
  let runStart = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : -1;
    if (isBase64Char(code)) continue;
    if (i - runStart === 40 && !isEdgeChar(text.charCodeAt(runStart - 1)) && !isEdgeChar(code) && code !== 0x3d) starts.push(runStart);
    runStart = i + 1;
  }
  return starts;
}

/** 1 for [A-Za-z0-9/+], by character code below 128. */
const BASE64_CHARS = new Uint8Array(128).map((_, code) => (/[A-Za-z0-9/+]/.test(String.fromCharCode(code)) ? 1 : 0));

function isBase64Char(code: number): boolean {
  return code >= 0 && code < 128 && BASE64_CHARS[code] === 1;
}

/** "_", "." and "-" next to a run: an identifier, a file name or a slug ("=" after it, padding, is refused by the caller). */
function isEdgeChar(code: number): boolean {
  return code === 0x5f || code === 0x2e || code === 0x2d;
}

function subtypeOf({ label, value }: { label: string; value: string }): string {
  if (/secret/.test(label) && /access/.test(label)) return "aws_secret_access_key";
  if (/^(?:pass|pwd|kenn|contra|senha|mot)/.test(label)) return "password";
  if (/token|bearer|auth/.test(label)) return "token";
  if (/api|access/.test(label)) return "api_key";
  if (/private/.test(label)) return "private_key";
  // After "secret", forty characters of base64's alphabet with both cases and a digit are an AWS key's shape.
  return /^[A-Za-z0-9/+]{40}$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value) ? "aws_secret_access_key" : "secret";
}

/**
 * A value after a label is a secret when it is not prose or a placeholder: at least three of
 * lower case, upper case, digits and other characters ("Tr0ub4dor&3"), or letters and digits over
 * 16 characters or more (a hex or base64 token), with at least six distinct characters.
 */
function looksSecret(value: string): boolean {
  if (NOT_A_VALUE.test(value) || new Set(value).size < 6) return false;
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  const digit = /\d/.test(value);
  const other = /[^A-Za-z0-9]/.test(value);
  const classes = Number(lower) + Number(upper) + Number(digit) + Number(other);
  return classes >= 3 || (digit && (lower || upper) && value.length >= 16);
}

/**
 * A bare AWS secret access key: upper case, lower case and digits, not hex alone (a git SHA-1 is
 * forty characters too), and random: a key's character class changes at about 25 of its 39
 * positions (fewer than 12 about once in 100,000 keys), while a long identifier
 * ("AbstractSingletonProxyFactoryBean2024Xyz", 12) changes only at word edges and holds runs of
 * lower-case letters. Base64 of text ("V2hhdCBpcyB0aGUg…" is "What is the…") decodes to printable
 * characters; a key's thirty random bytes almost never do.
 */
function looksLikeAwsSecret(value: string): boolean {
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/\d/.test(value) || /^[0-9a-fA-F]+$/.test(value) || decodesToText(value)) return false;
  let changes = 0;
  for (let i = 1; i < value.length; i++) if (classOf(value.charCodeAt(i)) !== classOf(value.charCodeAt(i - 1))) changes++;
  return (changes >= 14 || (changes >= 12 && !/[a-z]{5}/.test(value))) && new Set(value).size >= 20;
}

function decodesToText(value: string): boolean {
  let printable = 0;
  const bytes = atob(value);
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    if ((code >= 0x20 && code < 0x7f) || code === 0x0a || code === 0x0d || code === 0x09) printable++;
  }
  return printable >= 0.9 * bytes.length;
}
