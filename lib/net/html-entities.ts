/**
 * HTML character references, decoded for text that feeds the model (never for HTML that is rendered):
 * numeric ones as the HTML standard reads them, and the named ones a page commonly uses (all of
 * Latin-1 and the usual punctuation, arrows, maths and Greek). An unknown name stays as written.
 */

/** U+00A0 to U+00FF in order, the names HTML 4 gave them; they also decode without a semicolon. */
const LATIN1 = (
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot " +
  "cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml " +
  "Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig " +
  "agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute " +
  "ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml"
).split(" ");

const OTHERS: Record<string, number> = {
  amp: 0x26,
  lt: 0x3c,
  gt: 0x3e,
  quot: 0x22,
  apos: 0x27,
  AMP: 0x26,
  LT: 0x3c,
  GT: 0x3e,
  QUOT: 0x22,
  OElig: 0x152,
  oelig: 0x153,
  Scaron: 0x160,
  scaron: 0x161,
  Yuml: 0x178,
  fnof: 0x192,
  circ: 0x2c6,
  tilde: 0x2dc,
  ensp: 0x2002,
  emsp: 0x2003,
  thinsp: 0x2009,
  zwnj: 0x200c,
  zwj: 0x200d,
  lrm: 0x200e,
  rlm: 0x200f,
  ndash: 0x2013,
  mdash: 0x2014,
  lsquo: 0x2018,
  rsquo: 0x2019,
  sbquo: 0x201a,
  ldquo: 0x201c,
  rdquo: 0x201d,
  bdquo: 0x201e,
  dagger: 0x2020,
  Dagger: 0x2021,
  bull: 0x2022,
  hellip: 0x2026,
  permil: 0x2030,
  prime: 0x2032,
  Prime: 0x2033,
  lsaquo: 0x2039,
  rsaquo: 0x203a,
  oline: 0x203e,
  frasl: 0x2044,
  euro: 0x20ac,
  trade: 0x2122,
  larr: 0x2190,
  uarr: 0x2191,
  rarr: 0x2192,
  darr: 0x2193,
  harr: 0x2194,
  lArr: 0x21d0,
  uArr: 0x21d1,
  rArr: 0x21d2,
  dArr: 0x21d3,
  hArr: 0x21d4,
  forall: 0x2200,
  part: 0x2202,
  exist: 0x2203,
  empty: 0x2205,
  nabla: 0x2207,
  isin: 0x2208,
  notin: 0x2209,
  sum: 0x2211,
  prod: 0x220f,
  minus: 0x2212,
  radic: 0x221a,
  prop: 0x221d,
  infin: 0x221e,
  and: 0x2227,
  or: 0x2228,
  cap: 0x2229,
  cup: 0x222a,
  int: 0x222b,
  there4: 0x2234,
  sim: 0x223c,
  asymp: 0x2248,
  ne: 0x2260,
  equiv: 0x2261,
  le: 0x2264,
  ge: 0x2265,
  sub: 0x2282,
  sup: 0x2283,
  loz: 0x25ca,
  spades: 0x2660,
  clubs: 0x2663,
  hearts: 0x2665,
  diams: 0x2666,
  check: 0x2713,
  star: 0x2606,
};

/** Greek, capitals from U+0391 and small letters from U+03B1; U+03A2 is unassigned, and its small twin is ς (&sigmaf;). */
const GREEK = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho _ Sigma Tau Upsilon Phi Chi Psi Omega".split(" ");

const NAMED = new Map<string, number>(Object.entries(OTHERS));
for (const [index, name] of LATIN1.entries()) NAMED.set(name, 0xa0 + index);
for (const [index, name] of GREEK.entries()) {
  if (name === "_") continue;
  NAMED.set(name, 0x391 + index);
  NAMED.set(name.toLowerCase(), 0x3b1 + index);
}
NAMED.set("sigmaf", 0x3c2);

/** Names the HTML standard also reads without a semicolon (`&amp` `&copy`), for old pages. */
const LEGACY = new Set([...LATIN1, "amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT"]);

/** What a numeric reference to 0x80–0x9F means: the Windows-1252 character a page meant (HTML standard). */
const C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function fromCodePoint(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
  if (code >= 0x80 && code <= 0x9f) return String.fromCodePoint(C1[code - 0x80]!);
  return String.fromCodePoint(code);
}

// No nested quantifier and one way to match each input: linear in the text.
const REFERENCE = /&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*))(;?)/g;

/** `text` with its character references decoded. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (whole, decimal: string | undefined, hex: string | undefined, name: string | undefined, semicolon: string) => {
    if (decimal !== undefined) return fromCodePoint(decimal.length > 8 ? Number.POSITIVE_INFINITY : Number.parseInt(decimal, 10));
    if (hex !== undefined) return fromCodePoint(hex.length > 7 ? Number.POSITIVE_INFINITY : Number.parseInt(hex, 16));
    const code = NAMED.get(name!);
    if (code === undefined || (!semicolon && !LEGACY.has(name!))) return whole;
    return String.fromCodePoint(code);
  });
}
