import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { BlockView } from "@/lib/markdown/block-dom";
import { MAX_MARKDOWN_CHARS, MAX_RAW_HTML_TAGS } from "@/lib/markdown/parse";
import { renderMarkdown } from "@/lib/markdown/render";
import { StreamingMarkdown } from "@/lib/markdown/stream";
import { benchReply, chunksOf } from "@/scripts/bench/render-reply";
import { contractViolations, parse, yieldToEventLoop } from "@/scripts/lib/eval-html-contract";
import { CONTEXTS, payloadsOf, readLines, specExamples } from "@/scripts/lib/eval-xss-data";

/**
 * StreamingMarkdown renders a reply block by block while it streams in. Its contract: at every
 * step the output is safe, and (raw HTML spanning blank lines aside) it is what renderMarkdown
 * makes of the text so far, so the finished reply looks exactly as it does when rendered whole.
 */

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DATA_DIR = process.env.BULWARK_DATA_DIR ?? path.resolve(REPO_ROOT, "../shared/data");
const XSS_DIR = path.join(DATA_DIR, "xss");
const COMMONMARK_FILE = path.join(XSS_DIR, "xss_benign_commonmark_spec.txt");
const BENIGN_FALLBACK_FILE = fileURLToPath(new URL("./fixtures/markdown-benign.txt", import.meta.url));
const XSS_FALLBACK_FILE = fileURLToPath(new URL("./fixtures/xss-fallback.txt", import.meta.url));

/** A small seeded generator (mulberry32), so a failure names a chunking that can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Where the text has arrived after each chunk: random chunk sizes from 1 to `maxChunk`, the whole text last. */
function arrivals({ length, seed, maxChunk }: { length: number; seed: number; maxChunk: number }): number[] {
  const next = random(seed);
  const ends: number[] = [];
  for (let at = 0; at < length; ) {
    at = Math.min(length, at + 1 + Math.floor(next() * maxChunk));
    ends.push(at);
  }
  return ends;
}

/** One step of a stream: the text so far, its blocks, and those that are new since the last step. */
type Step = { text: string; html: string; changed: string[] };

/** Streams `markdown` into a StreamingMarkdown in random chunks, handing each step to `check`. */
async function stream({
  markdown,
  seed,
  maxChunk,
  check,
}: {
  markdown: string;
  seed: number;
  maxChunk: number;
  check: (step: Step) => void;
}): Promise<StreamingMarkdown> {
  const renderer = new StreamingMarkdown();
  let previous: string[] = [];
  for (const [index, end] of arrivals({ length: markdown.length, seed, maxChunk }).entries()) {
    const text = markdown.slice(0, end);
    const blocks = renderer.render(text);
    // A block that is unchanged comes back as the same string (and BlockView leaves its nodes).
    const changed = blocks.filter((html, i) => html !== previous[i]);
    previous = blocks;
    check({ text, html: blocks.join(""), changed });
    // jsdom keeps every document DOMPurify made alive until the current job ends.
    if (index % 100 === 99) await yieldToEventLoop();
  }
  return renderer;
}

/**
 * Whitespace-only differences between top-level nodes, which render the same: an HTML block the
 * sanitizer empties leaves its line break behind in the whole document but not in a block.
 */
function topLevelNormalized(html: string): string {
  const root = parse(html);
  for (const node of Array.from(root.childNodes)) {
    if (node.nodeType !== 3) continue;
    const text = (node.textContent ?? "").replace(/\s+/g, " ").trim();
    if (text === "") node.remove();
    else node.textContent = text;
  }
  return root.innerHTML;
}

function expectSameAsWhole({ text, html, label }: Step & { label: string }): void {
  const whole = renderMarkdown(text);
  if (html === whole) return;
  expect(topLevelNormalized(html), `${label}, after ${JSON.stringify(text.slice(-60))}`).toBe(topLevelNormalized(whole));
}

/** The characters a reader sees, whitespace aside: all that raw HTML spanning blocks may change. */
const letters = (html: string) => (parse(html).textContent ?? "").replace(/\s+/g, "");

const SAMPLES: Record<string, string> = {
  "headings and paragraphs":
    "# Title\n\nFirst paragraph with **bold**, *em*, `code` and a [link](https://example.com/a).\nSecond line.\n\n" +
    "## Section\n\nAnother paragraph.\n\n### Small\ntext right under the heading\n",
  "setext headings": "Title\n=====\n\nSubtitle\n--------\n\nText\n---\n\nmore\n\nx\n-\n",
  "tight and loose lists":
    "- one\n- two\n- three\n\nAfter.\n\n1. first\n\n2. second\n\n3. third\n\n10) ten\n11) eleven\n\n* a\n\n  continued paragraph of a\n\n* b\n",
  "nested lists":
    "- a\n  - a1\n  - a2\n\n    a2 continued\n\n  - a3\n- b\n  1. b1\n  2. b2\n\n- c\n\n  > quote in c\n\n  ```\n  code in c\n\n  more code\n  ```\n\nEnd.\n",
  "code fences with blank lines":
    "```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\n~~~\n```\nnot a close\n\n~~~\n\n````md\n```\ninner\n\n```\n````\n\n    indented\n\n    still indented\n\nafter\n",
  "an unclosed fence at the end": "Intro.\n\n```python\ndef f():\n\n    return 1\n\n\nprint(f())\n",
  "block quotes": "> one\n> two\n\n> three\nlazy\n\n> > nested\n>\n> back\n\n> - list in a quote\n> - more\n\n>\n\nout\n",
  tables: "| a | b |\n| --- | :-: |\n| 1 | 2 |\n| 3 | 4 |\n\ntext\n| x | y |\n|---|---|\n| 5 | 6 |\n\n| only | header |\n|--|--|\n\na | b\n-|-\n\nafter\n",
  "breaks and rules": "a\n\n---\n\n***\nb  \nc\\\nd\n\n- - -\n\n___\n",
  "reference links":
    "See [the docs] and [API][api], [Mixed  Case][].\n\nMore text.\n\n[the docs]: https://example.com/docs\n" +
    "[API]: https://example.com/api 'The API'\n[mixed case]: <https://example.com/m>\n[the docs]: https://example.com/not-this-one\n\n" +
    "[bad]: javascript:alert(1)\n\n[bad] link and [late].\n\nText.\n\n[late]: https://example.com/late\n",
  "definitions in containers": "> [q]: https://example.com/q\n\nUse [q].\n\n- [l]: https://example.com/l\n\nUse [l].\n",
  "inline raw HTML": "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, x<sup>2</sup>.\n\n<span>inline span</span> text <b>bold</b>\n",
  images: "![alt text](https://example.com/a.png)\n\n![ref image][img]\n\n[img]: https://example.com/b.png\n",
  "emphasis across lines": "*start\nend*\n\n**bold\n\nnot bold**\n\n~~strike~~ and ~~not\n\nclosed~~\n",
  autolinks: "Visit https://example.com/path?x=1 or www.example.org, mail <a@example.com>.\n\n<https://example.net>\n",
  "task lists": "- [ ] todo\n- [x] done\n\n1. [ ] numbered\n",
};

const RAW_HTML_BLOCKS: Record<string, string> = {
  "a div around markdown": "<div>\n\n*Markdown* inside\n\n</div>\n\nafter\n",
  "unclosed raw tags": "<em>\n\nstill em?\n\n<table>\n\n<tr><td>cell\n\n</table>\n\n<del>\n\n*x*\n\n</del>\n",
  "comments and pre": "<!--\n\ncomment\n\n-->\n\n<pre>\n\ncode\n\n</pre>\n\n<!-- -->\n\nend\n",
};

describe("StreamingMarkdown: the same HTML as rendering whole", () => {
  for (const [name, markdown] of Object.entries(SAMPLES)) {
    it(`${name}: at every step`, async () => {
      for (const seed of [1, 2]) {
        await stream({ markdown, seed, maxChunk: seed === 1 ? 1 : 9, check: (step) => expectSameAsWhole({ ...step, label: `${name}, seed ${seed}` }) });
      }
    });
  }

  it("keeps exactly the same HTML with \\r\\n line ends", async () => {
    for (const name of ["tight and loose lists", "code fences with blank lines", "reference links"]) {
      const markdown = (SAMPLES[name] ?? "").replace(/\n/g, "\r\n");
      await stream({ markdown, seed: 3, maxChunk: 5, check: (step) => expectSameAsWhole({ ...step, label: `${name} (CRLF)` }) });
    }
  });

  it("keeps the text where raw HTML spans blank lines, and renders those blocks side by side", async () => {
    for (const [name, markdown] of Object.entries(RAW_HTML_BLOCKS)) {
      let last = "";
      await stream({
        markdown,
        seed: 4,
        maxChunk: 4,
        check: ({ html }) => {
          expect(contractViolations(html), name).toEqual([]);
          last = html;
        },
      });
      expect(letters(last), name).toBe(letters(renderMarkdown(markdown)));
    }
    // The whole document nests the paragraph in the <del> left open; streamed blocks do not. What
    // one call finds finished is one block, so the same text arriving at once renders as a whole.
    const markdown = "<del>\n\n*x*\n\n</del>\n\nend\n";
    expect(parse(renderMarkdown(markdown)).querySelector("del em")).not.toBeNull();
    const streamed = await stream({ markdown, seed: 5, maxChunk: 1, check: () => undefined });
    expect(parse(streamed.render(markdown).join("")).querySelector("del em")).toBeNull();
    expect(new StreamingMarkdown().render(markdown).join("")).toBe(renderMarkdown(markdown));
  });

  it("matches on the CommonMark spec examples", async () => {
    const haveSpec = existsSync(COMMONMARK_FILE);
    const examples = specExamples(readFileSync(haveSpec ? COMMONMARK_FILE : BENIGN_FALLBACK_FILE, "utf8"));
    expect(examples.length).toBeGreaterThan(haveSpec ? 600 : 20);
    let steps = 0;
    for (const example of examples) {
      const label = `example ${example.number} (${example.section})`;
      // Raw HTML blocks that span blank lines are the one thing rendered differently (see above).
      const spansBlocks = example.section === "HTML blocks";
      const renderer = await stream({
        markdown: example.markdown,
        seed: example.number,
        maxChunk: 6,
        check: (step) => {
          steps++;
          if (spansBlocks) expect(contractViolations(step.html), label).toEqual([]);
          else expectSameAsWhole({ ...step, label });
        },
      });
      const html = renderer.render(example.markdown).join("");
      expect(letters(html), label).toBe(letters(renderMarkdown(example.markdown)));
      if (example.number % 50 === 0) await yieldToEventLoop();
    }
    console.log(`[markdown-incremental.test] ${examples.length} CommonMark examples, ${steps} streamed steps compared`);
  }, 120_000);

  it("matches on random documents of tricky lines", async () => {
    const lines = [
      "# h",
      "para text",
      "more *em* text",
      "- item",
      "- [ ] task",
      "* star",
      "1. one",
      "2. two",
      "10) ten",
      "  - nested",
      "   continued",
      "    code",
      "```",
      "```js",
      "~~~",
      "> quote",
      "> > deep",
      ">",
      "| a | b |",
      "|---|---|",
      "a | b",
      "--|--",
      "---",
      "===",
      "-",
      "***",
      "[ref]: https://x.example/a",
      "[Ref  Two]: https://y.example/ 'T'",
      "[ref]",
      "[x][ref two]",
      "see [ref] and [nope]",
      "",
      "",
      "",
      "  ",
      "<span>x</span>",
      "**bold",
      "bold**",
      "`code",
      "text\\",
      "2",
      "1.",
    ];
    for (let doc = 0; doc < 60; doc++) {
      const next = random(1000 + doc);
      const count = 3 + Math.floor(next() * 25);
      const markdown = Array.from({ length: count }, () => lines[Math.floor(next() * lines.length)]).join("\n");
      await stream({
        markdown,
        seed: doc,
        maxChunk: 6,
        check: (step) => expectSameAsWhole({ ...step, label: `document ${doc}: ${JSON.stringify(markdown)}` }),
      });
    }
  }, 60_000);

  it("shows raw HTML as text in every block once the whole reply holds too much of it", async () => {
    const markdown = Array.from({ length: MAX_RAW_HTML_TAGS + 20 }, (_, i) => `Press <kbd>${i}</kbd>.`).join("\n\n");
    const renderer = new StreamingMarkdown();
    const early = renderer.render(markdown.slice(0, markdown.length / 2)).join("");
    expect(parse(early).querySelectorAll("kbd").length).toBeGreaterThan(100);
    const html = renderer.render(markdown).join("");
    expect(html).toBe(renderMarkdown(markdown));
    expect(parse(html).querySelector("kbd")).toBeNull();
  });

  it("starts over on a text that does not extend the last one, and shows an overlong one as text", () => {
    const renderer = new StreamingMarkdown();
    renderer.render("# One\n\nfirst reply\n\n- a\n");
    expect(renderer.render("Another *reply*\n\n> q\n").join("")).toBe(renderMarkdown("Another *reply*\n\n> q\n"));
    const long = "a *b* ".repeat(MAX_MARKDOWN_CHARS / 6 + 1);
    expect(renderer.render(long).join("")).toBe(renderMarkdown(long));
    expect(renderer.render("")).toEqual([]);
  });
});

describe("StreamingMarkdown: linear work", () => {
  /** The bench reply, about `chars` long, streamed in 25-character chunks. */
  function streamReply(chars: number): { renderer: StreamingMarkdown; reply: string; blocks: string[] } {
    const reply = benchReply(chars);
    const renderer = new StreamingMarkdown();
    let text = "";
    let blocks: string[] = [];
    for (const chunk of chunksOf({ text: reply, count: Math.round(reply.length / 25) })) {
      text += chunk;
      blocks = renderer.render(text);
    }
    return { renderer, reply, blocks };
  }

  it("renders each finished block once and the open tail anew, so twice the reply is twice the work", async () => {
    const small = streamReply(8_000);
    await yieldToEventLoop();
    const large = streamReply(16_000);
    expect(large.blocks.join("")).toBe(renderMarkdown(large.reply));
    // One render per block found finished, none again: no link definitions, no raw HTML verdict.
    expect(large.renderer.stats.blockRenders).toBe(large.blocks.length - 1);
    const growth = large.renderer.stats.renderedChars / small.renderer.stats.renderedChars;
    const lexGrowth = large.renderer.stats.lexedChars / small.renderer.stats.lexedChars;
    console.log(`[markdown-incremental.test] 2× the reply: ${growth.toFixed(2)}× rendered, ${lexGrowth.toFixed(2)}× lexed characters`);
    // Quadratic work would grow fourfold.
    expect(growth).toBeLessThan(2.5);
    expect(lexGrowth).toBeLessThan(2.5);
  }, 60_000);

  it("renders a finished block again only when a definition it looked up changes", () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} without references.`);
    const markdown = [...paragraphs, "Uses [the ref].", "More.", "[the ref]: https://example.com/ref", "End."].join("\n\n");
    const renderer = new StreamingMarkdown();
    let blocks: string[] = [];
    for (let end = 1; end <= markdown.length; end++) blocks = renderer.render(markdown.slice(0, end));
    expect(blocks.join("")).toBe(renderMarkdown(markdown));
    expect(parse(blocks.join("")).querySelector('a[href="https://example.com/ref"]')?.textContent).toBe("the ref");
    // Each block once, and the one that uses the label again for each version of its definition
    // that arrived (the URL grows a character at a time) — the 30 plain paragraphs never again.
    const definitionVersions = "https://example.com/ref".length + 1;
    expect(renderer.stats.blockRenders).toBeLessThanOrEqual(blocks.length - 1 + definitionVersions + 2);
  });
});

describe("StreamingMarkdown on hostile input", () => {
  function fallbackPayloads(): string[] {
    return readLines(XSS_FALLBACK_FILE)
      .filter((line) => !line.startsWith("#!"))
      .map((line) => line.replaceAll("\\n", "\n"));
  }

  async function sharedPayloads(): Promise<string[]> {
    if (!existsSync(XSS_DIR)) return [];
    const files = readdirSync(XSS_DIR).filter((name) => name.startsWith("xss_") && !name.includes("_benign_") && /\.(txt|mjs)$/.test(name));
    const all = (await Promise.all(files.sort().map((name) => payloadsOf(path.join(XSS_DIR, name))))).flat();
    // A spread-out sample: every payload through the stream would take minutes.
    const step = Math.max(1, Math.floor(all.length / 400));
    return all.filter((_, i) => i % step === 0);
  }

  it("stays within the output contract at every step, whatever the chunks cut", async () => {
    const payloads = [...fallbackPayloads(), ...(await sharedPayloads())];
    let steps = 0;
    for (const { name, wrap } of CONTEXTS) {
      // Payloads as consecutive blocks, so tags and links straddle chunks and block boundaries;
      // 25 to a reply, since an unclosed <pre> or <!-- rightly keeps the rest of a reply one block.
      for (let first = 0; first < payloads.length; first += 25) {
        const markdown = payloads
          .slice(first, first + 25)
          .map(wrap)
          .join("\n\n");
        const renderer = await stream({
          markdown,
          seed: first + name.length,
          maxChunk: 40,
          // Each block is parsed into the page on its own (BlockView), so each changed block is
          // checked on its own; the blocks kept from the step before were checked then.
          check: ({ text, changed }) => {
            steps++;
            const problems = changed.flatMap(contractViolations);
            if (problems.length > 0) expect.fail(`${name}: ${problems.join("; ")} after ${JSON.stringify(text.slice(-120))}`);
          },
        });
        // No comparison with rendering whole: there an unclosed <textarea> or <title> takes every
        // later block with it, where the streamed blocks keep them.
        expect(contractViolations(renderer.render(markdown).join("")), name).toEqual([]);
      }
    }
    console.log(`[markdown-incremental.test] ${payloads.length} payloads x ${CONTEXTS.length} contexts streamed in ${steps} steps, all within the contract`);
  }, 240_000);

  it("stays within the contract on adversarial shapes cut into chunks", async () => {
    const repeat = ({ unit, length }: { unit: string; length: number }) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    const shapes = [
      "[".repeat(2_000) + "]".repeat(2_000),
      repeat({ unit: "[a](", length: 4_000 }),
      repeat({ unit: "*a_", length: 4_000 }),
      `${repeat({ unit: "> ", length: 2_000 })}x`,
      `${repeat({ unit: "- ", length: 2_000 })}x`,
      repeat({ unit: "<span>", length: 4_000 }),
      `${repeat({ unit: "<b x>", length: 2_000 })}${repeat({ unit: "<p>x", length: 2_000 })}`,
      repeat({ unit: "<em>\n\n", length: 4_000 }),
      repeat({ unit: "```\n\n", length: 4_000 }),
    ];
    for (const markdown of shapes) {
      await stream({
        markdown,
        seed: markdown.length,
        maxChunk: 400,
        check: ({ html }) => expect(contractViolations(html), markdown.slice(0, 20)).toEqual([]),
      });
    }
  }, 120_000);
});

describe("BlockView", () => {
  const document = new JSDOM("<!DOCTYPE html><div></div>").window.document;

  it("shows the blocks as the element's children and keeps unchanged blocks' nodes", () => {
    const element = document.createElement("div");
    const view = new BlockView(element);
    const first = "<h1>Title</h1>\n<p>one</p>\n";
    view.show([first, "<p>tail</p>\n"]);
    expect(element.innerHTML).toBe("<h1>Title</h1>\n<p>one</p>\n<p>tail</p>\n");
    const heading = element.querySelector("h1");
    view.show([first, "<ul>\n<li>a</li>\n</ul>\n", "<p>new tail</p>\n"]);
    expect(element.innerHTML).toBe("<h1>Title</h1>\n<p>one</p>\n<ul>\n<li>a</li>\n</ul>\n<p>new tail</p>\n");
    expect(element.querySelector("h1")).toBe(heading);
    // A block in the middle rendered again (a definition arrived), an empty block, fewer blocks.
    view.show([first, '<p><a href="https://example.com/">a</a></p>\n', "", "<p>end</p>"]);
    expect(element.innerHTML).toBe('<h1>Title</h1>\n<p>one</p>\n<p><a href="https://example.com/">a</a></p>\n<p>end</p>');
    expect(element.querySelector("h1")).toBe(heading);
    view.show(["<p>x</p>"]);
    expect(element.innerHTML).toBe("<p>x</p>");
  });

  it("parses each block on its own, so no block can take in the next", () => {
    const element = document.createElement("div");
    new BlockView(element).show(["<div><del><table><tr><td>open", "<p>next</p>"]);
    const next = Array.from(element.querySelectorAll("p")).find((p) => p.textContent === "next");
    expect(next?.parentElement).toBe(element);
  });
});
