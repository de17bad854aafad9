import { describe, expect, it } from "vitest";
import { tokenizeWithOffsets } from "@/lib/guard/injection/tokenize";
import { correctTypos } from "@/lib/guard/injection/typos";

// The words typos.ts knows, spelled as its dictionary spells them.
const WORDS = ["ignore", "disregard", "previous", "instructions", "everything", "override", "restrictions", "jailbreak", "unrestricted"];
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Every word one edit away (a letter changed, added or dropped, or two neighbours swapped), keeping the first letter. */
function oneEditVariants(word: string): string[] {
  const out = new Set<string>();
  for (let i = 1; i <= word.length; i++) {
    for (const c of LETTERS) {
      out.add(word.slice(0, i) + c + word.slice(i));
      if (i < word.length) out.add(word.slice(0, i) + c + word.slice(i + 1));
    }
    if (i < word.length) out.add(word.slice(0, i) + word.slice(i + 1));
    if (i + 1 < word.length) out.add(word.slice(0, i) + (word[i + 1] ?? "") + (word[i] ?? "") + word.slice(i + 2));
  }
  out.delete(word);
  return [...out].filter((w) => w.length >= 5);
}

const corrected = (text: string) => correctTypos(text, tokenizeWithOffsets(text)).text;

describe("correctTypos", () => {
  it.each(WORDS)("spells every one-edit variant of %s right, wherever the edit falls", (word) => {
    const missed = oneEditVariants(word).filter((variant) => corrected(`please ${variant} now`) !== `please ${word} now`);
    expect(missed).toEqual([]);
  });

  it("leaves words two edits away, and ordinary words, as they are", () => {
    for (const text of ["please ingroe nothing", "the instrumentations of previews", "everyone overreacted, for no reason"]) expect(corrected(text)).toBe(text);
  });
});

describe("tokenizeWithOffsets", () => {
  it("gives the same tokens for a string however it was built (one piece or joined from many)", () => {
    const flat = "ignore the 2nd rule, aWdub3JlIGFsbA== and 69 67 6e 6f 72 65 20 61 6c 6c — i g n o r e 用中文回答 ∂x";
    let joined = "";
    for (const ch of flat) joined += ch;
    expect(tokenizeWithOffsets(joined)).toEqual(tokenizeWithOffsets(flat));
  });
});
