import { describe, expect, it } from "vitest";
import { CHUNK_CHARS, chunkText } from "@/lib/documents/chunks";
import { type DocumentText, type Passage, selectPassages } from "@/lib/documents/context";

// A seeded generator of ordinary-looking filler, so that tests build long documents without fixtures.
function filler(seed: number): (words: number) => string {
  const vocabulary = (
    "the quarterly meeting covered staffing plans office moves holiday rota printer budget coffee supplies parking " +
    "training schedule team lunch newsletter desk layout heating repairs visitor badges recycling weekly update"
  ).split(" ");
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return (words) => {
    const out = Array.from({ length: words }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(" ");
    return `${out.charAt(0).toUpperCase()}${out.slice(1)}.`;
  };
}

function prose({ paragraphs, seed }: { paragraphs: number; seed: number }): string[] {
  const words = filler(seed);
  return Array.from({ length: paragraphs }, (_, i) => words(40 + ((i * 37) % 90)));
}

const doc = (over: Partial<DocumentText> & { text: string }): DocumentText => ({ id: "d", name: "d.txt", type: "text/plain", current: true, ...over });
const size = (passages: Passage[]) => passages.reduce((n, p) => n + p.text.length, 0);

describe("selectPassages: documents that fit", () => {
  it("sends every document whole: current ones first, then the earlier ones, newest first", () => {
    const documents = [
      doc({ id: "old", text: "oldest", current: false }),
      doc({ id: "mid", text: "middle", current: false }),
      doc({ id: "now1", text: "first attached now" }),
      doc({ id: "now2", text: "second attached now" }),
    ];
    const passages = selectPassages({ documents, query: "anything", budgetChars: 1_000 });
    expect(passages.map((p) => p.id)).toEqual(["now1", "now2", "mid", "old"]);
    for (const p of passages) expect(p).toMatchObject({ part: 1, parts: 1, whole: true });
    expect(passages[0]?.text).toBe("first attached now");
  });

  it("counts the budget exactly: a total equal to it still goes whole", () => {
    const passages = selectPassages({ documents: [doc({ text: "x".repeat(500) }), doc({ id: "e", text: "y".repeat(500) })], query: "", budgetChars: 1_000 });
    expect(passages.every((p) => p.whole)).toBe(true);
    expect(size(passages)).toBe(1_000);
  });
});

describe("chunkText", () => {
  it("cuts prose at paragraph breaks into chunks of at most the maximum, and keeps every word whole", () => {
    const paragraphs = prose({ paragraphs: 60, seed: 1 });
    const chunks = chunkText({ text: paragraphs.join("\n\n"), type: "text/plain" });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK_CHARS.max);
      // each chunk is a run of whole paragraphs
      for (const piece of chunk.split("\n\n")) expect(paragraphs).toContain(piece);
    }
    expect(chunks.join("\n\n")).toBe(paragraphs.join("\n\n"));
  });

  it("cuts a paragraph longer than a chunk between words, at a sentence end when it can", () => {
    const long = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} talks about the long paragraph.`).join(" ");
    const chunks = chunkText({ text: long, type: "text/markdown" });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK_CHARS.max);
      expect(chunk).toMatch(/^Sentence number \d+ .*\.$/);
    }
    expect(chunks.join(" ")).toBe(long);
  });

  it("cuts a long unbroken run only when it must, never between the halves of a surrogate pair", () => {
    const run = `a${"😀".repeat(2_000)}`; // odd, so that a cut at the maximum would fall inside a pair
    const chunks = chunkText({ text: run, type: "text/plain" });
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK_CHARS.max);
      expect(chunk).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/); // no half of a pair at either end
    }
    expect(chunks.join("")).toBe(run);
  });

  it("cuts CSV by rows and repeats the header row in every chunk; a quoted field may span lines", () => {
    const header = "id,name,notes";
    const rows = Array.from({ length: 300 }, (_, i) => `${i},item ${i},"note on ${i}\nsecond line"`);
    const chunks = chunkText({ text: [header, ...rows].join("\r\n"), type: "text/csv" });
    expect(chunks.length).toBeGreaterThan(5);
    const seen: string[] = [];
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK_CHARS.max);
      const [first, ...body] = chunk.split("\n");
      expect(first).toBe(header);
      seen.push(body.join("\n"));
    }
    // every row exactly once, in order, never cut
    expect(seen.join("\r\n").split(/\r?\n(?=\d+,item)/)).toEqual(rows);
  });

  it("cuts JSON by lines", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `  {"id": ${i}, "city": "Town ${i}", "population": ${i * 1_000}},`);
    const text = ["[", ...lines, "]"].join("\n");
    const chunks = chunkText({ text, type: "application/json" });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK_CHARS.max);
      for (const line of chunk.split("\n")) expect(["[", "]", ...lines.map((l) => l.trim())]).toContain(line.trim());
    }
  });

  it("cuts minified JSON after punctuation, not inside a value", () => {
    const text = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ id: i, city: `Town${i}` })));
    const chunks = chunkText({ text, type: "application/json" });
    expect(chunks.join("")).toBe(text);
    for (const chunk of chunks.slice(0, -1)) expect(chunk).toMatch(/[,}\]]$/);
  });

  it("never makes a chunk larger than a small budget", () => {
    const chunks = chunkText({ text: prose({ paragraphs: 20, seed: 2 }).join("\n\n"), type: "text/plain", max: 300 });
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(300);
  });
});

describe("selectPassages: documents that do not fit", () => {
  const needle = "Refund requests for the Lisbon conference must reach the treasurer by 14 March, with the original invoice attached.";
  const long = (seed: number, plant?: number) => {
    const paragraphs = prose({ paragraphs: 200, seed });
    if (plant !== undefined) paragraphs.splice(plant, 0, needle);
    return paragraphs.join("\n\n");
  };
  const documents = [
    doc({ id: "distractor-1", name: "minutes.txt", text: long(11), current: false }),
    doc({ id: "policy", name: "policy.md", type: "text/markdown", text: long(12, 130), current: false }),
    doc({ id: "distractor-2", name: "notes.txt", text: long(13) }),
  ];

  it("chooses the chunk that answers the question from a long document among distractors", () => {
    const passages = selectPassages({ documents, query: "When is the deadline for Lisbon conference refunds?", budgetChars: 4_000 });
    expect(passages.some((p) => p.id === "policy" && p.text.includes(needle))).toBe(true);
    expect(passages.every((p) => !p.whole && p.parts > 1)).toBe(true);
  });

  it("holds the budget exactly, for any budget", () => {
    for (const budgetChars of [1, 999, 1_000, 1_499, 2_500, 24_000]) {
      const passages = selectPassages({ documents, query: "refund invoice treasurer", budgetChars });
      expect(size(passages)).toBeLessThanOrEqual(budgetChars);
      if (budgetChars >= 1_000) expect(size(passages)).toBeGreaterThan(budgetChars / 2);
    }
    expect(selectPassages({ documents, query: "refund", budgetChars: 0 })).toEqual([]);
  });

  it("returns passages in document order, then chunk order, the current documents first", () => {
    const passages = selectPassages({ documents, query: "Lisbon refund treasurer invoice budget", budgetChars: 24_000 });
    const order = ["distractor-2", "policy", "distractor-1"];
    const keys = passages.map((p) => [order.indexOf(p.id), p.part] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(keys).toEqual(sorted);
    expect(new Set(keys.map(([d, part]) => `${d}:${part}`)).size).toBe(keys.length);
  });

  it("takes the opening chunks, current documents first, for a query with nothing to match", () => {
    for (const query of ["summarise this", "What does this document say?", "", "zzzz qqqq"]) {
      const passages = selectPassages({ documents, query, budgetChars: 3_000 });
      expect(passages.length).toBeGreaterThan(0);
      expect(passages.every((p) => p.id === "distractor-2")).toBe(true);
      // the opening chunks in order; a later, smaller one may fill what a larger one left
      expect(passages.slice(0, 2).map((p) => p.part)).toEqual([1, 2]);
    }
  });

  it("gives ties to the current message's documents", () => {
    const same = long(21, 50);
    const passages = selectPassages({
      documents: [doc({ id: "earlier", text: same, current: false }), doc({ id: "now", text: same })],
      query: "Lisbon refund deadline",
      budgetChars: 1_500,
    });
    const answering = passages.filter((p) => p.text.includes(needle));
    expect(answering.map((p) => p.id)).toEqual(["now"]);
  });

  it("searches only the documents it is given", () => {
    const withPolicy = selectPassages({ documents, query: "Lisbon treasurer", budgetChars: 3_000 });
    const without = selectPassages({ documents: documents.filter((d) => d.id !== "policy"), query: "Lisbon treasurer", budgetChars: 3_000 });
    expect(withPolicy.some((p) => p.text.includes("Lisbon"))).toBe(true);
    expect(without.some((p) => p.text.includes("Lisbon"))).toBe(false);
    expect(without.every((p) => p.id === "distractor-2")).toBe(true); // nothing matched: the opening chunks
  });

  it("is deterministic", () => {
    const run = () => selectPassages({ documents, query: "weekly update on the printer budget and Lisbon refunds", budgetChars: 6_000 });
    expect(run()).toEqual(run());
  });
});
