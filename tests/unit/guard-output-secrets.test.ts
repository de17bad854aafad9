import { describe, expect, it } from "vitest";
import { REDACTED_SECRET, SECRET_HOLD_LIMITS, SecretRedactor, UNTERMINATED_PEM, type SecretFinder, type SecretHoldStart } from "@/lib/guard/output/secrets";
import { findSecrets as findPiiSecrets, secretHoldStart } from "@/lib/guard/pii";
import { HOSTILE_PII } from "../../scripts/lib/hostile-inputs";
import { fakeAnthropicKey, fakeOpenAIKey } from "../support/fake-keys";
import { alnum, digits, SECRET_SAMPLES, upperAlnum } from "../support/secret-samples";
import { cpuNow } from "../support/cpu-clock";

// Fake keys are assembled at run time: secret scanners flag realistic keys written out in files.
const OPENAI_KEY = ["sk", "-", "Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7"].join("");
const AWS_KEY = ["AK", "IA", "Q7X2MZK4V6PT5RJW"].join("");
const PEM_LABEL = ["PRIVATE", "KEY"].join(" ");
const PEM_BODY = Array.from({ length: 6 }, (_, i) => "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC".slice(i) + "abcdefgh".repeat(4).slice(0, 32 + i)).join("\n");
const PEM = `-----BEGIN ${PEM_LABEL}-----\n${PEM_BODY}\n-----END ${PEM_LABEL}-----`;

/** A stand-in for the PII stage's secret finder: two key shapes and PEM private keys. */
const findSecrets: SecretFinder = (text) => {
  const spans: ReturnType<SecretFinder> = [];
  const patterns: Array<[RegExp, string]> = [
    [/sk-[A-Za-z0-9]{20,}/g, "openai_key"],
    [/AKIA[0-9A-Z]{16}/g, "aws_access_key"],
    [/-----BEGIN ([A-Z ]{1,40})-----[A-Za-z0-9+/=\s]{0,20000}?-----END \1-----/g, "private_key"],
  ];
  for (const [pattern, subtype] of patterns) {
    for (const match of text.matchAll(pattern)) spans.push({ start: match.index, end: match.index + match[0].length, type: "SECRET", subtype });
  }
  return spans;
};

type Run = { text: string; redacted: string[]; maxHeld: number };

function run(chunks: string[], finder: SecretFinder = findSecrets, holdStart?: SecretHoldStart): Run {
  const redactor = new SecretRedactor(finder, holdStart);
  const out: string[] = [];
  const redacted: string[] = [];
  let received = 0;
  let sent = 0;
  let maxHeld = 0;
  for (const chunk of chunks) {
    received += chunk.length;
    const step = redactor.push(chunk);
    out.push(step.text);
    redacted.push(...step.redacted);
    sent += step.text.length;
    // What is held back is measured in input characters; a redaction changes lengths, so only an upper bound.
    maxHeld = Math.max(maxHeld, received - sent);
  }
  const last = redactor.end();
  out.push(last.text);
  redacted.push(...last.redacted);
  return { text: out.join(""), redacted, maxHeld };
}

function everySplit(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

function chunked(text: string, size: number): string[] {
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
}

describe("SecretRedactor", () => {
  it("redacts keys split across chunks at every boundary", () => {
    const text = `Your key is ${OPENAI_KEY} and the AWS one is ${AWS_KEY}.`;
    const expected = `Your key is ${REDACTED_SECRET} and the AWS one is ${REDACTED_SECRET}.`;
    for (const chunks of everySplit(text)) {
      const result = run(chunks);
      expect(result.text, JSON.stringify(chunks)).toBe(expected);
      expect(result.redacted).toEqual(["openai_key", "aws_access_key"]);
    }
  });

  it("redacts a key at the very end of the reply", () => {
    expect(run(["key: ", OPENAI_KEY.slice(0, 10), OPENAI_KEY.slice(10)]).text).toBe(`key: ${REDACTED_SECRET}`);
  });

  it("never emits the start of a key before it can be judged", () => {
    const redactor = new SecretRedactor(findSecrets);
    let out = "";
    for (const char of `here: ${OPENAI_KEY} done`) {
      out += redactor.push(char).text;
      expect(out).not.toContain("sk-Ab");
    }
    out += redactor.end().text;
    expect(out).toBe(`here: ${REDACTED_SECRET} done`);
  });

  it("redacts a PEM block split across chunks at every boundary", () => {
    const text = `Here is the key:\n\n${PEM}\n\nKeep it safe.`;
    const expected = `Here is the key:\n\n${REDACTED_SECRET}\n\nKeep it safe.`;
    for (const chunks of everySplit(text)) {
      const result = run(chunks);
      expect(result.text, JSON.stringify(chunks.map((c) => c.length))).toBe(expected);
      expect(result.redacted).toEqual(["private_key"]);
    }
  });

  it("holds a PEM block whole, though it has spaces and lines, until its END line", () => {
    const redactor = new SecretRedactor(findSecrets);
    let out = redactor.push("Key:\n").text;
    for (const line of PEM.split("\n")) {
      out += redactor.push(`${line}\n`).text;
      expect(out).not.toContain("MIIE");
    }
    out += redactor.end().text;
    expect(out).toBe(`Key:\n${REDACTED_SECRET}\n`);
  });

  it("replaces a PEM block cut off by the end of the reply", () => {
    const cut = PEM.slice(0, PEM.length / 2);
    const result = run(["Key:\n", cut.slice(0, 20), cut.slice(20)]);
    expect(result.text).toBe(`Key:\n${REDACTED_SECRET}`);
    expect(result.redacted).toEqual([UNTERMINATED_PEM]);
  });

  it("replaces the held block once a PEM block outgrows its limit, then goes on", () => {
    const body = "QUJD".repeat(SECRET_HOLD_LIMITS.pemChars / 2);
    const text = `Key:\n-----BEGIN ${PEM_LABEL}-----\n${body}`;
    const result = run(chunked(text, 100));
    expect(result.text.startsWith(`Key:\n${REDACTED_SECRET}`)).toBe(true);
    expect(result.text.length).toBeLessThan(text.length - SECRET_HOLD_LIMITS.pemChars + 100);
    expect(result.redacted).toEqual([UNTERMINATED_PEM]);
    // The block is replaced as soon as it passes the limit, not at the end of the reply.
    const redactor = new SecretRedactor(findSecrets);
    let received = 0;
    for (const chunk of chunked(text, 100)) {
      received += chunk.length;
      if (redactor.push(chunk).text.includes(REDACTED_SECRET)) break;
    }
    expect(received).toBeLessThanOrEqual("Key:\n".length + SECRET_HOLD_LIMITS.pemChars + 100);
  });

  it("passes ordinary text unchanged, holding back at most the current word", () => {
    const text =
      "Rotate keys often. Use `sk-` prefixes only in examples, like sk-EXAMPLE, and keep PEM files\n" +
      "(which start with -----BEGIN and a label) out of git.\n\n- one\n- two ```code``` 🙂 done";
    for (const chunks of everySplit(text)) expect(run(chunks).text).toBe(text);
    // Word by word (a mention of `-----BEGIN ` aside, which is held until its line shows it is prose).
    const prose = text.replace("-----BEGIN", "BEGIN");
    const redactor = new SecretRedactor(findSecrets);
    let received = "";
    let out = "";
    for (const word of prose.split(/(?<=\s)/)) {
      received += word;
      out += redactor.push(word).text;
      const lastWord = /\S*$/.exec(received)?.[0] ?? "";
      expect(received.length - out.length).toBeLessThanOrEqual(lastWord.length);
    }
    expect(out + redactor.end().text).toBe(prose);
  });

  it.each(HOSTILE_PII.filter(([name]) => name.startsWith("SECRET: ")))(
    "streams 1 MB of %s through the PII stage's finder and hold start in well under 5 s",
    (_name, text) => {
      const started = cpuNow();
      run(chunked(text, 4_096), findPiiSecrets, secretHoldStart);
      expect(cpuNow() - started).toBeLessThan(5_000);
    },
  );

  it("lets a very long word through in pieces, so the delay stays bounded", () => {
    const word = "x".repeat(10_000);
    const result = run([...word]);
    expect(result.text).toBe(word);
    expect(result.maxHeld).toBeLessThanOrEqual(2 * SECRET_HOLD_LIMITS.wordChars);
  });

  it("copes with a finder that returns overlapping or out-of-range spans", () => {
    const finder: SecretFinder = (text) => {
      const at = text.indexOf("tok_");
      if (at < 0) return [];
      return [
        { start: at, end: at + 8, type: "SECRET", subtype: "a" },
        { start: at + 4, end: at + 12, type: "SECRET" },
        { start: -5, end: 0, type: "SECRET" },
        { start: text.length, end: text.length + 10, type: "SECRET" },
      ];
    };
    const result = run(["one tok_12345678 two"], finder);
    expect(result.text).toBe(`one ${REDACTED_SECRET} two`);
    expect(result.redacted).toEqual(["a", "SECRET"]);
  });

  it("handles 1 MB hostile inputs in well under 5 s each", () => {
    const MB = 1_000_000;
    const inputs: Record<string, () => string> = {
      "one endless word": () => "sk-" + "A1".repeat(MB / 2),
      "BEGIN markers without END": () => `-----BEGIN ${PEM_LABEL}-----\n`.repeat(MB / 30),
      "END markers without BEGIN": () => `-----END ${PEM_LABEL}-----\n`.repeat(MB / 28),
      "almost END lines": () => `-----BEGIN X-----\n` + "-----END ".repeat(MB / 9),
      "BEGIN in prose": () => "-----BEGIN x ".repeat(MB / 13),
      "many keys": () => `${OPENAI_KEY} ${AWS_KEY} `.repeat(MB / 50),
      spaces: () => " ".repeat(MB),
    };
    for (const [name, make] of Object.entries(inputs)) {
      const text = make();
      for (const size of [text.length, 7]) {
        for (const [finder, holdStart, label] of [
          [findSecrets, undefined, "whole words held"],
          [findPiiSecrets, secretHoldStart, "the PII stage's finder and hold start"],
        ] as const) {
          const started = cpuNow();
          const result = run(chunked(text, size), finder, holdStart);
          expect(cpuNow() - started, `${name} in chunks of ${size}, ${label}`).toBeLessThan(5_000);
          expect(result.text.includes(OPENAI_KEY) || result.text.includes(AWS_KEY), name).toBe(false);
        }
      }
    }
    // 28 runs of 1 MB: the bound that matters is each run's CPU time above; the wall clock may be slow on a busy machine.
  }, 120_000);
});

/** The reply redacted in one piece: what streaming must give, however the reply is cut into chunks. */
function redactWhole(text: string): string {
  let out = "";
  let from = 0;
  for (const span of findPiiSecrets(text)) {
    out += text.slice(from, span.start) + REDACTED_SECRET;
    from = span.end;
  }
  return out + text.slice(from);
}

const runPii = (chunks: string[]) => run(chunks, findPiiSecrets, secretHoldStart);

describe("SecretRedactor with the PII stage's finder and hold start", () => {
  it.each(SECRET_SAMPLES)("redacts a %s as in the whole reply, split at every boundary", (_subtype, make) => {
    const secret = make();
    for (const text of [`Here it is: (${secret}), keep it safe.`, `KEY=${secret}\nnext`]) {
      const expected = redactWhole(text);
      expect(expected).not.toContain(secret);
      for (const chunks of everySplit(text)) expect(runPii(chunks).text, JSON.stringify(chunks)).toBe(expected);
    }
  });

  it.each(SECRET_SAMPLES)("never lets the start of a %s through before it can be judged", (_subtype, make) => {
    const secret = make();
    const redactor = new SecretRedactor(findPiiSecrets, secretHoldStart);
    let out = "";
    for (const char of `key=${secret} done`) {
      out += redactor.push(char).text;
      expect(out).not.toContain(secret.slice(0, 6));
    }
  });

  it("redacts a URL's password split at every boundary, however its scheme arrived", () => {
    const password = alnum(16);
    for (const text of [`DATABASE_URL=postgres://admin:${password}@db.internal:5432/app ok`, `see redis://:${password}@cache:6379.`]) {
      const expected = redactWhole(text);
      expect(expected).not.toContain(password);
      for (const chunks of everySplit(text)) expect(runPii(chunks).text, JSON.stringify(chunks)).toBe(expected);
      const redactor = new SecretRedactor(findPiiSecrets, secretHoldStart);
      let out = "";
      for (const char of text) {
        out += redactor.push(char).text;
        // With the colon before it: a random password's first two characters may also be in "admin" or "see".
        expect(out).not.toContain(`:${password.slice(0, 2)}`);
      }
    }
  });

  it("lets ordinary words through as they arrive, without waiting for the next token", () => {
    const tokens = ["Unit", " tests", " catch", " regressions", " early", ",", " document", " intent", ",", " and", " make", " refactoring", " safe", "."];
    const redactor = new SecretRedactor(findPiiSecrets, secretHoldStart);
    let received = "";
    let out = "";
    for (const token of tokens) {
      received += token;
      out += redactor.push(token).text;
      expect(out).toBe(received);
    }
  });

  it("holds a word only from where a secret could be starting", () => {
    const held = (word: string) => word.slice(secretHoldStart(word));
    expect(["s", "sk", "sk-", "(sk-pro", "AKI", "gh", "ghp_", "eyJ", "xox", "bwk", "-----BEG", "x-----BEGIN"].map(held)).toEqual([
      "s",
      "sk",
      "sk-",
      "sk-pro",
      "AKI",
      "gh",
      "ghp_",
      "eyJ",
      "xox",
      "bwk",
      "-----BEG",
      "-----BEGIN",
    ]);
    // A letter inside a run cannot start a key (the rules' look-behind); a scheme may become a URL.
    expect(["Hello", "task", "risky", "flask-app", "(Note:", "postgres:/", "with", "The"].map(held)).toEqual(["", "", "", "", "Note:", "postgres:/", "", ""]);
    expect(held("https://example.com/a")).toBe("https://example.com/a");
  });
});

describe("SecretRedactor with the PII stage's finder: keys split by markdown, spaces, invisible characters or a line break", () => {
  const KEYS: readonly (readonly [string, () => string])[] = [
    ["an OpenAI project key", fakeOpenAIKey],
    ["an Anthropic key", fakeAnthropicKey],
    ["an AWS access key id", () => ["AK", "IA", upperAlnum(16)].join("")],
    ["a GitHub token", () => `ghp${"_"}${alnum(36)}`],
    ["a Slack bot token", () => `xox${"b-"}${digits(11)}-${digits(13)}-${alnum(24)}`],
  ];
  const SEPARATORS = [
    ["markdown bold", "**"],
    ["underscores", "__"],
    ["a backtick", "`"],
    ["a space", " "],
    ["a zero-width space", "\u200b"],
    ["a line break", "\n"],
    ["bold around a space", "** **"],
  ] as const;
  /** The key with `separator` put in at `at` (a position inside its prefix, or in its body). */
  const splitAt = ({ key, at, separator }: { key: string; at: number; separator: string }) => key.slice(0, at) + separator + key.slice(at);
  /** Every run of six characters of the key's body, for checking that no piece of it got through. */
  const pieces = (key: string) => Array.from({ length: key.length - 12 }, (_, i) => key.slice(8 + i, 14 + i));
  const joined = (text: string) => text.replace(/[\s*_`\u200b]/g, "");

  it.each(KEYS.flatMap(([name, make]) => SEPARATORS.map(([how, separator]) => [name, how, make, separator] as const)))(
    "redacts %s split by %s, however the reply is cut into chunks",
    (_name, _how, make, separator) => {
      const key = make();
      // Near the end only where the split cannot be white space: a random tail may happen to be a
      // common word there ("…f4dj and"), which is left outside the key (see the test of short tails).
      for (const at of [2, Math.floor(key.length / 2), ...(/\s/.test(separator) ? [] : [key.length - 3])]) {
        const text = `Here you go: ${splitAt({ key, at, separator })} — keep it safe.`;
        const expected = `Here you go: ${REDACTED_SECRET} — keep it safe.`;
        expect(redactWhole(text), JSON.stringify(text)).toBe(expected);
        for (const size of [1, 2, 3, 5, 8, 13, text.length])
          expect(runPii(chunked(text, size)).text, `${JSON.stringify(text)} in chunks of ${size}`).toBe(expected);
      }
    },
  );

  it.each(KEYS)("never lets a piece of %s split in two through before it can be judged", (_name, make) => {
    const key = make();
    for (const separator of ["**", " ", "\u200b", "\n"]) {
      const redactor = new SecretRedactor(findPiiSecrets, secretHoldStart);
      let out = "";
      for (const char of `Sure: ${splitAt({ key, at: Math.floor(key.length / 2), separator })} done`) {
        out += redactor.push(char).text;
        for (const piece of pieces(key)) expect(joined(out)).not.toContain(piece);
      }
      expect(out + redactor.end().text).toBe(`Sure: ${REDACTED_SECRET} done`);
    }
  });

  it("takes a short last piece that is not a common word into the key, and leaves a common word outside", () => {
    const key = `${fakeOpenAIKey()}qzx`;
    const split = `${key.slice(0, -3)} ${key.slice(-3)}`;
    expect(runPii(chunked(`Key: ${split} — keep it safe.`, 2)).text).toBe(`Key: ${REDACTED_SECRET} — keep it safe.`);
    expect(runPii(chunked(`Key: ${key} and keep it safe.`, 2)).text).toBe(`Key: ${REDACTED_SECRET} and keep it safe.`);
  });

  it("redacts a key split into groups of eight by spaces", () => {
    // Each group holds a digit: a group with neither a digit nor an inner capital reads as a word and
    // ends the key (see joinsAcrossSpace), which random groups of eight do about once in 500.
    const key = ["sk", "proj", Array.from({ length: 8 }, () => `${alnum(7)}${digits(1)}`).join("")].join("-");
    const text = `key: ${key.replace(/(.{8})(?=.)/g, "$1 ")}\nthanks`;
    expect(runPii(chunked(text, 4)).text).toBe(`key: ${REDACTED_SECRET}\nthanks`);
  });

  it("keeps two keys separated by a space apart, and the words after a key outside it", () => {
    const [openai, aws] = [fakeOpenAIKey(), ["AK", "IA", upperAlnum(16)].join("")];
    const text = `${openai} ${aws} and then the rest of the answer.`;
    const result = runPii(chunked(text, 3));
    expect(result.text).toBe(`${REDACTED_SECRET} ${REDACTED_SECRET} and then the rest of the answer.`);
    expect(result.redacted).toEqual(["openai_key", "aws_access_key_id"]);
  });

  it.each([
    "Use the sk- prefix for OpenAI keys, AKIA for AWS ids and ghp_ for GitHub; tokens are 40 characters.",
    "**Note:** `sk-learn` 1.2 and **AKIA** keys **rotate** every 90 days.",
    "A KIA car, an AI model, xo xo, gh pages, sk ant and pk 2 are not keys.",
    "The  sk-proj-  prefix and the AWS prefix AKIA  2024 ROTATION POLICY DOCUMENT are prose.",
    "Visit https://example.com/docs/sk-proj-guide for the guide.\n\n- item one\n- item two",
  ])("leaves prose that mentions key prefixes unchanged: %j", (text) => {
    for (const size of [1, 4, text.length]) expect(runPii(chunked(text, size)).text).toBe(text);
  });

  it("does not hold ordinary words after a word that looks like a prefix longer than before", () => {
    const tokens = ["Use", " sk", "-learn", " for", " models", ",", " and", " AI", " tools", " daily", "."];
    const redactor = new SecretRedactor(findPiiSecrets, secretHoldStart);
    let received = "";
    let out = "";
    for (const token of tokens) {
      received += token;
      out += redactor.push(token).text;
      // At most the last word is held, as for any text.
      expect(received.slice(out.length)).not.toMatch(/\s\S/);
    }
  });
});
