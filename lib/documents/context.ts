/**
 * Which document text goes into the prompt for one message. Documents that fit the budget go whole;
 * otherwise they are cut into chunks (lib/documents/chunks.ts) and the chunks most relevant to the
 * message are chosen by BM25 (MiniSearch's BM25+). The index is built per call, in memory, from the
 * documents given and nothing else, and dropped when the call returns: nothing is persisted, and
 * nothing of it but the chosen passages leaves this function.
 */
import MiniSearch from "minisearch";
import type { AttachmentType } from "../wire";
import { chunkText } from "./chunks";
import { indexTerm, queryTerm } from "./terms";

/** A document's text, as read and checked at upload. `current`: attached to the message being answered. */
export type DocumentText = { id: string; name: string; type: AttachmentType; text: string; current: boolean };

/**
 * Text of one document for the prompt: the whole of it (`whole`, part 1 of 1), or one of its `parts`
 * chunks, numbered from 1.
 */
export type Passage = { id: string; name: string; type: AttachmentType; text: string; part: number; parts: number; whole: boolean };

type Chunk = { doc: number; index: number; text: string };

/** The current message's documents first, then the earlier ones, newest first (`documents` is oldest first). */
function inPriorityOrder(documents: DocumentText[]): DocumentText[] {
  return [...documents.filter((d) => d.current), ...documents.filter((d) => !d.current).reverse()];
}

const tokenize = MiniSearch.getDefault("tokenize") as (text: string) => string[];

/**
 * Chunk ids by BM25 score, best first; ties go to the current documents, then to priority order, then
 * to the earlier chunk. Each query term counts once, and the score is BM25's own sum over the terms:
 * MiniSearch multiplies it by the number of terms matched, which lets a chunk holding several of a
 * question's common words ("find", "value", "paid") outrank the one that holds its rare one ("Mixpanel").
 */
function ranked({ chunks, query, current }: { chunks: Chunk[]; query: string; current: (doc: number) => boolean }): number[] {
  const terms = [...new Set(tokenize(query).flatMap((word) => queryTerm(word) ?? []))];
  if (terms.length === 0) return [];
  const index = new MiniSearch<{ id: number; text: string }>({ fields: ["text"], idField: "id", processTerm: indexTerm });
  index.addAll(chunks.map((chunk, id) => ({ id, text: chunk.text })));
  const results = index.search(terms.join(" "), { tokenize: (q) => q.split(" "), processTerm: (term) => term, combineWith: "OR" });
  const byId = (id: number) => chunks[id] as Chunk;
  return results
    .map((r) => ({ id: r.id as number, score: r.score / Math.max(1, r.queryTerms.length) }))
    .sort((a, b) => {
      if (b.score !== a.score) return b.score - a.score;
      const [x, y] = [byId(a.id), byId(b.id)];
      return Number(current(y.doc)) - Number(current(x.doc)) || x.doc - y.doc || x.index - y.index;
    })
    .map((r) => r.id);
}

/**
 * The opening chunks, for a query with nothing to match (or budget left after the matches): the
 * current documents first, taking each one's first chunk, then each one's second…; then the rest, alike.
 */
function openingOrder({ chunks, current }: { chunks: Chunk[]; current: (doc: number) => boolean }): number[] {
  return chunks
    .map((chunk, id) => ({ chunk, id }))
    .sort((a, b) => Number(current(b.chunk.doc)) - Number(current(a.chunk.doc)) || a.chunk.index - b.chunk.index || a.chunk.doc - b.chunk.doc)
    .map((c) => c.id);
}

/**
 * The passages of `documents` (oldest first) for a message asking `query`, within `budgetChars`
 * characters of passage text in all (exactly: the sum of `text.length` never passes it). Passages come
 * in document order (current documents first, then the earlier ones, newest first), then chunk
 * order, so that the model reads each document's passages in sequence.
 */
export function selectPassages({ documents, query, budgetChars }: { documents: DocumentText[]; query: string; budgetChars: number }): Passage[] {
  const docs = inPriorityOrder(documents);
  const total = docs.reduce((n, d) => n + d.text.length, 0);
  if (total <= budgetChars) {
    return docs.filter((d) => d.text !== "").map((d) => ({ id: d.id, name: d.name, type: d.type, text: d.text, part: 1, parts: 1, whole: true }));
  }
  if (budgetChars <= 0) return [];

  const perDoc = docs.map((d) => chunkText({ text: d.text, type: d.type, max: budgetChars }));
  const chunks: Chunk[] = perDoc.flatMap((texts, doc) => texts.map((text, index) => ({ doc, index, text })));
  const current = (doc: number) => docs[doc]?.current === true;

  const chosen = new Set<number>();
  let left = budgetChars;
  for (const id of [...ranked({ chunks, query, current }), ...openingOrder({ chunks, current })]) {
    const size = (chunks[id] as Chunk).text.length;
    if (chosen.has(id) || size > left) continue;
    chosen.add(id);
    left -= size;
  }

  return [...chosen]
    .sort((a, b) => a - b) // chunk ids run in document order, then chunk order
    .map((id) => {
      const chunk = chunks[id] as Chunk;
      const doc = docs[chunk.doc] as DocumentText;
      const parts = perDoc[chunk.doc]?.length ?? 1;
      return { id: doc.id, name: doc.name, type: doc.type, text: chunk.text, part: chunk.index + 1, parts, whole: parts === 1 };
    });
}
