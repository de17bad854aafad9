import DOMPurify, { type Config } from "isomorphic-dompurify";
import { Marked, Tokenizer, type Links, type Token, type Tokens } from "marked";
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

/**
 * Renders untrusted markdown (model output) to HTML that is safe to insert with innerHTML: only
 * the elements and attributes of ./policy survive, links open outside the app, and images are
 * replaced by a text marker, so nothing in the output fetches a resource or runs script. Hostile
 * input costs time roughly linear in its length; whatever cannot be rendered within the limits
 * below is shown as plain text. Works in the browser (plain DOMPurify) and in Node
 * (isomorphic-dompurify's jsdom window).
 */
export function renderMarkdown(markdown: string): string {
  if (markdown === "") return "";
  if (markdown.length > MAX_MARKDOWN_CHARS) return plainTextHtml(markdown);
  try {
    const tokens = marked.lexer(markdown);
    limitRawHtml(tokens);
    const body = sanitize(marked.parser(tokens));
    finishLinks(body);
    // Fail closed: if anything slipped past (another module reconfigured the shared DOMPurify
    // instance or removed our hooks), show the text rather than trust the HTML.
    if (!conformsToPolicy(body)) return plainTextHtml(markdown);
    return body.innerHTML;
  } catch {
    // A parser or DOM limit was hit (stack depth, most likely); the reader still gets the text.
    return plainTextHtml(markdown);
  }
}

// ---------------------------------------------------------------------------------------------
// Limits. marked is fast on ordinary text, but several of its rules rescan the rest of the
// paragraph from every position, so crafted input costs the square of its length (200 KB of
// `*a_` took five minutes). The windows below bound each rescan; what they cut off is rare in
// real text and degrades to literal characters, never to unsafe output.
// ---------------------------------------------------------------------------------------------

/** Longer input is shown as plain text: far beyond a real reply, and it keeps the worst case bounded. */
const MAX_MARKDOWN_CHARS = 250_000;

/** Most characters an inline rule (a link, a code span, a raw tag, a run of text) may look at. */
const INLINE_WINDOW = 2_000;

/** Most characters between an opening `*`, `_` or `~` and its closer; farther closers are text. */
const EMPHASIS_WINDOW = 500;

/** Characters before the current position kept for the emphasis rules, which look back a little. */
const EMPHASIS_LOOK_BEHIND = 64;

/**
 * Deepest nesting of block quotes and lists (block), and of emphasis and strikethrough (inline).
 * Each level re-reads its content, and deep enough nesting overflows the parser's stack.
 */
const MAX_DEPTH = { block: 16, inline: 16 } as const;

/**
 * Most raw HTML start tags rendered as HTML. Beyond this, all raw HTML is shown as text: the HTML
 * parser can multiply misnested formatting tags (each new paragraph reopens them all), and deep
 * raw nesting is slow to sanitize. Real replies use a handful of tags.
 */
const MAX_RAW_HTML_TAGS = 300;

/** Nesting level of the container being tokenized right now; see {@link withDepth}. */
const depth: Record<keyof typeof MAX_DEPTH, number> = { block: 0, inline: 0 };

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  tokenizer: {
    blockquote(src: string) {
      return withDepth({ kind: "block", tokenize: () => Tokenizer.prototype.blockquote.call(this, src) });
    },
    list(src: string) {
      return withDepth({ kind: "block", tokenize: () => Tokenizer.prototype.list.call(this, src) });
    },
    emStrong(src: string, maskedSrc: string, prevChar?: string) {
      const view = emphasisView({ src, maskedSrc });
      return withDepth({
        kind: "inline",
        tokenize: () => Tokenizer.prototype.emStrong.call(this, view.src, view.maskedSrc, prevChar),
      });
    },
    del(src: string, maskedSrc: string, prevChar?: string) {
      const view = emphasisView({ src, maskedSrc });
      return withDepth({
        kind: "inline",
        tokenize: () => Tokenizer.prototype.del.call(this, view.src, view.maskedSrc, prevChar),
      });
    },
    escape(src: string) {
      return Tokenizer.prototype.escape.call(this, src.slice(0, INLINE_WINDOW));
    },
    tag(src: string) {
      return Tokenizer.prototype.tag.call(this, src.slice(0, INLINE_WINDOW));
    },
    link(src: string) {
      return Tokenizer.prototype.link.call(this, src.slice(0, INLINE_WINDOW));
    },
    reflink(src: string, links: Links) {
      return Tokenizer.prototype.reflink.call(this, src.slice(0, INLINE_WINDOW), links);
    },
    codespan(src: string) {
      return Tokenizer.prototype.codespan.call(this, src.slice(0, INLINE_WINDOW));
    },
    br(src: string) {
      return Tokenizer.prototype.br.call(this, src.slice(0, INLINE_WINDOW));
    },
    autolink(src: string) {
      return Tokenizer.prototype.autolink.call(this, src.slice(0, INLINE_WINDOW));
    },
    url(src: string) {
      const view = src.slice(0, INLINE_WINDOW);
      const token = Tokenizer.prototype.url.call(this, view);
      // A bare URL runs to the next space or "<". If none is in view, the window cut the URL, and
      // linking the cut-off part would point somewhere else: leave it as text.
      if (token && view.length < src.length && !/[\s<]/.test(view.slice(token.raw.length))) return undefined;
      return token;
    },
    // Cutting a run of text only splits it into two text tokens, which render the same.
    inlineText(src: string) {
      return Tokenizer.prototype.inlineText.call(this, src.slice(0, INLINE_WINDOW));
    },
  },
  renderer: {
    // No src: the sanitizer turns every <img> into a text marker, this one included.
    image({ text, tokens }: Tokens.Image): string {
      const alt = tokens.length > 0 ? this.parser.parseInline(tokens, this.parser.textRenderer) : text;
      return `<img alt="${escapeAttribute(alt)}">`;
    },
    // A task list's <input> is refused by the policy; a text box keeps the meaning.
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked ? "[x] " : "[ ] ";
    },
  },
});

/**
 * Runs a container tokenizer one level deeper, or declines (the text is then read as a
 * paragraph) once the level is too deep. Nested levels call back in before this one returns.
 */
function withDepth<T>({ kind, tokenize }: { kind: keyof typeof MAX_DEPTH; tokenize: () => T }): T | undefined {
  if (depth[kind] >= MAX_DEPTH[kind]) return undefined;
  depth[kind]++;
  try {
    return tokenize();
  } finally {
    depth[kind]--;
  }
}

/**
 * Cuts the emphasis rules' view of the paragraph around the current position. `maskedSrc` is the
 * whole inline text and `src` its unparsed tail; marked computes the tail's offset from their
 * lengths and scans `maskedSrc` in full on every call, so both ends of it are cut.
 */
function emphasisView({ src, maskedSrc }: { src: string; maskedSrc: string }): { src: string; maskedSrc: string } {
  const offset = maskedSrc.length - src.length;
  if (src.length <= EMPHASIS_WINDOW && offset <= EMPHASIS_LOOK_BEHIND) return { src, maskedSrc };
  const start = Math.max(0, offset - EMPHASIS_LOOK_BEHIND);
  return { src: src.slice(0, EMPHASIS_WINDOW), maskedSrc: maskedSrc.slice(start, offset + EMPHASIS_WINDOW) };
}

/** Past {@link MAX_RAW_HTML_TAGS}, every raw HTML token is shown as its text. */
function limitRawHtml(tokens: Token[]): void {
  const html: Array<Tokens.HTML | Tokens.Tag> = [];
  let startTags = 0;
  marked.walkTokens(tokens, (token) => {
    if (!isHtmlToken(token)) return;
    html.push(token);
    startTags += token.text.match(/<[A-Za-z]/g)?.length ?? 0;
  });
  if (startTags <= MAX_RAW_HTML_TAGS) return;
  for (const token of html) token.text = escapeText(token.text);
}

function isHtmlToken(token: Token): token is Tokens.HTML | Tokens.Tag {
  return token.type === "html";
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

// ---------------------------------------------------------------------------------------------
// Escaping.
// ---------------------------------------------------------------------------------------------

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

function escapeAttribute(text: string): string {
  // Leaves the entities marked has already produced ("&lt;") alone, as its own image renderer does.
  return text.replace(/&(?!#?\w+;)|[<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

function plainTextHtml(markdown: string): string {
  return `<p>${escapeText(markdown).replace(/\r\n?|\n/g, "<br>")}</p>`;
}
