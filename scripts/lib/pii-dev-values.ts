/**
 * Values for the PII dev set (./pii-dev-set.ts), made by code from a seeded generator: phone numbers
 * in national and international layouts, IBANs with real check digits in many groupings, card
 * numbers, addresses, SSNs and IPs. Nothing realistic is stored; the same seed gives the same values.
 */

/** A small seeded generator (mulberry32): deterministic across runs and machines. */
export type Rng = { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T };

export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";

/** Fills a layout: `#` a digit, `N` a digit 2-9, `A` an upper-case letter, `C` a letter or digit; anything else stays. */
export function fillLayout({ rng, layout }: { rng: Rng; layout: string }): string {
  let out = "";
  for (const ch of layout) {
    if (ch === "#") out += DIGITS[rng.int(10)];
    else if (ch === "N") out += DIGITS[2 + rng.int(8)];
    else if (ch === "A") out += UPPER[rng.int(26)];
    else if (ch === "C") out += (UPPER + DIGITS)[rng.int(36)];
    else out += ch;
  }
  return out;
}

/**
 * Phone layouts by country, as people write them: with the country code, nationally with the trunk
 * prefix, the trunk "(0)" kept after the country code, slashes, dots and mixed separators.
 * `cue: true` marks layouts that are a phone number only when the sentence says so (a national
 * number without a trunk zero reads as a count); the dev set puts those in sentences that do.
 * The countries from IE on, and the last two US layouts, were added after the detector was tuned
 * on the others: all found the first time, a small check on layouts it was not built from.
 */
export const PHONE_LAYOUTS: Readonly<Record<string, readonly { layout: string; cue?: boolean }[]>> = {
  UK: [
    { layout: "+44 20 #### ####" },
    { layout: "+44 (0)20 #### ####" },
    { layout: "+44(0)20 #### ####" },
    { layout: "020 #### ####" },
    { layout: "07700 9#####" },
    { layout: "+44 7700 9#####" },
    { layout: "+447700 9#####" },
    { layout: "(020) #### ####" },
    { layout: "0044 20 #### ####" },
    { layout: "01632 9#####" },
    { layout: "+44 (0) 1632 9#####" },
    { layout: "07### ######" },
  ],
  DE: [
    { layout: "030 ######" },
    { layout: "0176/########" },
    { layout: "0176 ########" },
    { layout: "0176 #### ####" },
    { layout: "+49 176 ########" },
    { layout: "+49 (0)176 ########" },
    { layout: "+49(0)30 #######" },
    { layout: "(030) #######" },
    { layout: "089/#######" },
    { layout: "0049 89 #######" },
    { layout: "+4917#########" },
    { layout: "0151-########" },
    { layout: "0176 1######" },
    { layout: "089 / ### ### ##" },
  ],
  FR: [
    { layout: "01 ## ## ## ##" },
    { layout: "06 ## ## ## ##" },
    { layout: "+33 1 ## ## ## ##" },
    { layout: "+33 (0)6 ## ## ## ##" },
    { layout: "06.##.##.##.##" },
    { layout: "0033 6 ## ## ## ##" },
    { layout: "+33 6########" },
    { layout: "07-##-##-##-##" },
  ],
  IT: [
    { layout: "06 #### ####" },
    { layout: "+39 06 #### ####" },
    { layout: "3## ### ####", cue: true },
    { layout: "+39 3## ### ####" },
    { layout: "02 ########" },
    { layout: "+39 02 #######" },
  ],
  ES: [
    { layout: "+34 9## ### ###" },
    { layout: "9## ## ## ##", cue: true },
    { layout: "6## ### ###", cue: true },
    { layout: "+34 6## ## ## ##" },
    { layout: "+34 6########" },
  ],
  NL: [
    { layout: "020-### ####" },
    { layout: "06-########" },
    { layout: "+31 20 ### ####" },
    { layout: "+31 6 ########" },
    { layout: "010 ### ####" },
    { layout: "+31 (0)6 ########" },
  ],
  PL: [
    { layout: "+48 22 ### ## ##" },
    { layout: "5## ### ###", cue: true },
    { layout: "+48 5## ### ###" },
    { layout: "22 ### ## ##", cue: true },
    { layout: "+48 5##-###-###" },
  ],
  IN: [
    { layout: "+91 9#### #####" },
    { layout: "09#### #####" },
    { layout: "9#### #####", cue: true },
    { layout: "+91-9#########" },
    { layout: "022 #### ####" },
    { layout: "+91 22 #### ####" },
  ],
  AU: [
    { layout: "+61 2 #### ####" },
    { layout: "(02) #### ####" },
    { layout: "04## ### ###" },
    { layout: "+61 4## ### ###" },
    { layout: "03 #### ####" },
    { layout: "+61 (0)4## ### ###" },
  ],
  BR: [
    { layout: "+55 11 9####-####" },
    { layout: "(11) 9####-####" },
    { layout: "(21) ####-####" },
    { layout: "+55 (11) 9####-####" },
    { layout: "11 9####-####", cue: true },
  ],
  JP: [{ layout: "+81 3-####-####" }, { layout: "03-####-####" }, { layout: "090-####-####" }, { layout: "+81 90-####-####" }],
  CN: [
    { layout: "+86 138 #### ####" },
    { layout: "13# #### ####", cue: true },
    { layout: "010-#### ####" },
    { layout: "+86 10 #### ####" },
    { layout: "+86 13#########" },
  ],
  RU: [
    { layout: "8 (912) ###-##-##" },
    { layout: "+7 912 ###-##-##" },
    { layout: "8 912 ### ## ##" },
    { layout: "+7 (495) ###-##-##" },
    { layout: "8-912-###-##-##" },
    { layout: "8 (495) ### ## ##" },
  ],
  MX: [{ layout: "+52 55 #### ####" }, { layout: "55 #### ####", cue: true }, { layout: "+52 1 55 #### ####" }, { layout: "+52 (55) ####-####" }],
  US: [
    { layout: "(415) N##-####" },
    { layout: "415-N##-####" },
    { layout: "1 (877) N##-####" },
    { layout: "1-877-N##-####" },
    { layout: "+1 415 N## ####" },
    { layout: "+1-415-N##-####" },
    { layout: "415.N##.####" },
    { layout: "(415)N##-####" },
    { layout: "212-N##-#### x###" },
    { layout: "001-415-N##-####" },
    { layout: "+1 (604) N##-####" },
    { layout: "1.800.N##.####" },
    { layout: "+1 415-N##-####" },
    { layout: "(415) N##-#### ext. ##" },
  ],
  IE: [{ layout: "+353 1 ### ####" }, { layout: "01 ### ####" }, { layout: "+353 (0)1 ### ####" }],
  CH: [{ layout: "+41 44 ### ## ##" }, { layout: "044 ### ## ##" }],
  AT: [{ layout: "+43 1 ######" }, { layout: "0664 #######" }],
  BE: [{ layout: "+32 2 ### ## ##" }, { layout: "02 ### ## ##" }, { layout: "0471 ## ## ##" }],
  SE: [{ layout: "+46 8 ### ### ##" }, { layout: "08-### ### ##" }, { layout: "070-### ## ##" }],
  DK: [{ layout: "+45 ## ## ## ##" }],
  NO: [{ layout: "+47 ### ## ###" }],
  FI: [{ layout: "+358 9 #### ####" }, { layout: "040 ### ####" }],
  TR: [{ layout: "+90 212 ### ## ##" }, { layout: "0212 ### ## ##" }, { layout: "0532 ### ## ##" }],
  AE: [{ layout: "+971 4 ### ####" }, { layout: "+971 50 ### ####" }],
  SG: [{ layout: "+65 6### ####" }],
  KR: [{ layout: "+82 2-###-####" }, { layout: "010-####-####" }],
  ZA: [{ layout: "+27 21 ### ####" }, { layout: "021 ### ####" }],
  NZ: [{ layout: "+64 9 ### ####" }, { layout: "021 ### ####" }],
};

/** IBAN layouts after the country code and check digits (ISO 13616 registry): `#` digit, `A` letter, `C` either. */
export const IBAN_BBANS: Readonly<Record<string, string>> = {
  DE: "##################",
  GB: "AAAA##############",
  FR: "##########CCCCCCCCCCC##",
  NO: "###########",
  NL: "AAAA##########",
  ES: "####################",
  IT: "A##########CCCCCCCCCCCC",
  BE: "############",
  CH: "#####CCCCCCCCCCCC",
  AT: "################",
  PL: "########################",
  PT: "#####################",
  SE: "####################",
  DK: "##############",
  FI: "##############",
  IE: "AAAA##############",
  LU: "###CCCCCCCCCCCCC",
  SA: "##CCCCCCCCCCCCCCCCCC",
  TR: "#####0CCCCCCCCCCCCCCCC",
  BR: "#######################AC",
  MT: "AAAA#####CCCCCCCCCCCCCCCCCC",
  CZ: "####################",
  HU: "########################",
  GR: "#######CCCCCCCCCCCCCCCC",
  RO: "AAAACCCCCCCCCCCCCCCC",
  HR: "#################",
  LT: "################",
  IS: "######################",
  KW: "AAAACCCCCCCCCCCCCCCCCCCCCC",
  AE: "###################",
  IL: "###################",
  MC: "##########CCCCCCCCCCC##",
  SK: "####################",
  SI: "###############",
};

/** Check digits by ISO 7064 mod 97-10, computed here with BigInt, independently of the code under test. */
export function makeIban({ rng, country }: { rng: Rng; country: string }): string {
  const bban = fillLayout({ rng, layout: IBAN_BBANS[country] ?? "" });
  const numeric = [...`${bban}${country}00`].map((ch) => (/\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55))).join("");
  return `${country}${String(98n - (BigInt(numeric) % 97n)).padStart(2, "0")}${bban}`;
}

/** How an IBAN is written: the printed groups of four, none, dots, dashes, irregular groups, the country set apart, lower case. */
export function writeIban({ rng, iban }: { rng: Rng; iban: string }): string {
  const fours = (s: string, sep: string) => s.replace(/(.{4})(?=.)/g, `$1${sep}`);
  switch (rng.int(9)) {
    case 0:
      return iban;
    case 1:
      return fours(iban, " ");
    case 2:
      return fours(iban, "-");
    case 3:
      return fours(iban, ".");
    case 4:
      return `${iban.slice(0, 2)} ${iban.slice(2, 4)} ${fours(iban.slice(4), " ")}`;
    case 5:
      return fours(iban, " ").toLowerCase();
    case 6:
      return `${iban.slice(0, 4)} ${iban.slice(4)}`;
    case 7: {
      let out = "";
      for (let i = 0; i < iban.length; ) {
        const size = 2 + rng.int(5);
        out += `${out === "" ? "" : " "}${iban.slice(i, i + size)}`;
        i += size;
      }
      return out;
    }
    default:
      return iban.toLowerCase();
  }
}

/** A Luhn-valid card number of a real issuer's range and length, in one of its printed groupings. */
export function makeCard(rng: Rng): string {
  const [prefix, length, groups] = rng.pick([
    ["4", 16, [4, 4, 4, 4]],
    ["51", 16, [4, 4, 4, 4]],
    ["55", 16, [4, 4, 4, 4]],
    ["2221", 16, [4, 4, 4, 4]],
    ["37", 15, [4, 6, 5]],
    ["34", 15, [4, 6, 5]],
    ["6011", 16, [4, 4, 4, 4]],
    ["35", 16, [4, 4, 4, 4]],
    ["36", 14, [4, 6, 4]],
    ["4", 13, [4, 4, 5]],
  ] as const);
  let digits = prefix + fillLayout({ rng, layout: "#".repeat(length - prefix.length - 1) });
  for (let check = 0; check <= 9; check++) {
    const candidate = digits + check;
    const sum = [...candidate].reverse().reduce((acc, ch, i) => {
      const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
      return acc + (d > 9 ? d - 9 : d);
    }, 0);
    if (sum % 10 === 0) {
      digits = candidate;
      break;
    }
  }
  const sep = rng.pick(["", " ", "-"]);
  if (sep === "") return digits;
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(sep);
}

const FIRST = ["jane", "li.wei", "o.brien", "maria-jose", "k.nowak", "sven", "aiko_t", "raj.patel", "anna.k", "pierre"];
const DOMAINS = ["example.com", "mail.example.org", "example.co.uk", "uni-example.de", "example.fr", "corp.example.net"];

export function makeEmail(rng: Rng): string {
  const local = `${rng.pick(FIRST)}${rng.int(3) === 0 ? String(rng.int(100)) : ""}${rng.int(5) === 0 ? "+work" : ""}`;
  const email = `${local}@${rng.pick(DOMAINS)}`;
  return rng.int(6) === 0 ? email.toUpperCase() : email;
}

/** Outside the ranges the SSA never issues (000, 666, 9xx; group 00; serial 0000). */
export function makeSsn(rng: Rng): string {
  const area = String(1 + rng.int(665)).padStart(3, "0");
  const group = String(1 + rng.int(99)).padStart(2, "0");
  const serial = String(1 + rng.int(9999)).padStart(4, "0");
  return `${area}-${group}-${serial}`;
}

export function makeIp(rng: Rng): string {
  if (rng.int(3) === 0) {
    const groups = Array.from({ length: 8 }, () => rng.int(65_536).toString(16));
    groups[0] = "2001";
    groups[1] = "db8";
    return rng.int(2) === 0 ? groups.join(":") : `${groups.slice(0, 3).join(":")}::${groups.slice(6).join(":")}`;
  }
  return [1 + rng.int(223), rng.int(256), rng.int(256), 1 + rng.int(254)].map((n, i) => (i === 0 && (n === 127 || n === 0) ? 10 : n)).join(".");
}
