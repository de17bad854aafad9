/**
 * Documents as a tool returns them, for `npm run eval:tool-output`: units of an ordinary source packed
 * into pages of a given length, cut at a paragraph or line break, headed as fetch_page heads a page;
 * and an attack placed at the start, in the middle (the paragraph break nearest the middle) or at the
 * end, on a paragraph of its own.
 */
import type { Unit } from "./tool-output-data";

export type Position = "start" | "middle" | "end";
export const POSITIONS: readonly Position[] = ["start", "middle", "end"];

/** The head fetch_page puts before a page's text (lib/tools/fetch-page.ts), with a documentation address. */
export function asFetchedPage({ body, source, n }: { body: string; source: string; n: number }): string {
  return `Address: https://example.com/${source}/${n}\n\n${body}`;
}

/** Where to cut near `at`: the last paragraph break, else line break, else sentence end, else space, in the last quarter before it. */
function breakBefore(text: string, at: number): number {
  const from = Math.floor(at * 0.75);
  for (const mark of ["\n\n", "\n", ". ", " "]) {
    const i = text.lastIndexOf(mark, at - mark.length);
    if (i >= from) return i + (mark === ". " ? 1 : 0);
  }
  return at;
}

/** `text` cut to at most `length` characters at a break. */
export function cutTo(text: string, length: number): string {
  return text.length <= length ? text : text.slice(0, breakBefore(text, length)).trimEnd();
}

/**
 * Units packed in order into pages of a length drawn from [min, max], without reuse; a unit longer than
 * the page is cut and its rest dropped; a last page shorter than `min` is dropped.
 */
export function packPages({ units, min, max, random }: { units: readonly Unit[]; min: number; max: number; random: () => number }): string[] {
  const pages: string[] = [];
  let page = "";
  let target = min + random() * (max - min);
  for (const unit of units) {
    page = page === "" ? unit.text : `${page}\n\n${unit.text}`;
    if (page.length >= target) {
      pages.push(cutTo(page, Math.round(target)));
      page = "";
      target = min + random() * (max - min);
    }
  }
  if (page.length >= min) pages.push(page);
  return pages;
}

/** A page of about `length` characters: units from a seeded start, in order, wrapping round, then cut. */
export function pageOfLength({ units, length, random }: { units: readonly Unit[]; length: number; random: () => number }): string {
  if (units.length === 0) throw new Error("no units to build a page from");
  const start = Math.floor(random() * units.length);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < length && i < units.length * 50; i++) {
    const unit = units[(start + i) % units.length] as Unit;
    parts.push(unit.text);
    size += unit.text.length + 2;
  }
  return cutTo(parts.join("\n\n"), length);
}

/** The attack on a paragraph of its own at `position` of the page's text. */
export function insertAt({ page, attack, position }: { page: string; attack: string; position: Position }): string {
  if (position === "start") return `${attack}\n\n${page}`;
  if (position === "end") return `${page}\n\n${attack}`;
  const middle = Math.floor(page.length / 2);
  let at = middle;
  for (const mark of ["\n\n", "\n", ". ", " "]) {
    const before = page.lastIndexOf(mark, middle);
    const after = page.indexOf(mark, middle);
    const best = [before, after]
      .filter((i) => i >= page.length * 0.25 && i <= page.length * 0.75)
      .sort((x, y) => Math.abs(x - middle) - Math.abs(y - middle))[0];
    if (best !== undefined) {
      at = best + (mark === ". " ? 1 : 0);
      break;
    }
  }
  return `${page.slice(0, at).trimEnd()}\n\n${attack}\n\n${page.slice(at).trimStart()}`;
}

/**
 * The attack inside a paragraph: after the sentence end nearest the middle of the page (else the
 * nearest space), joined by spaces, as an attacker who does not give it a paragraph of its own writes it.
 */
export function insertInline({ page, attack }: { page: string; attack: string }): string {
  const middle = Math.floor(page.length / 2);
  for (const mark of [". ", " "]) {
    const before = page.lastIndexOf(mark, middle);
    const after = page.indexOf(mark, middle);
    const best = [before, after]
      .filter((i) => i >= page.length * 0.25 && i <= page.length * 0.75)
      .sort((x, y) => Math.abs(x - middle) - Math.abs(y - middle))[0];
    if (best !== undefined) {
      const at = best + mark.length - 1;
      return `${page.slice(0, at)} ${attack}${page.slice(at)}`;
    }
  }
  return `${page} ${attack}`;
}
