/**
 * Conversation titles, one rule for server and browser: the store titles a new conversation after
 * its first message, and the chat page shows the same title before the list is reloaded.
 */
export const TITLE_MAX_CHARS = 100;
const NEW_TITLE_CHARS = 60;

/** Whitespace collapsed, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= NEW_TITLE_CHARS) return flat || "New chat";
  const cut = flat.slice(0, NEW_TITLE_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
