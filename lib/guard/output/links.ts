import { ForwardSearch, InlineScan, type LinkSink } from "./inline-scan";
import { carriesData, linkVerdict, type LinkVerdict } from "./link-urls";
import { splitBlocks } from "./markdown-blocks";

/**
 * The link audit of a finished reply. The renderer already neutralises everything reported here
 * (images are never loaded, refused links become text, raw HTML is sanitized); this makes a blocked
 * exfiltration attempt visible server-side as well, as an audit event.
 *
 * The reply is read with a purpose-built linear scanner rather than marked's lexer: on crafted
 * input marked takes seconds per megabyte even with lib/markdown/parse.ts's windows (a megabyte of
 * `!` takes about ten), and this runs on every reply. The scanner follows CommonMark where it
 * matters (code spans and fenced code hide links, reference definitions resolve, destinations may
 * be in angle brackets, hold balanced parentheses, escapes and character references) and errs
 * towards reporting elsewhere (see ./markdown-blocks). Replies too long to render are still audited.
 */

/** What the audit can report. */
export const LINK_SIGNALS = [
  /** A markdown image (inline or by reference) or a raw `<img>`/`<image>` (even one that renders as text): never loaded. */
  "image",
  /** An image whose URL looks like it carries data out (see ./link-urls). */
  "image_exfil_query",
  /** A link to a scheme the renderer refuses: javascript:, data:, vbscript:, file:, … */
  "link_scheme",
  /** A link with no scheme: relative links are refused too (they would point into this app). */
  "link_relative",
  /** A link, followed or refused, whose URL looks like it carries data out. */
  "link_exfil_query",
  /** Raw HTML other than an image or a link that names a URL to fetch (`<iframe src>`, `<video poster>`, a form's action): removed. */
  "html_resource",
  /** Such a resource whose URL looks like it carries data out. */
  "resource_exfil_query",
] as const;

export type LinkSignal = (typeof LINK_SIGNALS)[number];

/** The audit of one reply: the signals that fired, images seen, links the renderer refuses. */
export type LinkAudit = { signals: LinkSignal[]; images: number; blockedLinks: number };

export function auditLinks(markdown: string): LinkAudit {
  const tally = new Tally();
  const { segments, definitions } = splitBlocks(markdown);
  const commentEnds = new ForwardSearch({ src: markdown, needle: "-->" });
  for (const segment of segments) new InlineScan({ src: markdown, segment, definitions, sink: tally, commentEnds }).run();
  return tally.result();
}

/** What is known of one URL: the renderer's verdict, and whether it carries data as a link or as a fetched resource. */
type Judgement = { verdict: LinkVerdict; link: boolean; resource: boolean };

/** Distinct URLs whose verdicts one audit remembers: a hostile reply tends to repeat one URL. */
const MEMO_SIZE = 256;

class Tally implements LinkSink {
  readonly #signals = new Set<LinkSignal>();
  readonly #memo = new Map<string, Judgement>();
  #images = 0;
  #blockedLinks = 0;

  image(urls: string[]): void {
    this.#images++;
    this.#signals.add("image");
    if (urls.some((href) => this.#judge(href).resource)) this.#signals.add("image_exfil_query");
  }

  link(href: string): void {
    const { verdict, link } = this.#judge(href);
    if (verdict !== "allowed") {
      this.#blockedLinks++;
      this.#signals.add(verdict === "scheme" ? "link_scheme" : "link_relative");
    }
    if (verdict !== "scheme" && link) this.#signals.add("link_exfil_query");
  }

  resource(href: string): void {
    this.#signals.add("html_resource");
    if (this.#judge(href).resource) this.#signals.add("resource_exfil_query");
  }

  result(): LinkAudit {
    return { signals: LINK_SIGNALS.filter((s) => this.#signals.has(s)), images: this.#images, blockedLinks: this.#blockedLinks };
  }

  #judge(href: string): Judgement {
    const known = this.#memo.get(href);
    if (known !== undefined) return known;
    const judged = { verdict: linkVerdict(href), link: carriesData({ href, resource: false }), resource: carriesData({ href, resource: true }) };
    if (this.#memo.size < MEMO_SIZE) this.#memo.set(href, judged);
    return judged;
  }
}
