import DOMPurify, { type Config } from "isomorphic-dompurify";
import {
  ALLOWED_LINK_PROTOCOLS,
  ALLOWED_TAGS,
  ALLOWED_URI_PATTERN,
  BLOCKED_IMAGE_ALT_MAX,
  BLOCKED_IMAGE_CLASS,
  BLOCKED_IMAGE_TITLE,
  DROP_WITH_CONTENT,
  ELEMENT_ATTRIBUTES,
  EVENT_HANDLER_PREFIX,
  FORBIDDEN_ATTRIBUTES,
  FORBIDDEN_TAGS,
  GLOBAL_ATTRIBUTES,
  LINK_ATTRIBUTES,
  type AttributeRule,
} from "./policy";
import { lexBlock, parseBlock, parseMarkdown, type LinkDefinitions } from "./parse";
import { plainTextHtml } from "./escape";

/**
 * Renders untrusted markdown (model output) to HTML that is safe to insert with innerHTML: only
 * the elements and attributes of ./policy survive, links open outside the app, and images are
 * replaced by a text marker, so nothing in the output fetches a resource or runs script. Hostile
 * input costs time roughly linear in its length; whatever cannot be rendered within the limits
 * of ./parse is shown as plain text. Works in the browser (plain DOMPurify) and in Node
 * (isomorphic-dompurify's jsdom window).
 */
export function renderMarkdown(markdown: string): string {
  if (markdown === "") return "";
  try {
    const html = parseMarkdown(markdown);
    if (html === null) return plainTextHtml(markdown);
    return sanitizeOrNull(html) ?? plainTextHtml(markdown);
  } catch {
    // A parser or DOM limit was hit (stack depth, most likely); the reader still gets the text.
    return plainTextHtml(markdown);
  }
}

/** One block of a longer document, rendered: see ./stream, which puts the blocks together. */
export type RenderedBlock = {
  /** Safe to insert, as renderMarkdown's output is: sanitized on its own, a fragment that closes what it opens. */
  html: string;
  rawHtmlTags: number;
  /** The reference labels the block looked up; its HTML is valid while their definitions stay the same. */
  labels: ReadonlySet<string>;
};

/**
 * Renders one block of a document, as renderMarkdown renders a document: through the same parser
 * limits, sanitizer and policy check. `links` are the document's link definitions, and
 * `escapeRawHtml` says whether the document holds too much raw HTML to render any of it.
 */
export function renderMarkdownBlock({ markdown, links, escapeRawHtml }: { markdown: string; links: LinkDefinitions; escapeRawHtml: boolean }): RenderedBlock {
  try {
    const block = lexBlock({ markdown, links });
    const html = sanitizeOrNull(parseBlock({ block, escapeRawHtml })) ?? plainTextHtml(markdown);
    return { html, rawHtmlTags: block.rawHtmlTags, labels: block.labels };
  } catch {
    return { html: plainTextHtml(markdown), rawHtmlTags: 0, labels: new Set() };
  }
}

/** Sanitized HTML, or null if the result breaks the policy all the same. */
function sanitizeOrNull(html: string): string | null {
  const body = sanitize(html);
  finishLinks(body);
  // Fail closed: if anything slipped past (another module reconfigured the shared DOMPurify
  // instance or removed our hooks), show the text rather than trust the HTML.
  if (!conformsToPolicy(body)) return null;
  return body.innerHTML;
}

// ---------------------------------------------------------------------------------------------
// Sanitizing.
// ---------------------------------------------------------------------------------------------

const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";
const ELEMENT_NODE = 1;

const allowedTags: ReadonlySet<string> = new Set(ALLOWED_TAGS);
const linkProtocols: ReadonlySet<string> = new Set(ALLOWED_LINK_PROTOCOLS);

// Maps rather than object lookups, so that an attribute called "constructor" finds nothing.
const globalRules: ReadonlyMap<string, AttributeRule> = new Map(Object.entries(GLOBAL_ATTRIBUTES));
const elementRules: ReadonlyMap<string, ReadonlyMap<string, AttributeRule>> = new Map(
  Object.entries(ELEMENT_ATTRIBUTES).map(([tag, rules]) => [tag, new Map(Object.entries(rules))]),
);

const PURIFY_CONFIG = {
  ALLOWED_TAGS: [...ALLOWED_TAGS],
  ALLOWED_ATTR: [...new Set([...globalRules.keys(), ...[...elementRules.values()].flatMap((rules) => [...rules.keys()])])],
  FORBID_TAGS: [...FORBIDDEN_TAGS],
  FORBID_ATTR: [...FORBIDDEN_ATTRIBUTES],
  ADD_FORBID_CONTENTS: [...DROP_WITH_CONTENT],
  ALLOWED_URI_REGEXP: ALLOWED_URI_PATTERN,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOW_SELF_CLOSE_IN_ATTR: false,
  KEEP_CONTENT: true,
  WHOLE_DOCUMENT: false,
  SANITIZE_DOM: true,
  RETURN_DOM: true as const,
} satisfies Config;

// The DOMPurify instance is shared with any other module that imports it, and hooks accumulate on
// it. Ours are added once, here, and act only while renderMarkdown is sanitizing. A reloaded copy
// of this module (dev hot reload) leaves inert hooks behind, since their flag is never set again.
let sanitizing = false;

DOMPurify.addHook("uponSanitizeElement", (node, event) => {
  if (!sanitizing || event.tagName !== "img" || !isElement(node)) return;
  // Replacing the node puts the marker where the iterator visits it next, so the marker is
  // sanitized like everything else; DOMPurify treats the detached <img> as removed.
  node.replaceWith(blockedImageMarker(node));
});

DOMPurify.addHook("uponSanitizeAttribute", (node, event) => {
  if (!sanitizing) return;
  if (!isAllowedAttribute({ tag: node.localName, name: event.attrName, value: event.attrValue })) {
    event.keepAttr = false;
  }
});

function sanitize(html: string): Element {
  sanitizing = true;
  try {
    const body = DOMPurify.sanitize(html, PURIFY_CONFIG);
    if (!isElement(body)) throw new Error("DOMPurify did not return an element");
    return body;
  } finally {
    sanitizing = false;
  }
}

// No instanceof: in Node the nodes belong to jsdom's window, not to this realm.
function isElement(node: Node): node is Element {
  return node.nodeType === ELEMENT_NODE;
}

function blockedImageMarker(image: Element): Element {
  const marker = image.ownerDocument.createElement("span");
  marker.setAttribute("class", BLOCKED_IMAGE_CLASS);
  marker.setAttribute("title", BLOCKED_IMAGE_TITLE);
  const alt = (image.getAttribute("alt") ?? "").replace(/\s+/g, " ").trim().slice(0, BLOCKED_IMAGE_ALT_MAX);
  // textContent, never markup: the alt text is as untrusted as the rest.
  marker.textContent = alt === "" ? "[image]" : `[image: ${alt}]`;
  return marker;
}

function isAllowedAttribute({ tag, name, value }: { tag: string; name: string; value: string }): boolean {
  if (name.startsWith(EVENT_HANDLER_PREFIX)) return false;
  const rule = globalRules.has(name) ? globalRules.get(name) : elementRules.get(tag)?.get(name);
  if (rule === undefined) return false;
  return rule === null || rule.test(value);
}

/**
 * Keeps a link only if its href parses, as the browser will parse it, to an allowed scheme; the
 * URL parser sees through the entities, embedded tabs and newlines, case and control characters
 * that a pattern would have to anticipate. A refused link becomes its text.
 */
function finishLinks(root: Element): void {
  const links: Element[] = [];
  for (let element = nextElement({ root, current: root }); element !== null; element = nextElement({ root, current: element })) {
    if (element.localName === "a") links.push(element);
  }
  for (const link of links) {
    const href = safeHref(link.getAttribute("href"));
    if (href === null) {
      unwrap(link);
      continue;
    }
    link.setAttribute("href", href);
    link.setAttribute("target", LINK_ATTRIBUTES.target);
    link.setAttribute("rel", LINK_ATTRIBUTES.rel);
  }
}

function safeHref(raw: string | null): string | null {
  if (raw === null) return null;
  let url: URL;
  try {
    // No base URL: a relative link would resolve into this app, so it is refused.
    url = new URL(raw);
  } catch {
    return null;
  }
  return linkProtocols.has(url.protocol) ? url.href : null;
}

function unwrap(element: Element): void {
  const parent = element.parentNode;
  if (parent === null) return;
  while (element.firstChild !== null) parent.insertBefore(element.firstChild, element);
  element.remove();
}

/** An independent check of the finished tree against the policy, whatever DOMPurify did. */
function conformsToPolicy(root: Element): boolean {
  for (let element = nextElement({ root, current: root }); element !== null; element = nextElement({ root, current: element })) {
    if (element.namespaceURI !== HTML_NAMESPACE || !allowedTags.has(element.localName)) return false;
    for (const name of element.getAttributeNames()) {
      if (!conformsAttribute({ element, name, value: element.getAttribute(name) ?? "" })) return false;
    }
  }
  return true;
}

/**
 * The element after `current` in document order, within `root`. A plain walk: no recursion for
 * deep trees, and none of the live collections that jsdom makes slow on large ones.
 */
function nextElement({ root, current }: { root: Element; current: Element }): Element | null {
  if (current.firstElementChild !== null) return current.firstElementChild;
  for (let node: Element | null = current; node !== null && node !== root; node = node.parentElement) {
    if (node.nextElementSibling !== null) return node.nextElementSibling;
  }
  return null;
}

function conformsAttribute({ element, name, value }: { element: Element; name: string; value: string }): boolean {
  if (element.localName === "a") {
    if (name === "href") return safeHref(value) === value;
    if (name === "target") return value === LINK_ATTRIBUTES.target;
    if (name === "rel") return value === LINK_ATTRIBUTES.rel;
  }
  return isAllowedAttribute({ tag: element.localName, name, value });
}
