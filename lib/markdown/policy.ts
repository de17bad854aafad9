/**
 * The one allow-list for HTML rendered from model output. Model output is untrusted (a prompt
 * injection can steer it), so everything not named here is removed. The renderer enforces this
 * list through DOMPurify and then checks its own output against it again.
 */

/**
 * Elements that may appear in rendered output: what marked emits for ordinary markdown, plus a
 * few inline formatting tags a model may write as raw HTML. No element here loads a resource,
 * submits anything, or changes how its content is parsed (no raw-text or foreign-content
 * elements, which is where mutation XSS lives).
 */
export const ALLOWED_TAGS = [
  "p",
  "br",
  "hr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "strong",
  "em",
  "del",
  "s",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "span",
  "sup",
  "sub",
  "kbd",
] as const;

/** A tag name from {@link ALLOWED_TAGS}. */
export type AllowedTag = (typeof ALLOWED_TAGS)[number];

/**
 * Elements refused outright. The allow-list already excludes them; naming them as well makes
 * DOMPurify refuse them even if another module widens its shared configuration.
 */
export const FORBIDDEN_TAGS = [
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "form",
  "input",
  "button",
  "textarea",
  "select",
  "option",
  "svg",
  "math",
  "img",
  "image",
  "picture",
  "source",
  "video",
  "audio",
  "track",
  "link",
  "meta",
  "base",
  "template",
  "noscript",
  "noembed",
  "noframes",
  "xmp",
  "plaintext",
  "title",
  "details",
  "summary",
  "dialog",
  "portal",
  "marquee",
] as const;

/**
 * Forbidden elements whose content goes with them. Their content is code, styles or a nested
 * document, never prose meant for the reader, so keeping it as text would only show garbage.
 * Other refused elements (a `<div>`, a `<font>`) are unwrapped and their text kept.
 */
export const DROP_WITH_CONTENT = [
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "svg",
  "math",
  "template",
  "noscript",
  "noembed",
  "noframes",
  "xmp",
  "plaintext",
  "title",
  "textarea",
  "select",
  "option",
  "audio",
  "video",
] as const;

/**
 * Attributes refused on every element, whatever the allow-lists say: event handlers are refused
 * by prefix (see {@link EVENT_HANDLER_PREFIX}); these are the rest. `id` and `name` allow DOM
 * clobbering of the page's globals; the others fetch a resource or run script.
 */
export const FORBIDDEN_ATTRIBUTES = [
  "style",
  "id",
  "name",
  "src",
  "srcset",
  "srcdoc",
  "background",
  "poster",
  "data",
  "action",
  "formaction",
  "xlink:href",
  "xmlns",
  "ping",
  "lowsrc",
  "dynsrc",
  "is",
] as const;

/** Any attribute whose name starts with this is an event handler and is refused. */
export const EVENT_HANDLER_PREFIX = "on";

/**
 * Checks on an attribute value: `null` accepts any value (DOMPurify has already refused
 * script-like content), a pattern must match the whole value.
 */
export type AttributeRule = RegExp | null;

/** Attributes allowed on every element of {@link ALLOWED_TAGS}. */
export const GLOBAL_ATTRIBUTES = {
  title: null,
} as const satisfies Readonly<Record<string, AttributeRule>>;

const TABLE_CELL_ATTRIBUTES = {
  align: /^(?:left|center|right)$/,
  colspan: /^[1-9]\d{0,2}$/,
  rowspan: /^[1-9]\d{0,2}$/,
} as const satisfies Readonly<Record<string, AttributeRule>>;

/**
 * Attributes allowed on one element only. `class` is limited to values the app's stylesheet
 * expects, so injected output cannot borrow page classes to overlay or restyle the UI.
 */
export const ELEMENT_ATTRIBUTES = {
  a: { href: null },
  code: { class: /^language-[A-Za-z0-9_+#.-]{1,40}$/ },
  span: { class: /^blocked-image$/ },
  ol: { start: /^\d{1,9}$/ },
  th: TABLE_CELL_ATTRIBUTES,
  td: TABLE_CELL_ATTRIBUTES,
} as const satisfies Readonly<Partial<Record<AllowedTag, Readonly<Record<string, AttributeRule>>>>>;

/**
 * Link schemes that may be followed, as `URL.protocol` spells them. Relative links are refused
 * too: they would point into this app, where a crafted path is a request the user did not mean.
 */
export const ALLOWED_LINK_PROTOCOLS = ["http:", "https:", "mailto:"] as const;

/**
 * DOMPurify's own check of attribute values, which it applies to every attribute it does not know
 * to be plain text (so to `start` and `align` as well as `href`): DOMPurify's default shape, with
 * only our schemes. Values that name no scheme pass here; the renderer then parses every kept
 * href with URL and refuses anything but {@link ALLOWED_LINK_PROTOCOLS}.
 */
export const ALLOWED_URI_PATTERN = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/** Attributes set on every kept link: opens outside the app, sends no referrer or opener. */
export const LINK_ATTRIBUTES = {
  target: "_blank",
  rel: "noopener noreferrer nofollow",
} as const;

/** Class of the marker that stands in for an image, which is never loaded. */
export const BLOCKED_IMAGE_CLASS = "blocked-image";

/** Tooltip of the marker that stands in for an image. */
export const BLOCKED_IMAGE_TITLE = "Image not loaded";

/** Alt text longer than this is cut: the marker is a hint, not a place to carry a payload. */
export const BLOCKED_IMAGE_ALT_MAX = 200;
