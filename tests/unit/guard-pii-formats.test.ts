import { describe, expect, it } from "vitest";
import { findEntities, PlaceholderMap } from "@/lib/guard/pii";
import type { EntityType } from "@/lib/guard/types";
import { digits, upperAlnum } from "../support/secret-samples";

/** The values found, as "TYPE:value", in text order. */
function found(text: string, types?: EntityType[]): string[] {
  return findEntities(text, types === undefined ? {} : { types }).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

/** An IBAN with correct check digits, computed with BigInt (independently of the code under test). */
function iban(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((ch) => (/\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55))).join("");
  return `${country}${String(98n - (BigInt(numeric) % 97n)).padStart(2, "0")}${bban}`;
}
const fours = (value: string, sep: string) => value.replace(/(.{4})(?=.)/g, `$1${sep}`);

describe("PHONE: national and international layouts", () => {
  it.each([
    ["UK, trunk (0) after the country code", "+44 (0)20 7946 0958"],
    ["UK, trunk (0) glued", "+44(0)20 7946 0958"],
    ["UK, (0) spaced", "+44 (0) 1632 960983"],
    ["UK national", "020 7946 0958"],
    ["UK, area in parentheses", "(020) 7946 0958"],
    ["DE mobile with a slash", "0176/12345678"],
    ["DE, spaced slash", "089 / 123 456 78"],
    ["DE, Berlin", "030 901820"],
    ["DE, (0) and slash", "+49 (0)176 12345678"],
    ["FR", "01 42 68 53 00"],
    ["FR, dots", "06.12.34.56.78"],
    ["FR, +33 (0)", "+33 (0)6 12 34 56 78"],
    ["IT", "06 6982 1234"],
    ["ES", "+34 912 345 678"],
    ["NL, mixed separators", "020-123 4567"],
    ["NL mobile", "06-12345678"],
    ["PL", "+48 22 123 45 67"],
    ["IN", "098765 43210"],
    ["AU", "(02) 9876 5432"],
    ["AU mobile", "0412 345 678"],
    ["BR", "(11) 98765-4321"],
    ["JP", "03-1234-5678"],
    ["JP mobile", "090-1234-5678"],
    ["CN mobile", "138 0013 8000"],
    ["RU, trunk 8 and area in parentheses", "8 (912) 345-67-89"],
    ["RU, trunk 8 dashed", "8-912-345-67-89"],
    ["RU, +7", "+7 912 345-67-89"],
    ["MX", "55 1234 5678"],
    ["US toll-free with 1 and parentheses", "1 (877) 609-2233"],
    ["US toll-free with dashes", "1-877-609-2233"],
    ["US, no space after the area code", "(415)555-2671"],
    ["UK, dashes around the trunk (0)", "+44-(0)20-7946-0958"],
    ["DE, slashes after the country code", "+49/176/12345678"],
    ["international, in parentheses", "(+49) 176 12345678"],
  ])("%s: %s, without any word around it", (_, phone) => {
    expect(found(`Jane Doe, ${phone}, London`)).toEqual([`PHONE:${phone}`]);
  });

  it.each([
    ["Tel:+4917612345678", "+4917612345678"],
    ["call me on07700900123", "07700900123"],
    ["mobile0176 1234567", "0176 1234567"],
    ["Tel.0176/12345678", "0176/12345678"],
    ["Handy:0176 1234567", "0176 1234567"],
    ["mobile(020) 7946 0958", "(020) 7946 0958"],
    ["T:+44 20 7946 0958", "+44 20 7946 0958"],
  ])("finds a number glued to a phone label: %s", (text, phone) => {
    expect(found(text)).toEqual([`PHONE:${phone}`]);
  });

  it.each([
    ["my number07700900123", "07700900123"],
    ["reach me tomorrow at07700900123", "07700900123"],
    ["Nr0176 1234567", "0176 1234567"],
  ])("finds a phone-shaped number glued to a weaker word: %s", (text, phone) => {
    expect(found(text)).toEqual([`PHONE:${phone}`]);
  });

  it.each(["no12345678", "is1234567 and on2024-05-17", "at1234 5678"])("needs a phone number's shape after a weaker word: %s", (text) => {
    expect(found(text, ["PHONE"])).toEqual([]);
  });

  it.each([
    ["Mi teléfono es 612 345 678.", "612 345 678"],
    ["Handy: 0176 1234567", "0176 1234567"],
    ["My mobile: 552 608 623", "552 608 623"],
    ["Mon portable : 06 12 34 56 78", "06 12 34 56 78"],
    ["M: 467 3395", "467 3395"],
  ])("finds a national number the sentence names: %j", (text, phone) => {
    expect(found(text)).toEqual([`PHONE:${phone}`]);
  });

  it("splits two numbers joined by a spaced slash or dash", () => {
    expect(found("Call 020 7946 0958 / 07700 900123 or 0176 1234567 - 030 901820")).toEqual([
      "PHONE:020 7946 0958",
      "PHONE:07700 900123",
      "PHONE:0176 1234567",
      "PHONE:030 901820",
    ]);
  });

  it.each([
    "ID12345678 and X0176 1234567", // glued to a word that is no phone label
    "My driver's license number is F162823540116",
    "Gary's truck can carry 11,600-4000-4800=2800 pounds",
    "discord messages\n20/03/2023 17:18\nwtf",
    // A context window that starts inside "string" must not read "ring".
    "of odd digits in the i'th string of the input.\n\n    >>> odd_count(['1234567'])",
    "Lottery numbers: 04 15 23 42 08 16; bonus 7.",
    "Dates 20/03/2023, 2024/05/17 and 1/2/2024",
    "Between 09 00 and 17 00 hours, room 0176/12",
    "The range is 10 000 to 99 999; 1 234 567 people; 912 345 678 in total.",
    "ISBN 978-3-16-148410-0, tracking 1Z 999 AA1 01 2345 6784",
    "v1.0176.1234567 and -0176 1234567 and .0176 1234567",
    "Resolution 1920x1080, 3840x2160 at 60 Hz",
    // A phone word inside a longer word of another script is no phone word: "Möbel" is not "bel".
    "Galerien für die Themen Möbel und Europa 1600-1800 verteilt",
    "roiectate pentru Mobilă și Europa între 1600-1800, și",
    "El número primo más grande conocido tiene 22 338 618 dígitos decimales.",
  ])("finds no phone number in %j", (text) => {
    expect(found(text, ["PHONE"])).toEqual([]);
  });

  it("gives one placeholder to one number written with and without its trunk (0)", () => {
    const map = new PlaceholderMap();
    const { text } = map.redact("call +44 (0)20 7946 0958 or +44 20 7946 0958");
    expect(text).toBe("call [PHONE_1] or [PHONE_1]");
    expect(map.restore("[PHONE_1]")).toBe("+44 (0)20 7946 0958");
  });
});

describe("IBAN: any grouping", () => {
  const de = iban("DE", digits(18));
  const gb = iban("GB", `WEST${digits(14)}`);
  const no = iban("NO", digits(11));
  const be = iban("BE", digits(12));

  it.each([
    ["compact", de],
    ["dashes", fours(de, "-")],
    ["dots", fours(gb, ".")],
    ["country code and check digits set apart", `${no.slice(0, 2)} ${no.slice(2, 4)} ${fours(no.slice(4), " ")}`],
    ["irregular groups", `${be.slice(0, 3)} ${be.slice(3, 8)} ${be.slice(8, 10)} ${be.slice(10)}`],
    ["the first group, then the rest", `${de.slice(0, 4)} ${de.slice(4)}`],
    ["lower case, grouped", fours(gb, " ").toLowerCase()],
  ])("%s: %s", (_, written) => {
    expect(found(`Please pay to ${written}. Thanks`)).toEqual([`IBAN:${written}`]);
  });

  it("still checks mod 97 and the country's length in every grouping", () => {
    const wrong = `${de.slice(0, 2)}${String((Number(de.slice(2, 4)) + 1) % 100).padStart(2, "0")}${de.slice(4)}`;
    for (const written of [fours(wrong, "-"), fours(wrong, "."), `${wrong.slice(0, 2)} ${wrong.slice(2, 4)} ${wrong.slice(4)}`]) {
      expect(found(written, ["IBAN"])).toEqual([]);
    }
    expect(found(fours(`${de}1`, "-"), ["IBAN"])).toEqual([]);
    expect(found(`${fours(de, "-")}-7`, ["IBAN"])).toEqual([]);
  });

  it("reads a lower-case country code set apart as an IBAN only after a word like IBAN", () => {
    const spacedLower = `${no.slice(0, 2).toLowerCase()} ${no.slice(2, 4)} ${no.slice(4)}`;
    expect(found(`there is ${spacedLower} left`, ["IBAN"])).toEqual([]);
    expect(found(`IBAN ${spacedLower}`, ["IBAN"])).toEqual([`IBAN:${spacedLower}`]);
  });

  it("gives one placeholder to one IBAN however it is grouped", () => {
    const map = new PlaceholderMap();
    expect(map.redact(`${fours(de, ".")} and ${fours(de, "-")} and ${de}`).text).toBe("[IBAN_1] and [IBAN_1] and [IBAN_1]");
  });

  it("finds no IBAN in codes shaped like one", () => {
    expect(found(`order AB12-${upperAlnum(4)}-${digits(4)}, part GB 12 345, DE 89 37`, ["IBAN"])).toEqual([]);
  });
});
