import { describe, expect, it } from "vitest";
import { withLuhn } from "../support/fake-keys";
import { alnum, b64, b64url, digits, jwt, SECRET_SAMPLES, upperAlnum } from "../support/secret-samples";
import { findEntities, findSecrets } from "@/lib/guard/pii";
import type { EntityType } from "@/lib/guard/types";

const breakLuhn = (card: string) => card.slice(0, -1) + ((Number(card.at(-1)) + 1) % 10);

/** An IBAN with correct check digits, computed with BigInt (independently of the code under test). */
function iban(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((ch) => (/\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55))).join("");
  const check = String(98n - (BigInt(numeric) % 97n)).padStart(2, "0");
  return `${country}${check}${bban}`;
}
const spaced = (value: string) => value.replace(/(.{4})/g, "$1 ").trim();

/** The values found, as "TYPE:value", in text order. */
function found(text: string, types?: EntityType[]): string[] {
  return findEntities(text, types === undefined ? {} : { types }).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe("EMAIL", () => {
  it.each([
    ["Contact me at jane.doe+work@example.co.uk.", "jane.doe+work@example.co.uk"],
    ["mail:JANE_O'NEIL@EXAMPLE.COM?", "JANE_O'NEIL@EXAMPLE.COM"],
    ["write to 'bob@example.org'", "bob@example.org"],
    ["Schreib an jörg.müller@bücher.de, danke", "jörg.müller@bücher.de"],
    ["(reply-to: ops-team@mail.internal.example.org)", "ops-team@mail.internal.example.org"],
  ])("finds the address in %j", (text, value) => {
    expect(found(text, ["EMAIL"])).toContain(`EMAIL:${value}`);
  });

  it.each(["user@localhost", "follow @bulwark on social", "@media (max-width: 600px)", "npm i @scope/pkg@1.2.3", "a@b", "x@y.z", "name@-bad-.com"])(
    "finds no address in %j",
    (text) => {
      expect(found(text, ["EMAIL"])).toEqual([]);
    },
  );
});

describe("PHONE", () => {
  it.each([
    "+44 20 7946 0958",
    "(415) 555-2671",
    "415-555-2671",
    "+1-415-555-2671",
    "+1 (415) 555-2671",
    "415.555.2671",
    "020 7946 0958",
    "+49 30 901820",
    "0049 30 901820",
    "+41 (0)44 668 18 00",
    "03.93.92.16.85",
    "+447700900123",
  ])("finds %s without any context", (phone) => {
    expect(found(`I'm at ${phone} after six.`)).toEqual([`PHONE:${phone}`]);
  });

  it.each([
    ["Phone: 467 3395", "467 3395"],
    ["Can someone call me on 9472 7916? Thanks", "9472 7916"],
    ["Mobile:\n699 956 915", "699 956 915"],
    ["Fax: 9498777106", "9498777106"],
    ["781 1704 office, ask for Sam", "781 1704"],
    ["Desk: 555-2671 ext. 204", "555-2671 ext. 204"],
  ])("finds a short national number named by its context: %j", (text, phone) => {
    expect(found(text)).toEqual([`PHONE:${phone}`]);
  });

  it.each([
    "3 + 4 = 7 and 12345 * 67890 = 838102050",
    "Janet sells 16 - 3 - 4 = 9 duck eggs for $2 each, so 9 * 2 = $18.",
    "The year 2023 had 365 days; the population is 1 414 021 100.",
    "It costs $1,234,567.89, or 1 234 567 EUR, or 1.000.000 ¥.",
    "Due on 2024-05-17, 17.05.2024 or 05/17/2024.",
    "ISBN 978-3-16-148410-0 and ISBN 0306406152.",
    "Order #100234567 and order 415-555-2671 shipped.",
    "Meeting 12:30-14:45 in room 101-102, see pages 345-678.",
    "Released as v1.2.3 and 10.0.19041.1",
    "id 123e4567-e89b-12d3-a456-426614174000",
    "commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    "10^9+7 = 1000000007 and 1e10 and -1234567",
    "Call me maybe, I have 1 234 567 questions", // a phone word, but a 1-digit group
  ])("finds nothing in %j", (text) => {
    expect(found(text)).toEqual([]);
  });

  it("does not read a neighbour's context across another number", () => {
    expect(found("call me at 555 2671 about the 2 000 000 order", ["PHONE"])).toEqual(["PHONE:555 2671"]);
  });
});

describe("CARD", () => {
  const visa = () => withLuhn(`4${digits(14)}`);
  const amex = () => withLuhn(`37${digits(12)}`);
  const maestro12 = () => withLuhn(`50${digits(9)}`);

  it("finds Luhn-valid numbers, plain, spaced or dashed", () => {
    const card = visa();
    const groups = card.match(/.{4}/g)?.join(" ") ?? "";
    for (const written of [card, groups, groups.replace(/ /g, "-")]) {
      expect(found(`Please charge ${written} today`)).toEqual([`CARD:${written}`]);
    }
    const am = amex();
    const amSpaced = `${am.slice(0, 4)} ${am.slice(4, 10)} ${am.slice(10)}`;
    expect(found(`amex ${amSpaced}.`)).toEqual([`CARD:${amSpaced}`]);
    const nineteen = withLuhn(`6011${digits(14)}`);
    expect(found(nineteen)).toEqual([`CARD:${nineteen}`]);
  });

  it("rejects numbers that fail the Luhn check", () => {
    for (let i = 0; i < 20; i++) expect(found(`card ${breakLuhn(visa())}`, ["CARD"])).toEqual([]);
  });

  it("accepts a 12-digit Maestro number only when it is named as a card", () => {
    const card = maestro12();
    expect(found(`My card ${card} is lost`, ["CARD"])).toEqual([`CARD:${card}`]);
    expect(found(`Reference ${card}`, ["CARD"])).toEqual([]);
  });

  it("rejects lookalikes: long ids, timestamps, ISBNs, repeated digits, mixed grouping", () => {
    const luhnFromOne = withLuhn(`1${digits(13)}`); // no issuer starts with 1 (but 1800)
    for (const text of [
      `id ${luhnFromOne}`,
      "ts 1700000000000",
      "ISBN 9783161484100",
      "0000 0000 0000 0000",
      `${withLuhn(`4${digits(18)}`)}1`, // 20 digits
      `4${digits(3)} ${digits(4)}-${digits(4)} ${digits(4)}`,
      `v4.${withLuhn(`4${digits(14)}`)}`,
    ]) {
      expect(found(text, ["CARD"])).toEqual([]);
    }
  });
});

describe("IBAN", () => {
  it("finds mod-97-valid IBANs with or without spaces, in either case", () => {
    const gb = iban("GB", `WEST${digits(14)}`);
    const de = iban("DE", digits(18));
    const fr = iban("FR", `${digits(10)}${upperAlnum(11)}${digits(2)}`);
    expect(found(`My IBAN is ${gb}`)).toEqual([`IBAN:${gb}`]);
    expect(found(`IBAN: ${spaced(de)} (Berlin)`)).toEqual([`IBAN:${spaced(de)}`]);
    expect(found(`iban ${gb.toLowerCase()}`)).toEqual([`IBAN:${gb.toLowerCase()}`]);
    expect(found(`from ${spaced(gb)} to ${spaced(fr)} please`)).toEqual([`IBAN:${spaced(gb)}`, `IBAN:${spaced(fr)}`]);
  });

  it("rejects wrong check digits, unknown countries and wrong lengths", () => {
    const de = iban("DE", digits(18));
    const wrongCheck = `${de.slice(0, 2)}${String((Number(de.slice(2, 4)) + 1) % 100).padStart(2, "0")}${de.slice(4)}`;
    expect(found(wrongCheck, ["IBAN"])).toEqual([]);
    expect(found(iban("XX", digits(18)), ["IBAN"])).toEqual([]);
    expect(found(iban("DE", digits(17)), ["IBAN"])).toEqual([]);
    expect(found(`${iban("DE", digits(18))}7`, ["IBAN"])).toEqual([]);
  });
});

describe("SSN", () => {
  it("finds a dashed SSN, and an unseparated one only when named", () => {
    expect(found("Here's my SSN: 536-22-1234")).toEqual(["SSN:536-22-1234"]);
    expect(found("His number is 536-22-1234")).toEqual(["SSN:536-22-1234"]);
    expect(found("social security number 536221234")).toEqual(["SSN:536221234"]);
    expect(found("ssn 536 22 1234")).toEqual(["SSN:536 22 1234"]);
    expect(found("population 536221234", ["SSN"])).toEqual([]);
  });

  it.each(["000-12-3456", "666-12-3456", "900-12-3456", "987-65-4321", "536-00-1234", "536-22-0000", "078-05-1120", "123-45-6789"])(
    "rejects %s, which the SSA never issues",
    (ssn) => {
      expect(found(`SSN: ${ssn}`)).toEqual([]);
    },
  );
});

describe("IP", () => {
  it.each([
    "10.1.2.3",
    "203.0.113.7",
    "1.2.3.4",
    "2001:db8::8a2e:370:7334",
    "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "fe80::1ff:fe23:4567:890a",
    "::ffff:192.0.2.1",
  ])("finds %s", (ip) => {
    expect(found(`blocked from ${ip}, retry`)).toEqual([`IP:${ip}`]);
  });

  it("finds an IPv4 address followed by a port, and an IPv6 one in brackets", () => {
    expect(found("http://198.51.100.23:8080/")).toEqual(["IP:198.51.100.23"]);
    expect(found("http://[2001:db8::1234]:443/")).toEqual(["IP:2001:db8::1234"]);
  });

  it.each([
    "version 2.0.1.4",
    "upgrade from release 1.2.3 to 10.4.2.1",
    "v1.2.3.4",
    "1.2.3",
    "256.1.1.1",
    "1.2.3.4.5",
    "01.02.03.04",
    "127.0.0.1 and 0.0.0.0 and 255.255.255.0",
    "at 12:30:45",
    "xs[1::2]",
    "std::vector<int>",
    "MAC 00:1A:2B:3C:4D:5E",
    "::1",
  ])("finds nothing in %j", (text) => {
    expect(found(text, ["IP"])).toEqual([]);
  });
});

describe("SECRET", () => {
  it.each(SECRET_SAMPLES)("finds a %s in a sentence, in quotes, after '=' and on its own", (subtype, make) => {
    const secret = make();
    for (const text of [secret, `my key is ${secret}, thanks`, `"${secret}"`, `KEY=${secret}\nnext`]) {
      const spans = findSecrets(text);
      expect(spans).toHaveLength(1);
      expect(spans[0]?.subtype).toBe(subtype);
      expect(text.slice(spans[0]?.start, spans[0]?.end)).toBe(secret);
    }
  });

  it("marks only the password of a URL with credentials", () => {
    const password = alnum(16);
    for (const [text, expected] of [
      [`DATABASE_URL=postgres://admin:${password}@db.internal:5432/app`, password],
      [`redis://:${password}@cache.example.com:6379`, password],
      [`see https://user:p%40ss${password}@example.com/x`, `p%40ss${password}`],
    ] as const) {
      expect(found(text)).toEqual([`SECRET:${expected}`]);
    }
    expect(findSecrets("https://example.com/a:b@c and mailto:someone@example.com")).toEqual([]);
  });

  it("covers a private key block pasted without its footer, to the end of its body", () => {
    const body = `${b64(48)}\n${b64(48)}\n${b64(10)}`;
    for (const after of ["", "\n", "\n\nWhat is wrong with it?", "\nWhat is wrong with it?"]) {
      const text = `-----BEGIN ${"PRIVATE"} KEY-----\n${body}${after}`;
      expect(found(text)).toEqual([`SECRET:-----BEGIN ${"PRIVATE"} KEY-----\n${body}`]);
    }
  });

  it("rejects lookalikes: JWT-shaped text without alg, slugs, short tokens", () => {
    for (const text of [
      jwt({ typ: "JWT", foo: 1 }),
      "eyJhbGciOiJub25lIn0.e30",
      "pip install sk-learn-extra-tools-for-pipelines",
      "see sk-2024-annual-report-final-v2.pdf",
      "sk-abc",
      `AKIA${upperAlnum(15)}`,
      `ghp${"_"}short`,
      "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
    ]) {
      expect(findSecrets(text)).toEqual([]);
    }
  });

  it("returns only credentials from findSecrets", () => {
    const key = `AKIA${upperAlnum(16)}`;
    expect(findSecrets(`mail jane@example.com, call 415-555-2671, key ${key}`).map((s) => s.type)).toEqual(["SECRET"]);
  });
});

describe("findEntities: several types and overlaps", () => {
  it("finds every type in one message, in text order, without overlaps", () => {
    const card = withLuhn(`5${digits(15)}`);
    const gb = iban("GB", `NWBK${digits(14)}`);
    const key = ["sk", "proj", b64url(40)].join("-");
    const text = `I'm Jane (jane@example.com, +44 20 7946 0958). Card ${card}, IBAN ${gb}, SSN 536-22-1234, IP 10.1.2.3, key ${key}.`;
    expect(findEntities(text).map((s) => s.type)).toEqual(["EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IP", "SECRET"]);
  });

  it("prefers a URL password over the email-shaped text around it", () => {
    const password = alnum(12);
    expect(found(`redis://:${password}@cache.example.com`)).toEqual([`SECRET:${password}`]);
  });

  it("prefers a card over a phone reading of the same digits", () => {
    const am = withLuhn(`37${digits(12)}`);
    const written = `${am.slice(0, 4)} ${am.slice(4, 10)} ${am.slice(10)}`;
    expect(found(`call ${written}`)).toEqual([`CARD:${written}`]);
  });

  it("limits the search to the requested types", () => {
    const text = "jane@example.com, 415-555-2671, 10.1.2.3";
    expect(found(text, ["PHONE", "IP"])).toEqual(["PHONE:415-555-2671", "IP:10.1.2.3"]);
    expect(found(text, [])).toEqual([]);
  });
});
