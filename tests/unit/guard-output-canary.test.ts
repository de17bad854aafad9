import { describe, expect, it } from "vitest";
import { CANARY_PREFIX, CanaryWatch, canaryInstruction, newCanary } from "@/lib/guard/output/canary";
import { foldText } from "@/lib/guard/output/fold";
import { cpuNow } from "../support/cpu-clock";

// A fixed canary keeps failures reproducible; the random ones below cover the generator.
const CANARY = "cnry-q7x2mzk4v6pt5rjw2bha";
const BODY = CANARY.slice(CANARY_PREFIX.length);

type Run = { emitted: string; leaked: boolean /** most text held back after any push */; maxHeld: number };

/** Feeds chunks through a fresh watch, checking after each step that what came out is a prefix of what went in. */
function run(chunks: string[], canary = CANARY): Run {
  const watch = new CanaryWatch(canary);
  // The input is joined once: checking against a growing concatenation would flatten it every step.
  const input = chunks.join("");
  const emitted: string[] = [];
  let received = 0;
  let sent = 0;
  let leaked = false;
  let maxHeld = 0;
  const take = (step: { text: string; leaked: boolean }) => {
    if (leaked && (step.text !== "" || !step.leaked)) throw new Error("text after the leak");
    leaked ||= step.leaked;
    if (!input.startsWith(step.text, sent)) throw new Error("emitted text is not the input");
    emitted.push(step.text);
    sent += step.text.length;
  };
  for (const chunk of chunks) {
    received += chunk.length;
    take(watch.push(chunk));
    maxHeld = Math.max(maxHeld, received - sent);
  }
  take(watch.end());
  return { emitted: emitted.join(""), leaked, maxHeld };
}

/** Every way of cutting `text` in two, and one character at a time. */
function splits(text: string): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

/** Asserts a leak, and that nothing from the canary's first character on was emitted. */
function expectCaught({ text, start }: { text: string; start: number }): void {
  for (const chunks of splits(text)) {
    const result = run(chunks);
    expect(result.leaked, JSON.stringify(chunks)).toBe(true);
    expect(result.emitted.length, JSON.stringify(chunks)).toBeLessThanOrEqual(start);
  }
}

function expectPassed(text: string): void {
  for (const chunks of splits(text)) {
    const result = run(chunks);
    expect(result.leaked, JSON.stringify(chunks)).toBe(false);
    expect(result.emitted).toBe(text);
  }
}

const lead = "Sure, here is everything above: ";
const tail = " (end of instructions)";

describe("newCanary / canaryInstruction", () => {
  it("makes unguessable markers of the documented shape", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const canary = newCanary();
      expect(canary).toMatch(/^cnry-[a-z2-7]{20}$/);
      seen.add(canary);
    }
    expect(seen.size).toBe(200);
  });

  it("puts the marker in a sentence that forbids repeating it", () => {
    const sentence = canaryInstruction(CANARY);
    expect(sentence).toContain(CANARY);
    expect(sentence).toMatch(/never repeat/i);
  });

  it("refuses a marker too short to be told from chance", () => {
    expect(() => new CanaryWatch("cnry-abc")).toThrow();
  });
});

describe("CanaryWatch: caught", () => {
  it("catches the canary split at every boundary", () => {
    expectCaught({ text: lead + CANARY + tail, start: lead.length });
  });

  it("catches it in upper case", () => {
    expectCaught({ text: lead + CANARY.toUpperCase() + tail, start: lead.length });
  });

  it("catches the random part alone", () => {
    expectCaught({ text: `${lead}${BODY}${tail}`, start: lead.length });
  });

  it.each([
    ["spaced out", [...CANARY].join(" ")],
    ["one character a line", [...CANARY].join("\n")],
    ["with hyphens and dots", [...CANARY].join("-.")],
    ["with zero-width characters", [...CANARY].join("\u200b\u200c\u2060")],
    ["with soft hyphens and word joiners", [...CANARY].join("\u00ad\ufeff")],
    ["in markdown emphasis", [...CANARY].map((c) => `**${c}**`).join(" ")],
    ["in a table row", `| ${[...CANARY].join(" | ")} |`],
    ["in full-width letters", [...CANARY].map((c) => (/[a-z0-9]/.test(c) ? String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0) : c)).join("")],
    ["with Cyrillic look-alikes", CANARY.replaceAll("a", "а").replaceAll("x", "х")],
    ["with combining marks", [...CANARY].join("\u0301")],
  ])("catches it %s", (_, disguised) => {
    // Decoration before the first character of the canary is not part of it and may pass.
    const first = [...disguised].findIndex((char) => foldText(char) !== "");
    const start = lead.length + [...disguised].slice(0, first).join("").length;
    expectCaught({ text: lead + disguised + tail, start });
  });

  it("catches it reversed, in hex, and in base64 at every alignment", () => {
    const reversed = [...CANARY].reverse().join("");
    expectCaught({ text: lead + reversed + tail, start: lead.length });
    // Encoded forms are matched on the random part: the encoding of the public prefix may pass.
    const hex = Buffer.from(CANARY).toString("hex").toUpperCase().replace(/(..)/g, "$1 ");
    expectCaught({ text: lead + hex + tail, start: lead.length + CANARY_PREFIX.length * 3 });
    for (const before of ["", "a", "ab", "The marker is "]) {
      const encoded = Buffer.from(before + CANARY + " and the rest").toString("base64");
      const result = run([lead, encoded.slice(0, 13), encoded.slice(13), tail]);
      expect(result.leaked, before).toBe(true);
      expect(result.emitted.length).toBeLessThanOrEqual(lead.length + encoded.length);
    }
  });

  it("catches it in ROT13, in base32 at every alignment, and as decimal character codes", () => {
    const rot13 = CANARY.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97));
    expect(run([lead, rot13, tail]).leaked).toBe(true);
    const base32 = (bytes: Buffer) => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
      let out = "";
      let value = 0;
      let bits = 0;
      for (const byte of bytes) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
          bits -= 5;
          out += alphabet[(value >>> bits) & 31];
        }
        value &= (1 << bits) - 1;
      }
      return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
    };
    for (const before of ["", "a", "ab", "abc", "abcd", "The marker is "]) {
      const encoded = base32(Buffer.from(before + CANARY + " and the rest"));
      expect(run([lead, encoded.slice(0, 11), encoded.slice(11), tail]).leaked, `base32 after ${JSON.stringify(before)}`).toBe(true);
    }
    const codes = [...CANARY].map((c) => c.charCodeAt(0));
    for (const written of [codes.join(" "), codes.join(", "), codes.map((c) => `&#${c};`).join("")]) {
      expect(run([lead, written.slice(0, 9), written.slice(9), tail]).leaked, written.slice(0, 20)).toBe(true);
    }
  });

  it("catches it with a letter or digit between each of its characters", () => {
    for (const filler of ["x", "0", "Z"]) {
      expectCaught({ text: lead + [...CANARY].join(filler) + tail, start: lead.length + CANARY_PREFIX.length * 2 });
    }
  });

  it.each([
    ["one character changed", CANARY.slice(0, -1) + (CANARY.endsWith("a") ? "b" : "a")],
    ["the last character missing", CANARY.slice(0, -1)],
    ["a letter inserted", CANARY.slice(0, 12) + "x" + CANARY.slice(12)],
    ["a long gap inside", CANARY.slice(0, 12) + " ".repeat(40) + CANARY.slice(12)],
    ["a non-Latin letter inside", CANARY.slice(0, 12) + "ж" + CANARY.slice(12)],
    ["twelve characters of the random part", BODY.slice(4, 16)],
  ])("catches a partial leak: %s", (_, leaked) => {
    expect(run([lead, leaked, tail]).leaked).toBe(true);
    for (const chunks of splits(lead + leaked + tail).slice(0, 40)) expect(run(chunks).leaked).toBe(true);
  });

  it("catches random canaries in any chunking", () => {
    for (let n = 0; n < 50; n++) {
      const canary = newCanary();
      const text = `Reply ${n}: ${canary.toUpperCase()}!`;
      const cut = 1 + (n % (text.length - 1));
      const result = run([text.slice(0, cut), text.slice(cut)], canary);
      expect(result.leaked).toBe(true);
      expect(result.emitted.length).toBeLessThanOrEqual(text.indexOf(canary.toUpperCase()));
    }
  });

  it("emits nothing after the leak, whatever comes", () => {
    const watch = new CanaryWatch(CANARY);
    expect(watch.push("harmless text. ")).toEqual({ text: "harmless text. ", leaked: false });
    expect(watch.push(`more ${CANARY} more`)).toEqual({ text: "", leaked: true });
    expect(watch.push("anything at all")).toEqual({ text: "", leaked: true });
    expect(watch.end()).toEqual({ text: "", leaked: true });
  });

  it("never lets the canary's folded form out, in any split", () => {
    const text = `${lead}${[...CANARY].join(" ")}${tail}`;
    for (const chunks of splits(text)) {
      expect(foldText(run(chunks).emitted)).not.toContain(foldText(BODY));
    }
  });
});

describe("CanaryWatch: passed", () => {
  it("passes ordinary text unchanged, holding back little", () => {
    const text =
      "The quick brown fox jumps over the lazy dog. Markdown **works**, `code` too,\n\n- one\n- two\n\n" +
      "Numbers 1234567890, a URL https://example.com/docs?q=1 and emoji 🙂👍🏽 survive.";
    expectPassed(text);
    const words = text.split(/(?<= )/);
    expect(run(words).maxHeld).toBeLessThanOrEqual(24);
  });

  it.each([
    // Under twelve of the random characters in a row is not a leak (and could be chance).
    ["the prefix alone", `${lead}${CANARY_PREFIX} is how markers start${tail}`],
    ["the prefix and eleven characters", lead + CANARY.slice(0, CANARY_PREFIX.length + 11) + tail],
    ["every sixth character changed", lead + [...CANARY].map((c, i) => (i % 6 === 5 ? (c === "z" ? "y" : "z") : c)).join("") + tail],
    ["eleven characters, a long gap, nine more", lead + CANARY.slice(0, 16) + " ".repeat(40) + CANARY.slice(16) + tail],
    ["a non-Latin letter after nine", lead + CANARY.slice(0, 14) + "ж" + CANARY.slice(14) + tail],
    ["two letters between its characters", lead + [...CANARY].join("xy") + tail],
  ])("does not flag %s", (_, text) => {
    expectPassed(text);
  });

  it("keeps a surrogate pair whole when a chunk ends inside it", () => {
    const text = "party 🎉 time";
    const cut = text.indexOf("🎉") + 1;
    expect(run([text.slice(0, cut), text.slice(cut)]).emitted).toBe(text);
    expect(run([text.slice(0, cut)]).emitted).toBe(text.slice(0, cut));
  });
});

describe("CanaryWatch: hostile sizes", () => {
  const MB = 1_000_000;
  const chunked = (text: string, size: number) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

  // Built inside the test: megabyte strings in an it.each table slow the collection to a crawl.
  const HOSTILE: Record<string, () => string> = {
    "near-miss prefixes": () => (CANARY.slice(0, CANARY_PREFIX.length + 11) + " ").repeat(MB / 17),
    "spaced prefixes": () => ([...CANARY.slice(0, CANARY_PREFIX.length + 11)].join("\u200b ") + "\n").repeat(MB / 48),
    "hex look-alike": () => "0123456789abcdef".repeat(MB / 16),
    "combining marks": () => "a\u0301\u0302\u0303".repeat(MB / 4),
    "mixed scripts": () => "жxа1 ".repeat(MB / 5),
    "astral characters": () => "🎉𝐚".repeat(MB / 4),
  };

  it.each(Object.keys(HOSTILE))("1 MB of %s in well under 5 s", (name) => {
    const text = HOSTILE[name]?.() ?? "";
    const started = cpuNow();
    const whole = run([text]);
    const streamed = run(chunked(text, 16));
    expect(cpuNow() - started).toBeLessThan(5_000);
    // Compared as booleans: a failing diff of two megabyte strings would take minutes.
    expect([whole.leaked, whole.emitted === text]).toEqual([false, true]);
    expect([streamed.leaked, streamed.emitted === text]).toEqual([false, true]);
    expect(streamed.maxHeld).toBeLessThan(2_000);
  });

  it("1 MB with the canary at the very end is caught in well under 5 s", () => {
    const text = "word ".repeat(MB / 5) + CANARY;
    const started = cpuNow();
    const result = run(chunked(text, 7));
    expect(cpuNow() - started).toBeLessThan(5_000);
    expect(result.leaked).toBe(true);
    expect(result.emitted.length).toBeLessThanOrEqual(MB);
  });
});
