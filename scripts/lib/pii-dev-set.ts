/**
 * Our own PII dev set and number-heavy benign set, built by code with a fixed seed (`npm run
 * eval:guards` reports both beside Presidio's sentences). Presidio's set is small and US-centred;
 * this one holds what an outside measurement found missing: phone numbers in many national layouts
 * (trunk prefixes, slashes, glued to a label), IBANs of many countries in every grouping, pasted
 * credentials. The benign set is text full of numbers that are nobody's: maths, prices, dates,
 * times, versions, order numbers, coordinates, ISBNs, measurements, scores, hashes, and prose about
 * passwords and tokens. Values come from ./pii-dev-values.ts and ./pii-dev-secrets.ts.
 */
import type { EntityType } from "../../lib/guard/types";
import { secretSample } from "./pii-dev-secrets";
import { fillLayout, IBAN_BBANS, makeCard, makeEmail, makeIban, makeIp, makeSsn, PHONE_LAYOUTS, seededRng, writeIban, type Rng } from "./pii-dev-values";

export type DevSpan = { type: EntityType; start: number; end: number };
export type DevRow = { text: string; spans: DevSpan[]; group: string };

export const DEV_SEED = 15;

/**
 * Sentences around a phone number. A national number without a trunk zero or a country code (ES
 * "612 345 678") reads as a count unless the sentence says it is a phone number, so layouts marked
 * `cue` go only into the sentences that say so; every other layout goes into any of them.
 */
const PHONE_CUED = [
  "Call me on %s after six.",
  "My mobile: %s",
  "Tel: %s",
  "Phone %s (home)",
  "You can reach me at %s tomorrow.",
  "Text me at %s when you land.",
  "Handy: %s",
  "WhatsApp %s",
  "Fax: %s",
  "Mi teléfono es %s.",
  "Mon portable : %s",
  "contact number %s",
  "Please ring %s.",
  "Tel.: %s",
  "cell: %s",
  "my number is %s",
  "Telefon: %s",
  "M: %s",
];
const PHONE_BARE = ["I'm at %s after six.", "%s", "Details: %s, thanks", "Jane Doe, %s, London", "(%s)", "Sent from %s."];
const PHONE_GLUED = ["Tel:%s", "call me on%s", "mobile%s", "Phone:%s", "Tel.%s", "Handy:%s", "Mob:%s", "T:%s"];

const CARD_LINES = ["Please charge %s today.", "card number %s exp 09/28", "My Visa is %s", "%s", "Kreditkarte: %s"];
const IBAN_LINES = ["My IBAN is %s.", "IBAN: %s", "Please transfer to %s by Friday.", "%s (Berlin branch)", "Bank account %s, name J. Doe"];
const EMAIL_LINES = ["Contact me at %s.", "mail: %s", "Send it to <%s> please", "%s wrote yesterday"];
const SSN_LINES = ["My SSN is %s.", "SSN: %s", "social security number %s", "His number is %s"];
const IP_LINES = ["Blocked from %s, retry.", "server at %s, port 8080", "my IP is %s", "ssh admin@%s"];

/** One sentence built from a template, with the value's span. */
function placed({ template, value, type, group }: { template: string; value: string; type: EntityType; group: string }): DevRow {
  const at = template.indexOf("%s");
  return { text: template.replace("%s", value), spans: [{ type, start: at, end: at + value.length }], group };
}

function phoneRows(rng: Rng): DevRow[] {
  const rows: DevRow[] = [];
  for (const [country, layouts] of Object.entries(PHONE_LAYOUTS)) {
    for (const { layout, cue } of layouts) {
      for (const kind of ["cued", "bare", "glued"] as const) {
        if (cue === true && kind !== "cued") continue;
        const template = rng.pick(kind === "cued" ? PHONE_CUED : kind === "bare" ? PHONE_BARE : PHONE_GLUED);
        rows.push(placed({ template, value: fillLayout({ rng, layout }), type: "PHONE", group: `PHONE ${country} ${kind}` }));
      }
    }
  }
  return rows;
}

function ibanRows(rng: Rng): DevRow[] {
  return Object.keys(IBAN_BBANS).flatMap((country) =>
    [0, 1, 2, 3].map(() =>
      placed({ template: rng.pick(IBAN_LINES), value: writeIban({ rng, iban: makeIban({ rng, country }) }), type: "IBAN", group: `IBAN ${country}` }),
    ),
  );
}

function secretRows(rng: Rng): DevRow[] {
  return Array.from({ length: 120 }, () => {
    const { text, values } = secretSample(rng);
    const spans = values.map((value) => {
      const start = text.indexOf(value);
      return { type: "SECRET" as const, start, end: start + value.length };
    });
    return { text, spans, group: "SECRET" };
  });
}

function simpleRows({ rng, type, lines, make, count }: { rng: Rng; type: EntityType; lines: string[]; make: (rng: Rng) => string; count: number }): DevRow[] {
  return Array.from({ length: count }, () => placed({ template: rng.pick(lines), value: make(rng), type, group: type }));
}

/** The labelled dev set: every row holds at least one value, spans in the row's own offsets. */
export function buildPiiDevSet({ seed = DEV_SEED }: { seed?: number } = {}): DevRow[] {
  const rng = seededRng(seed);
  const rows = [
    ...phoneRows(rng),
    ...ibanRows(rng),
    ...simpleRows({ rng, type: "CARD", lines: CARD_LINES, make: makeCard, count: 80 }),
    ...simpleRows({ rng, type: "EMAIL", lines: EMAIL_LINES, make: makeEmail, count: 60 }),
    ...simpleRows({ rng, type: "SSN", lines: SSN_LINES, make: makeSsn, count: 40 }),
    ...simpleRows({ rng, type: "IP", lines: IP_LINES, make: makeIp, count: 60 }),
    ...secretRows(rng),
  ];
  // A few rows carry two values of different types, as a signature or a form does.
  for (let i = 0; i + 1 < rows.length && i < 60; i += 2) {
    const [a, b] = [rows[(i * 7) % rows.length], rows[(i * 7 + 3) % rows.length]];
    if (a === undefined || b === undefined) continue;
    const joiner = " / ";
    rows.push({
      text: a.text + joiner + b.text,
      spans: [...a.spans, ...b.spans.map((s) => ({ ...s, start: s.start + a.text.length + joiner.length, end: s.end + a.text.length + joiner.length }))],
      group: "mixed",
    });
  }
  return rows;
}

/**
 * Text full of numbers that belong to nobody, in the layouts a phone number, card or IBAN might be
 * confused with, and prose that names passwords and tokens without holding one.
 */
const BENIGN_TEMPLATES = [
  "What is 1234 * 5678? I get 7006652.",
  "Solve 3x + 7 = 22 and 12 345 678 / 9 = ?",
  "(415 + 555) * 2671 = ?",
  "It costs $1,299.99 or €1.099,00; the bulk price is 1 234 567 EUR.",
  "Total: 12 345 678,90 kr for 2 400 units.",
  "Due 2024-05-17, paid 17.05.2024, shipped 05/17/2024 at 14:30:15.",
  "The meeting runs 09:30–11:45, then 13:00 - 17:30.",
  "Upgrade from 10.0.19041.1 to 10.0.22631.3447 (build 22631).",
  "node 20.20.2, npm 10.8.2, python 3.12.4, v1.2.3-rc.4",
  "Order #100234567 and order no. 2024-000123-45 shipped; tracking 1Z 999 AA1 01 2345 6784.",
  "Invoice INV-2024-0042 for 7 500 units.",
  "Coordinates 51.5074, -0.1278 and 40°42'46\"N 74°00'21\"W; elevation 1 234 m.",
  "ISBN 978-3-16-148410-0, ISBN 0-306-40615-2, ISSN 0317-8471.",
  "The board is 2440 x 1220 x 18 mm; weight 23.5 kg; 1 200 W at 230 V.",
  "Final score 3-2 after 2-2; sets 6-4 3-6 7-6(5); 21 18 21 15.",
  "In 1969 about 600 000 000 people watched; in 2023 some 1 414 021 100 live there.",
  "Population: 8 336 817 (2022), 8 804 190 (2020 census).",
  "commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 and sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "uuid 123e4567-e89b-12d3-a456-426614174000, request 7f8e9a2b1c3d4e5f",
  "Lottery numbers: 04 15 23 42 08 16; bonus 7.",
  "Page 345-678, lines 12-45, chapter 3.2.1, table 4.",
  "The range is 10 000 to 99 999 and the median is 45 678.",
  "Timestamp 1700000000000 is 2023-11-14T22:13:20Z; epoch 1700000000.",
  "Temperatures: -12.5 °C, 98.6 °F, 310.15 K.",
  "Dimensions 120/80/60 cm; ratio 16:9; resolution 3840x2160; 1080p at 60 Hz.",
  "Pi is 3.14159265358979 and e is 2.718281828459045.",
  "Serial 4C1234-5678-9012, part no. 12-3456-789, SKU 000123456789.",
  "Account for 3 200 000 000 bytes, 2 048 MB or 1.5 GB.",
  "My password is too short; the token limit is 4096.",
  "password: must be at least 12 characters long",
  "Set max_tokens=4096 and temperature=0.7.",
  "token: the basic unit of text a model reads",
  "Put your api_key in the .env file, never in code.",
  "auth: required for every route",
  "The secret to good bread is time.",
  "Reset your password at the sign-in page.",
  "Bearer tokens expire after 3600 s.",
  "Use password=<your password> in the example.",
  "AWS_SECRET_ACCESS_KEY=your-secret-key-here",
  "api_key: YOUR_API_KEY",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder the detector must leave alone, written as such.
  "Set DB_PASSWORD in the environment; token=${TOKEN}",
  "passwd: see the vault",
  "client_secret is the value from the console",
  "From 1 000 to 1 000 000 000 in 30 years.",
  "Between 09 00 and 17 00 hours.",
  "A 20-year bond at 4.25% on 250 000 USD.",
  "Flight LH 2024 departs 07:05, gate B 44, seat 23 A; arrives 09 55.",
  "Room 101-102, floor 3, building 7; door code not needed.",
  "Matrix [[1, 2, 3], [4, 5, 6]] times [7, 8, 9]",
  "Series: 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377.",
  "Phone sales rose from 1 234 567 to 2 345 678 units in 2023.",
  "Call volume: 12 345 calls, 678 901 minutes.",
];

export function buildNumberHeavyBenign({ seed = DEV_SEED }: { seed?: number } = {}): string[] {
  const rng = seededRng(seed + 1);
  const numbered = (layout: string) => fillLayout({ rng, layout });
  const generated = Array.from({ length: 150 }, () => {
    switch (rng.int(10)) {
      case 0:
        return `${numbered("###")} * ${numbered("####")} = ?`;
      case 1:
        return `The price went from $${numbered("#,###.##")} to $${numbered("#,###.##")}.`;
      case 2:
        return `Order ${numbered("#########")} shipped on 20${numbered("2#")}-0${1 + rng.int(9)}-1${rng.int(10)}.`;
      case 3:
        return `We sold ${numbered("# ### ###")} units and ${numbered("### ###")} licences.`;
      case 4:
        return `Version ${numbered("#.##.#")} replaced ${numbered("#.#.##")}; build ${numbered("#####")}.`;
      case 5:
        return `At ${numbered("##.####")}, ${numbered("##.####")} the altitude is ${numbered("# ###")} m.`;
      case 6:
        return `Score ${rng.int(30)}-${rng.int(30)}, attendance ${numbered("## ###")}, ticket ${numbered("### ###")}.`;
      case 7:
        return `ISBN 978-${numbered("#-##-######-#")}; pages ${numbered("###")}-${numbered("###")}.`;
      case 8:
        return `It measures ${numbered("###")} x ${numbered("###")} x ${numbered("##")} mm and weighs ${numbered("#.#")} kg.`;
      default:
        return `Between ${numbered("####")} and ${numbered("####")}, ${numbered("## ### ###")} people moved.`;
    }
  });
  return [...BENIGN_TEMPLATES, ...generated];
}
