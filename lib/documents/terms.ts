/**
 * Terms for the BM25 ranking of passages (lib/documents/context.ts): lower-cased, English function
 * words dropped (they match every chunk, so "what does this say" would otherwise look like a query
 * with content), and plural and possessive endings stripped (Harman's S-stemmer), so that "invoices"
 * finds "invoice". A query also drops the words that ask for a task rather than name a topic
 * ("summarise this document"): such a query matches nothing, and the opening passages are taken.
 */

const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by can could " +
    "did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into " +
    "is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she " +
    "should so some such than that the their theirs them themselves then there these they this those through to too under until up very " +
    "was we were what when where which while who whom why will with would you your yours yourself yourselves s t d ll m re ve"
  ).split(" "),
);

/** Words of a request that say what to do with the document, not what to look for in it. */
const TASK_WORDS = new Set(
  (
    "summarise summarize summary summaries overview explain describe tell give show list read please document documents file files " +
    "attachment attachments attached text pdf csv json page pages say says said mention mentions mentioned according"
  ).split(" "),
);

/** Harman's S-stemmer: "-ies" → "-y", "-es" → "-e", "-s" → "", except "-aies", "-eies", "-oes", "-ss", "-us" and the like. */
function stem(term: string): string {
  if (term.endsWith("'s") || term.endsWith("\u2019s")) return term.slice(0, -2);
  if (term.length <= 3 || !term.endsWith("s")) return term;
  if (term.endsWith("ies") && !term.endsWith("eies") && !term.endsWith("aies")) return `${term.slice(0, -3)}y`;
  if (term.endsWith("es") && !term.endsWith("aes") && !term.endsWith("ees") && !term.endsWith("oes")) return term.slice(0, -1);
  if (term.endsWith("us") || term.endsWith("ss")) return term;
  return term.slice(0, -1);
}

/** A term of a chunk as indexed, or null for a function word. */
export function indexTerm(raw: string): string | null {
  const term = raw.toLowerCase();
  if (term === "" || STOP_WORDS.has(term)) return null;
  return stem(term);
}

/** A term of the query: as indexed, and null for a word that names a task rather than a topic. */
export function queryTerm(raw: string): string | null {
  const term = raw.toLowerCase();
  if (TASK_WORDS.has(term)) return null;
  return indexTerm(term);
}
