import "server-only";
import { z } from "zod";
import { conversationStore } from "../conversations/store";
import { storeOp } from "../store/call";
import { defineTool } from "./registry";

/**
 * `search_my_conversations {query}` (read-own-data): finds the person's own earlier conversations by
 * title and text. It reads through the conversation store with the caller's user id, the only
 * identity a tool has, so no argument can reach anyone else's conversations: there is no argument
 * that names a user at all.
 */

/** The most recent conversations searched, and the matches returned. */
export const SEARCH_LIMITS = { conversations: 50, results: 5, snippetChars: 240, queryChars: 200 } as const;

export const searchMyConversations = defineTool({
  name: "search_my_conversations",
  description:
    "Search the user's own earlier conversations in this app by words in their titles and messages. Returns the best matches with their titles, dates and short excerpts.",
  args: z.strictObject({ query: z.string().trim().min(2).max(SEARCH_LIMITS.queryChars) }),
  privilege: "read-own-data",
  needsApproval: false,
  rateLimit: "30/60s",
  outputCapChars: 4_000,
  async run({ query }, { userId, conversationId, signal }) {
    const store = await storeOp("conversations.open", conversationStore);
    const listed = await storeOp("conversations.list", () => store.list({ userId }));
    const terms = [
      ...new Set(
        query
          .toLowerCase()
          .split(/\s+/)
          .filter((t) => t.length > 1),
      ),
    ];
    const found: { title: string; updatedAt: string; score: number; snippet: string }[] = [];
    for (const summary of listed.slice(0, SEARCH_LIMITS.conversations)) {
      if (signal.aborted) break;
      if (summary.id === conversationId) continue; // this conversation is already in the model's context
      const conversation = await storeOp("conversations.get", () => store.get({ userId, conversationId: summary.id }));
      if (!conversation) continue;
      const texts = [conversation.title, ...conversation.messages.map((m) => m.content)];
      const lower = texts.map((t) => t.toLowerCase());
      const score = terms.reduce((n, term) => n + lower.reduce((m, t) => m + occurrences(t, term), 0), 0);
      const covered = terms.every((term) => lower.some((t) => t.includes(term)));
      if (score === 0 || !covered) continue;
      const best = texts.find((_, i) => terms.some((term) => lower[i]?.includes(term))) ?? "";
      found.push({ title: conversation.title, updatedAt: conversation.updatedAt, score, snippet: snippet(best, terms) });
    }
    found.sort((a, b) => b.score - a.score || b.updatedAt.localeCompare(a.updatedAt));
    const top = found.slice(0, SEARCH_LIMITS.results);
    const content =
      top.length === 0
        ? `No earlier conversation matches "${query}".`
        : top.map((r, i) => `${i + 1}. "${r.title}" (${r.updatedAt.slice(0, 10)})\n   …${r.snippet}…`).join("\n");
    return { content, summary: top.length === 0 ? "No matching conversations" : `Found ${top.length} matching conversation${top.length === 1 ? "" : "s"}` };
  },
});

function occurrences(text: string, term: string): number {
  let count = 0;
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) count++;
  return count;
}

/** About SEARCH_LIMITS.snippetChars of `text` around the first term found, on one line. */
function snippet(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  const at = Math.max(0, Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0)));
  const start = Math.max(0, at - SEARCH_LIMITS.snippetChars / 3);
  return text
    .slice(start, start + SEARCH_LIMITS.snippetChars)
    .replace(/\s+/g, " ")
    .trim();
}
