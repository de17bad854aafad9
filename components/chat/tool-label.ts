/**
 * How the chat names the shipped tools for people, and which argument says what a call is about
 * (shown as text, never as a link). A tool not listed here shows its own name and no argument.
 */
export const TOOL_LABELS = {
  fetch_page: { label: "Read a web page", keyArg: "url" },
  search_my_conversations: { label: "Search your conversations", keyArg: "query" },
  save_note: { label: "Save a note", keyArg: "title" },
} as const satisfies Record<string, { label: string; keyArg: string }>;

type Known = keyof typeof TOOL_LABELS;
const isKnown = (name: string): name is Known => Object.hasOwn(TOOL_LABELS, name);

/** The tool's readable name; "A tool" for a call refused before the server named it. */
export function toolLabel(name: string | null): string {
  if (name === null) return "A tool";
  return isKnown(name) ? TOOL_LABELS[name].label : name;
}

/** The argument that says what the call is about (the address, the query, the title), if it is text. */
export function keyArgument({ name, args }: { name: string | null; args: Record<string, unknown> }): string | undefined {
  if (name === null || !isKnown(name)) return undefined;
  const value = args[TOOL_LABELS[name].keyArg];
  return typeof value === "string" && value.trim() ? value : undefined;
}
