/**
 * Indirect injection, built from the rows a model is about to learn from: short messages pasted into
 * longer ordinary documents (e-mails, articles, manuals, code), at the start, the end or a sentence
 * break, the way BIPIA and spikee build their sets. An attack inside a document stays an attack; an
 * ordinary request inside one stays ordinary, in equal numbers, so "a document with a sentence in it"
 * is no shortcut. Built per training set (never from a held-out group), deterministic (seeded).
 */
import type { CorpusRow } from "./injection-corpus";
import { prepareRow, seededRandom, type Prepared } from "./injection-train";

/** How many documents of each class are built per training set. */
const PER_CLASS = 1_500;
const SHORT = { min: 15, max: 400 };
const DOCUMENT = { min: 300, max: 4_000 };
export const AUGMENTED_GROUP = "augmented-documents";

/** The offsets where a sentence may go: the start, the end, and after line breaks and full stops. */
function breaks(text: string): number[] {
  const out = [0, text.length];
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i - 1];
    if (c === "\n" || ((c === "." || c === "!" || c === "?") && text[i] === " ")) out.push(i);
  }
  return out;
}

export function augmentDocuments(rows: readonly Prepared[]): Prepared[] {
  const random = seededRandom(2718);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const documents = rows.filter((p) => !p.row.attack && p.row.text.length >= DOCUMENT.min && p.row.text.length <= DOCUMENT.max).map((p) => p.row);
  const short = (attack: boolean) =>
    rows.filter((p) => p.row.attack === attack && p.row.text.length >= SHORT.min && p.row.text.length <= SHORT.max).map((p) => p.row);
  const [attacks, requests] = [short(true), short(false)];
  if (documents.length === 0 || attacks.length === 0 || requests.length === 0) return [];
  const out: Prepared[] = [];
  for (const [pool, attack] of [
    [attacks, true],
    [requests, false],
  ] as const) {
    for (let i = 0; i < PER_CLASS; i++) {
      const document = pick(documents).text;
      const inserted = pick(pool);
      const at = pick(breaks(document));
      const glue = pick(["\n\n", "\n", " ", "\n\n---\n"]);
      const text = `${document.slice(0, at)}${at > 0 ? glue : ""}${inserted.text}${at < document.length ? glue : ""}${document.slice(at)}`;
      const row: CorpusRow = {
        text,
        attack,
        source: AUGMENTED_GROUP,
        group: AUGMENTED_GROUP,
        kind: attack ? "indirect" : "benign-document",
        lang: inserted.lang,
        licence: "MIT",
        shippable: true,
        heldOut: false,
      };
      out.push(prepareRow(row));
    }
  }
  return out;
}
