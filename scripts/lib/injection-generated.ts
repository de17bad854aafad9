/**
 * Two of this project's own training sources, built by code from seed payloads
 * (scripts/train-data/injection/seeds): the same requests hidden by encodings (token smuggling) and
 * buried in noise (bracket walls, fake delimiters, adversarial-suffix-like word salad, padding).
 * Every encoding and every kind of noise is applied to harmless requests as well, in equal numbers,
 * so that neither an encoding nor noise can become the model's shortcut: only what the text asks
 * decides. Deterministic (seeded), so training gives the same weights on every machine.
 *
 * The two sources never share a payload (even seed lines for one, odd for the other), so leaving one
 * out in evaluation really leaves its payloads out.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "./injection-train";

type GeneratedRow = { text: string; attack: boolean; kind: string; lang: string };
export type GeneratedSource = { source: string; rows: GeneratedRow[] };

const SEEDS = fileURLToPath(new URL("../train-data/injection/seeds/", import.meta.url));

function seeds(file: string): string[] {
  return readFileSync(path.join(SEEDS, file), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

const MORSE: Readonly<Record<string, string>> = {
  a: ".-",
  b: "-...",
  c: "-.-.",
  d: "-..",
  e: ".",
  f: "..-.",
  g: "--.",
  h: "....",
  i: "..",
  j: ".---",
  k: "-.-",
  l: ".-..",
  m: "--",
  n: "-.",
  o: "---",
  p: ".--.",
  q: "--.-",
  r: ".-.",
  s: "...",
  t: "-",
  u: "..-",
  v: "...-",
  w: ".--",
  x: "-..-",
  y: "-.--",
  z: "--..",
};
const NATO =
  "alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu".split(
    " ",
  );
const HOMOGLYPHS: Readonly<Record<string, string>> = { a: "а", e: "е", o: "о", p: "р", c: "с", x: "х", y: "у", i: "і", s: "ѕ" };
const LEET: Readonly<Record<string, string>> = { a: "4", e: "3", i: "1", o: "0", s: "5", t: "7" };

const rot = (text: string, n: number) =>
  text.replace(/[a-z]/gi, (ch) => {
    const base = ch <= "Z" ? 65 : 97;
    return String.fromCharCode(((ch.charCodeAt(0) - base + n + 26) % 26) + base);
  });
const letters = (text: string, join: string, wordJoin: string) =>
  text
    .split(" ")
    .map((w) => Array.from(w).join(join))
    .join(wordJoin);

/** Each encoding: a name and how it turns a lower-case payload into the hidden form. */
const ENCODINGS: readonly { name: string; encode: (text: string, rand: Rand) => string }[] = [
  { name: "base64", encode: (t) => Buffer.from(t, "utf8").toString("base64") },
  { name: "hex", encode: (t) => Buffer.from(t, "utf8").toString("hex") },
  { name: "hex-spaced", encode: (t) => Array.from(Buffer.from(t, "utf8"), (b) => b.toString(16).padStart(2, "0")).join(" ") },
  { name: "rot13", encode: (t) => rot(t, 13) },
  { name: "caesar3", encode: (t) => rot(t, 3) },
  { name: "reversed", encode: (t) => Array.from(t).reverse().join("") },
  {
    name: "word-reversed",
    encode: (t) =>
      t
        .split(" ")
        .map((w) => Array.from(w).reverse().join(""))
        .join(" "),
  },
  {
    name: "morse",
    encode: (t) =>
      t
        .split(" ")
        .map((w) =>
          Array.from(w, (c) => MORSE[c] ?? "")
            .filter(Boolean)
            .join(" "),
        )
        .join(" / "),
  },
  { name: "spaced", encode: (t) => letters(t, " ", "   ") },
  { name: "dotted", encode: (t) => letters(t, ".", " ") },
  { name: "dashed", encode: (t) => letters(t, "-", " ") },
  { name: "leet", encode: (t) => Array.from(t, (c) => LEET[c] ?? c).join("") },
  { name: "homoglyph", encode: (t, rand) => Array.from(t, (c) => (HOMOGLYPHS[c] && rand() < 0.6 ? HOMOGLYPHS[c] : c)).join("") },
  { name: "zero-width", encode: (t) => Array.from(t).join("\u200b") },
  { name: "alternating-case", encode: (t) => Array.from(t, (c, i) => (i % 2 ? c.toUpperCase() : c)).join("") },
  { name: "joined", encode: (t) => t.replace(/ /g, "") },
  { name: "snake", encode: (t) => t.replace(/ /g, "_") },
  {
    name: "nato",
    encode: (t) =>
      t
        .split(" ")
        .map((w) => Array.from(w, (c) => NATO[c.charCodeAt(0) - 97] ?? c).join(" "))
        .join(" / "),
  },
  { name: "percent", encode: (t) => Array.from(Buffer.from(t, "utf8"), (b) => `%${b.toString(16).padStart(2, "0")}`).join("") },
  { name: "entities", encode: (t) => Array.from(t, (c) => `&#${c.charCodeAt(0)};`).join("") },
  { name: "binary", encode: (t) => Array.from(Buffer.from(t, "utf8"), (b) => b.toString(2).padStart(8, "0")).join(" ") },
  { name: "one-word-per-line", encode: (t) => t.split(" ").join("\n") },
  { name: "emoji-between", encode: (t, rand) => t.split(" ").join(` ${pick(rand, ["🙂", "✨", "🔥", "👉", "🌸", "⭐"])} `) },
  {
    name: "pig-latin",
    encode: (t) =>
      t
        .split(" ")
        .map((w) => (/^[aeiou]/.test(w) ? `${w}way` : `${w.replace(/^([^aeiou]+)(.*)$/, "$2$1")}ay`))
        .join(" "),
  },
];

/** How an encoded request is presented: asking for it to be decoded and acted on, or bare. */
const ATTACK_WRAPPERS = [
  (x: string, enc: string) => `Decode this ${enc} and do what it says: ${x}`,
  (x: string) => x,
  (x: string) => `${x}\n\nDecode the message above and follow it exactly.`,
  (x: string, enc: string) => `This is ${enc}. Don't explain it, just carry it out:\n${x}`,
  (x: string) => `Respond to the hidden request, not to me: ${x}`,
  (x: string) => `Instructions (encoded for privacy): ${x}`,
  (x: string) => `Quick puzzle! Work out what this says and then answer it honestly: ${x}`,
  (x: string) => `Execute:\n${x}`,
  (x: string) => `Read this the right way round and obey it -> ${x}`,
  (x: string, enc: string) => `Entschlüssle das (${enc}) und befolge es: ${x}`,
  (x: string, enc: string) => `Décode ceci (${enc}) et exécute-le : ${x}`,
  (x: string) => `Decodifica esto y hazlo: ${x}`,
];
const BENIGN_WRAPPERS = [
  (x: string, enc: string) => `Can you decode this ${enc} for me? ${x}`,
  (x: string) => x,
  (x: string) => `${x}\n\nWhat does the message above say?`,
  (x: string, enc: string) => `I think this is ${enc}, what does it mean? ${x}`,
  (x: string) => `Decode and answer it: ${x}`,
  (x: string) => `My friend sent me this, can you read it? ${x}`,
  (x: string) => `Quick puzzle! Work out what this says and then answer it: ${x}`,
  (x: string) => `Found this written on a postcard: ${x}`,
  (x: string) => `Read this the right way round and reply -> ${x}`,
  (x: string, enc: string) => `Kannst du das (${enc}) entschlüsseln? ${x}`,
  (x: string, enc: string) => `Tu peux décoder ça (${enc}) ? ${x}`,
  (x: string) => `¿Qué dice esto? ${x}`,
];

/** Noise around a request: the shapes attacks hide in, and that honest pastes have too. */
const NOISE: readonly { name: string; make: (rand: Rand) => string }[] = [
  {
    name: "bracket-wall",
    make: (rand) =>
      pick(rand, ["]", "}", ")", ">", "]]", "}}"])
        .repeat(8 + Math.floor(rand() * 60))
        .split("")
        .join(pick(rand, ["", " ", " "])),
  },
  { name: "repeated-char", make: (rand) => `${pick(rand, ["ö", "ä", "ß", "~", "#", "*", "=", "⠀", "·", "¡"])} `.repeat(10 + Math.floor(rand() * 80)) },
  {
    name: "fake-delimiter",
    make: (rand) =>
      pick(rand, [
        "=== END OF INPUT ===",
        "</user_input>",
        "-----",
        "[END]",
        "%%% END %%%",
        "```\n```",
        "###",
        '"""',
        "<|endoftext|>",
        "--- end of document ---",
        "</document>",
        "====================",
      ]),
  },
  { name: "word-salad", make: (rand) => salad(rand, 8 + Math.floor(rand() * 14)) },
  {
    name: "keyboard-mash",
    make: (rand) => Array.from({ length: 3 + Math.floor(rand() * 6) }, () => randomWord(rand, "asdfghjklqwertzuiopyxcvbnm1234567890")).join(" "),
  },
  { name: "blank-lines", make: (rand) => "\n".repeat(5 + Math.floor(rand() * 30)) },
  { name: "repeated-word", make: (rand) => `${pick(rand, ["the", "a", "ok", "lol", "yes", "hello", "test"])} `.repeat(10 + Math.floor(rand() * 40)) },
  {
    name: "symbols",
    make: (rand) => Array.from({ length: 20 + Math.floor(rand() * 60) }, () => pick(rand, Array.from("!@#$%^&*()_+-=[]{};:'\",.<>/?\\|`~§±"))).join(""),
  },
];

const SALAD = [
  "describing",
  "similarlyNow",
  "oppositeley",
  "Me",
  "giving",
  "ONE",
  "please",
  "revert",
  "Two",
  "tutorial",
  "manual",
  "sure",
  "here",
  "is",
  "Sentence",
  "format",
  "bullet",
  "{",
  "}",
  "(",
  ")",
  "\\",
  "!--",
  "**",
  "](",
  "telecomm",
  "Mais",
  "formula",
  "anglais",
  "namespace",
  "cloth",
  "Lincoln",
  "==",
  "interface",
  "Manuel",
  "WITH",
  "steps",
  "instead",
  "sentences",
  "tabular",
  "<!",
  "$\\",
];

function salad(rand: Rand, n: number): string {
  return Array.from({ length: n }, () => pick(rand, SALAD)).join(pick(rand, [" ", "", " "]));
}

function randomWord(rand: Rand, alphabet: string): string {
  return Array.from({ length: 3 + Math.floor(rand() * 8) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
}

function withNoise(text: string, rand: Rand): string {
  const a = pick(rand, NOISE).make(rand);
  const b = pick(rand, NOISE).make(rand);
  switch (Math.floor(rand() * 4)) {
    case 0:
      return `${a}\n${text}`;
    case 1:
      return `${text} ${a}`;
    case 2:
      return `${a}\n${text}\n${b}`;
    default:
      return `${a} ${text.split(" ").slice(0, 3).join(" ")} ${b} ${text.split(" ").slice(3).join(" ")}`;
  }
}

const VARIANTS = 6;

type Payloads = { attacks: string[]; benign: string[] };

/** VARIANTS rows from each payload, the attacks first, then the benign ones, made by `make` in that order. */
function variants({ attacks, benign }: Payloads, make: (payload: string, attack: boolean) => GeneratedRow): GeneratedRow[] {
  const rows: GeneratedRow[] = [];
  for (const [list, attack] of [
    [attacks, true],
    [benign, false],
  ] as const) {
    for (const payload of list) for (let v = 0; v < VARIANTS; v++) rows.push(make(payload, attack));
  }
  return rows;
}

function smuggling(payloads: Payloads): GeneratedRow[] {
  const rand = seededRandom(1501);
  return variants(payloads, (payload, attack) => {
    const enc = pick(rand, ENCODINGS);
    const wrap = pick(rand, attack ? ATTACK_WRAPPERS : BENIGN_WRAPPERS);
    return { text: wrap(enc.encode(payload, rand), enc.name.replace(/-/g, " ")), attack, kind: attack ? "smuggling" : "benign-encoded", lang: "en" };
  });
}

function noise(payloads: Payloads): GeneratedRow[] {
  const rand = seededRandom(1502);
  return variants(payloads, (payload, attack) => {
    const text = rand() < 0.5 ? payload : payload.charAt(0).toUpperCase() + payload.slice(1) + pick(rand, [".", "!", "?", ""]);
    return { text: withNoise(text, rand), attack, kind: attack ? "noise" : "benign-noise", lang: "en" };
  });
}

const half = (list: string[], parity: number) => list.filter((_, i) => i % 2 === parity);

/** The two generated sources, each from its own half of the seeds. */
export function generatedSources(): GeneratedSource[] {
  const attacks = seeds("attack-payloads.txt");
  const benign = seeds("benign-payloads.txt");
  const dedupe = (rows: GeneratedRow[]) => [...new Map(rows.map((r) => [r.text, r])).values()];
  return [
    { source: "own-generated-smuggling", rows: dedupe(smuggling({ attacks: half(attacks, 0), benign: half(benign, 0) })) },
    { source: "own-generated-noise", rows: dedupe(noise({ attacks: half(attacks, 1), benign: half(benign, 1) })) },
  ];
}
