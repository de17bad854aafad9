/**
 * Reading the XSS payload lists and the CommonMark spec examples of shared/data/xss, as
 * tests/unit/markdown.test.ts and the guard evaluation both need them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Markdown contexts each payload is also rendered in: raw HTML is not the only way in. */
export const CONTEXTS: ReadonlyArray<{ name: string; wrap: (payload: string) => string }> = [
  { name: "as-is", wrap: (p) => p },
  { name: "list item", wrap: (p) => `- ${p}` },
  { name: "link text", wrap: (p) => `[${p}](https://example.com/)` },
  { name: "link destination", wrap: (p) => `[x](${p})` },
  { name: "image alt", wrap: (p) => `![${p}](https://example.com/x.png)` },
];

/** The non-blank lines of a file. */
export function readLines(file: string): string[] {
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
}

/** A list of handler names becomes elements carrying each handler, on a plain element and on links. */
function handlerPayloads(names: string[]): string[] {
  return names.flatMap((name) => [
    `<div ${name}=alert(1)>x</div>`,
    `<a href=x ${name}=alert(1)>x</a>`,
    `<a href="https://example.com/" ${name}=alert(1)>x</a>`,
  ]);
}

/** URL-encoded payloads are checked as written and decoded (with and without "+" as a space). */
function withDecoded(lines: string[]): string[] {
  const decode = (text: string) => text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return [...new Set(lines.flatMap((line) => [line, decode(line), decode(line.replaceAll("+", " "))]))];
}

async function dompurifyPayloads(file: string): Promise<string[]> {
  const module: unknown = await import(/* @vite-ignore */ pathToFileURL(file).href);
  const fixtures = (module as { default?: unknown }).default;
  if (!Array.isArray(fixtures)) throw new Error(`${file} does not export an array`);
  return fixtures.flatMap((fixture: unknown) => {
    const payload = (fixture as { payload?: unknown } | null)?.payload;
    return typeof payload === "string" ? [payload] : [];
  });
}

/** The payloads of one file of shared/data/xss, in the form each file needs. */
export async function payloadsOf(file: string): Promise<string[]> {
  const name = path.basename(file);
  if (name === "xss_dompurify_expect.mjs") return dompurifyPayloads(file);
  if (name.endsWith("_event_handlers.txt")) return handlerPayloads(readLines(file).map((line) => line.trim()));
  if (name === "xss_patt_XSSDetection.txt") return withDecoded(readLines(file));
  return readLines(file);
}

export type SpecExample = { number: number; section: string; markdown: string; html: string };

const FENCE = "`".repeat(32);

/** The examples of the CommonMark spec: markdown, a "." line, the expected HTML; "→" is a tab. */
export function specExamples(text: string): SpecExample[] {
  const examples: SpecExample[] = [];
  let section = "";
  let current: { markdown: string[]; html: string[]; inHtml: boolean } | null = null;
  for (const line of text.split("\n")) {
    if (current === null) {
      if (line === `${FENCE} example`) current = { markdown: [], html: [], inHtml: false };
      else if (/^#{1,6} /.test(line)) section = line.replace(/^#+ /, "").trim();
      continue;
    }
    if (line === FENCE) {
      const untab = (lines: string[]) => lines.join("\n").replaceAll("→", "\t");
      examples.push({ number: examples.length + 1, section, markdown: `${untab(current.markdown)}\n`, html: untab(current.html) });
      current = null;
    } else if (!current.inHtml && line === ".") current.inHtml = true;
    else (current.inHtml ? current.html : current.markdown).push(line);
  }
  return examples;
}
