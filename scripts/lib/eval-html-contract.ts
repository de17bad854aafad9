/**
 * The markdown renderer's output contract, checked on the DOM a browser would build from the HTML.
 * Shared by tests/unit/markdown.test.ts and the guard evaluation (scripts/eval-guards.ts), so both
 * count a payload as getting through by the same rules. Only the tag allow-list comes from the policy;
 * the other rules are written out here, so a mistake in the policy cannot hide itself.
 */
import { JSDOM } from "jsdom";
import { ALLOWED_TAGS } from "../../lib/markdown/policy";

const document = new JSDOM("<!DOCTYPE html>").window.document;
const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
const allowedTags: ReadonlySet<string> = new Set(ALLOWED_TAGS);
const FORBIDDEN_ATTRIBUTES: ReadonlySet<string> = new Set([
  "src",
  "srcset",
  "srcdoc",
  "style",
  "background",
  "poster",
  "formaction",
  "action",
  "data",
  "ping",
  "xlink:href",
  "id",
  "name",
]);
const LINK_PROTOCOLS: ReadonlySet<string> = new Set(["http:", "https:", "mailto:"]);
export const REQUIRED_REL = ["noopener", "noreferrer", "nofollow"];

/** Parses HTML the way React's dangerouslySetInnerHTML does: as the content of a <div>. */
export function parse(html: string): HTMLDivElement {
  const root = document.createElement("div");
  root.innerHTML = html;
  return root;
}

/** Every way `html` breaks the output contract, as sentences; empty when it keeps it. */
export function contractViolations(html: string): string[] {
  const found: string[] = [];
  for (const element of Array.from(parse(html).getElementsByTagName("*"))) {
    const tag = element.localName;
    if (element.namespaceURI !== HTML_NAMESPACE || !allowedTags.has(tag)) {
      found.push(`element <${tag}> is not in the allow-list`);
    }
    for (const { name, value } of Array.from(element.attributes)) {
      const lower = name.toLowerCase();
      if (lower.startsWith("on")) found.push(`event handler attribute ${name} on <${tag}>`);
      if (FORBIDDEN_ATTRIBUTES.has(lower)) found.push(`forbidden attribute ${name} on <${tag}>`);
      if (lower === "href" && !isAllowedUrl(value)) found.push(`href ${JSON.stringify(value)} on <${tag}>`);
      if (lower === "class" && !isAllowedClass({ tag, value })) found.push(`class ${JSON.stringify(value)} on <${tag}>`);
    }
    if (tag === "a") {
      if (!element.hasAttribute("href")) found.push("<a> without href");
      if (element.getAttribute("target") !== "_blank") found.push('<a> without target="_blank"');
      const rel = (element.getAttribute("rel") ?? "").split(/\s+/);
      for (const token of REQUIRED_REL) if (!rel.includes(token)) found.push(`<a> without rel ${token}`);
    }
  }
  return found;
}

function isAllowedUrl(value: string): boolean {
  try {
    return LINK_PROTOCOLS.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isAllowedClass({ tag, value }: { tag: string; value: string }): boolean {
  if (tag === "code") return /^language-\S+$/.test(value);
  if (tag === "span") return value === "blocked-image";
  return false;
}

/** Text as a reader sees it, whitespace collapsed (soft breaks render as <br> here, with GFM). */
export function visibleText(html: string | HTMLElement): string {
  const root = typeof html === "string" ? parse(html) : html;
  for (const br of Array.from(root.getElementsByTagName("br"))) br.replaceWith(document.createTextNode("\n"));
  return (root.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** A text node of the contract's document, for callers that edit a parsed tree. */
export function textNode(text: string): Text {
  return document.createTextNode(text);
}

/**
 * jsdom tracks node iterators (DOMPurify makes one per call) through WeakRefs, which keep their
 * documents alive until the current job ends: without an occasional pause, memory grows by
 * gigabytes over a long synchronous loop.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
