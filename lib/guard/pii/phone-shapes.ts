/**
 * Shapes that make a run of digit groups a phone number without any word around it. Each takes the
 * candidate as written (`body`, extension removed), its digit groups and its digits. A shape is
 * added here only when counts, prices, dates, versions and the like are not written that way: the
 * unit tests and `npm run eval:guards` (number-heavy benign sets) hold each one to that.
 */
export type PhoneParts = { body: string; groups: string[]; digits: string };

/** Any of the shapes below. */
export function hasPhoneShape(parts: PhoneParts): boolean {
  return (
    isInternational(parts) ||
    isNorthAmerican(parts.body) ||
    isNationalTrunk(parts) ||
    isRussianTrunk(parts.body) ||
    isAreaInParentheses(parts.body) ||
    isSubscriberGrouped(parts)
  );
}

/**
 * "+CC …" (E.164: 8 to 15 digits, a trunk "(0)" not counted; +1 numbers have exactly 11), or
 * "00CC …" written in groups.
 */
function isInternational({ body, digits }: PhoneParts): boolean {
  if (/^\(?\+/.test(body)) {
    const dialled = /\(0\)/.test(body) ? digits.length - 1 : digits.length;
    return digits.startsWith("1") ? dialled === 11 : dialled >= 8 && dialled <= 15;
  }
  return /^00[1-9]/.test(digits) && digits.length >= 10 && /[ .\-()/]/.test(body);
}

/**
 * NANP: area code and exchange start with 2-9; one kind of separator, or (area) exchange-line, which
 * a leading "1" may precede with any separator ("1 (877) 609-2233").
 */
function isNorthAmerican(body: string): boolean {
  const match = /^(?:1([ .-]?))?(?:\(([2-9]\d\d)\) ?|([2-9]\d\d)([ .-]))([2-9]\d\d)([ .-])\d{4}$/.exec(body);
  if (match === null) return false;
  const [, countrySep, parenthesised, , areaSep, , lineSep] = match;
  if (areaSep !== undefined && areaSep !== lineSep) return false;
  return countrySep === undefined || parenthesised !== undefined || countrySep === lineSep;
}

/**
 * National format with a trunk zero ("020 7946 0958", "0176/12345678", "(030) 901820",
 * "020-550 9624", "06.12.34.56.78"): 9 to 12 digits in groups of two or more; the area code may be
 * set apart by parentheses or its own separator, every later group by one kind. 10 or 11 digits
 * unbroken. Nine digits in two groups need an area code of at most four digits before at least five
 * ("030 901820"), which keeps a ZIP code and house number ("03262 2437 Main St") out; groups of two
 * only must be the five of a French number, not a list ("04 15 23 42 08 16").
 */
function isNationalTrunk({ body, groups, digits }: PhoneParts): boolean {
  if (!/^0[1-9]/.test(digits) || digits.length < 9 || digits.length > 12) return false;
  if (groups.length === 1) return digits.length <= 11 && digits.length >= 10;
  if (groups.some((group) => group.length < 2)) return false;
  const [area = "", next = ""] = groups;
  if (digits.length === 9 && groups.length === 2 && (area.length > 4 || next.length < 5)) return false;
  if (groups.every((group) => group.length === 2) && groups.length !== 5) return false;
  const unwrapped = body.replace(/^\((\d+)\) ?/, "$1 ");
  if (/[()]/.test(unwrapped)) return false;
  const separators = unwrapped.split(/\d+/).slice(1, -1);
  return new Set(separators.slice(1)).size <= 1;
}

/** Russian and Kazakh numbers dialled with the trunk 8: "8 (912) 345-67-89", "8-912-345-67-89", "8 495 519 16 74". */
function isRussianTrunk(body: string): boolean {
  return /^8[ -]?(?:\(\d{3}\)|\d{3})[ -]?\d{3}[ -]\d{2}[ -]\d{2}$/.test(body);
}

/** A two- or three-digit area code in parentheses, then four or five digits and four: "(11) 98765-4321", "(21) 8361-7049". */
function isAreaInParentheses(body: string): boolean {
  return /^\(\d{2,3}\) ?\d{4,5}[- ]\d{4}$/.test(body);
}

/**
 * A subscriber number written as two groups of four after a short area or mobile prefix ("55 1234
 * 5678", "138 0013 8000"): thousands are grouped by three, so counts are not written this way.
 */
function isSubscriberGrouped({ body, groups, digits }: PhoneParts): boolean {
  if (digits.length < 10 || digits.length > 11 || groups.length !== 3) return false;
  const [first = "", second = "", third = ""] = groups;
  return first.length >= 2 && first.length <= 3 && second.length === 4 && third.length === 4 && /^\d+([ -])\d+\1\d+$/.test(body);
}

/** 2024-05-17, 17.05.2024 and the like: three groups, one separator, a real month and day. */
export function isDate({ body, groups }: PhoneParts): boolean {
  if (groups.length !== 3 || new Set(body.replace(/\d/g, "")).size !== 1) return false;
  const [a = "", b = "", c = ""] = groups;
  const month = (m: string) => Number(m) >= 1 && Number(m) <= 12;
  const day = (d: string) => Number(d) >= 1 && Number(d) <= 31;
  if (a.length === 4 && b.length === 2 && c.length === 2) return month(b) && day(c);
  if (a.length === 2 && b.length === 2 && c.length === 4) return (month(a) && day(b)) || (day(a) && month(b));
  return false;
}
