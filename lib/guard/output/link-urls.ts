import { ALLOWED_LINK_PROTOCOLS } from "@/lib/markdown/policy";

/**
 * What the link audit asks of one URL: would the renderer follow it, and does it look like it
 * carries data out. The first question is answered exactly as lib/markdown/render.ts answers it
 * (parse with URL, no base; only the policy's protocols); the second is a heuristic, tuned so that
 * ordinary documentation links stay quiet.
 */

/**
 * Thresholds of the "carries data" heuristic. A link is something a model may legitimately write,
 * so only strong signs count; an image is never legitimate in a reply here (none is ever loaded),
 * so any sizeable query counts.
 */
export const EXFIL_LIMITS = {
  /** A run of hex digits this long in the query, fragment or host name. */
  hexInQuery: 32,
  /** A run of hex digits this long in the path: longer than a SHA-256, so content hashes and commits pass. */
  hexInPath: 65,
  /** A run of base64 characters this long, with upper case, lower case and digits... */
  base64Run: 28,
  /** ...that changes between those classes at least this often (random data: about 0.65; camelCase words: below 0.45). */
  base64Mixing: 0.45,
  /** A query and fragment together this long, as written. */
  queryChars: 512,
  /** For images and other fetched resources: a query and fragment this long, or any whitespace in them once decoded. */
  resourceQueryChars: 16,
} as const;

/** How the renderer treats a link's target. */
export type LinkVerdict = "allowed" | "scheme" | "relative";

const linkProtocols: ReadonlySet<string> = new Set(ALLOWED_LINK_PROTOCOLS);

/** The renderer's decision for an href (already decoded from markdown or HTML). */
export function linkVerdict(href: string): LinkVerdict {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return "relative";
  }
  return linkProtocols.has(url.protocol) ? "allowed" : "scheme";
}

/** A pseudo-origin for resolving relative URLs, so their path and query can be examined. */
const RELATIVE_HOST = "relative.invalid";
const RELATIVE_BASE = `https://${RELATIVE_HOST}/`;

/** Schemes whose URL is sent somewhere when followed or fetched. */
const SENDING_PROTOCOLS: ReadonlySet<string> = new Set(["http:", "https:", "mailto:", "ftp:", "ws:", "wss:"]);

/** The shape of the PII stage's placeholders and of the secret marker: `[EMAIL_1]`, `[REDACTED_SECRET]`. */
const PLACEHOLDER = /\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\]/;

/**
 * Whether a URL looks like it carries data out: a placeholder anywhere in it, a long run of hex
 * or of well-mixed base64, a very long query; for a fetched resource (`resource: true`), any
 * sizeable query or fragment. URLs that send nothing (data:, javascript:) never carry data.
 */
export function carriesData({ href, resource }: { href: string; resource: boolean }): boolean {
  let url: URL;
  try {
    url = new URL(href, RELATIVE_BASE);
  } catch {
    return PLACEHOLDER.test(percentDecode(href));
  }
  if (!SENDING_PROTOCOLS.has(url.protocol)) return false;
  if (PLACEHOLDER.test(percentDecode(href))) return true;
  // "#" joins the parts: it is in none of the runs looked for, and is not whitespace.
  const query = `${percentDecode(url.search.slice(1).replaceAll("+", " "))}#${percentDecode(url.hash.slice(1))}`;
  const path = percentDecode(url.pathname);
  const host = url.hostname === RELATIVE_HOST ? "" : url.hostname;
  if (hasRun({ text: `${query}#${host}`, pattern: /[0-9a-f]+/gi, min: EXFIL_LIMITS.hexInQuery, accept: isHexData })) return true;
  if (hasRun({ text: path, pattern: /[0-9a-f]+/gi, min: EXFIL_LIMITS.hexInPath, accept: isHexData })) return true;
  if (hasRun({ text: query, pattern: /[A-Za-z0-9+/=]+/g, min: EXFIL_LIMITS.base64Run, accept: isBase64Data })) return true;
  if (hasRun({ text: path, pattern: /[A-Za-z0-9+=]+/g, min: EXFIL_LIMITS.base64Run, accept: isBase64Data })) return true;
  const queryLength = url.search.length + url.hash.length;
  if (queryLength >= EXFIL_LIMITS.queryChars) return true;
  return resource && (queryLength >= EXFIL_LIMITS.resourceQueryChars || /\s/.test(query));
}

function hasRun({ text, pattern, min, accept }: { text: string; pattern: RegExp; min: number; accept: (run: string) => boolean }): boolean {
  for (const [run] of text.matchAll(pattern)) {
    if (run.length >= min && accept(run)) return true;
  }
  return false;
}

function isHexData(run: string): boolean {
  return /[0-9]/.test(run) && /[a-f]/i.test(run);
}

function isBase64Data(run: string): boolean {
  if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9]/.test(run)) return false;
  let changes = 0;
  for (let i = 1; i < run.length; i++) if (charClass(run.charCodeAt(i)) !== charClass(run.charCodeAt(i - 1))) changes++;
  return changes >= EXFIL_LIMITS.base64Mixing * (run.length - 1);
}

function charClass(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return 0;
  if (code >= 0x61 && code <= 0x7a) return 1;
  if (code >= 0x30 && code <= 0x39) return 2;
  return 3;
}

/** Percent-decoding that never throws: invalid UTF-8 is decoded byte by byte. */
export function percentDecode(text: string): string {
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

/** Named character references that can hide a scheme or a placeholder; others are left as written. */
const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    colon: ":",
    Tab: "\t",
    NewLine: "\n",
    sol: "/",
    bsol: "\\",
    period: ".",
    comma: ",",
    lpar: "(",
    rpar: ")",
    lsqb: "[",
    rsqb: "]",
    lbrack: "[",
    rbrack: "]",
    quest: "?",
    equals: "=",
    num: "#",
    percnt: "%",
    excl: "!",
    commat: "@",
    plus: "+",
    lowbar: "_",
    hyphen: "-",
    dash: "-",
    nbsp: "\u00a0",
  }),
);

/**
 * Decodes what a markdown link destination or an HTML attribute value may encode: character
 * references, and (in markdown) backslash escapes of ASCII punctuation.
 */
export function decodeReference({ text, markdown }: { text: string; markdown: boolean }): string {
  const unescaped = markdown ? text.replace(/\\([!-/:-@[-`{-~])/g, "$1") : text;
  if (!unescaped.includes("&")) return unescaped;
  return unescaped.replace(/&(?:#[xX]([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{1,31}));/g, (whole, hex?: string, dec?: string, name?: string) => {
    if (name !== undefined) return NAMED_ENTITIES.get(name) ?? whole;
    const cp = Number.parseInt(hex ?? dec ?? "", hex === undefined ? 10 : 16);
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : "\ufffd";
  });
}
