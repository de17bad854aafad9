import "server-only";
import type { ToolName } from "../config/tools";
import { env } from "../env";
import { fetchPage } from "./fetch-page";
import type { Tool } from "./registry";
import { saveNote } from "./save-note";
import { searchMyConversations } from "./search-conversations";

/**
 * Every tool this codebase ships, by name; TOOLS chooses which of them a deployment offers. To add
 * one: declare it with `defineTool` (lib/tools/registry.ts) in a file of its own, add its name to
 * TOOL_NAMES (lib/config/tools.ts), and list it here. README "Tools" says what to think about.
 */
export const CATALOGUE: Record<ToolName, Tool> = {
  fetch_page: fetchPage as Tool,
  search_my_conversations: searchMyConversations as Tool,
  save_note: saveNote as Tool,
};

/** The tools the chat offers the model in this deployment. */
export function enabledTools(): Tool[] {
  return env().tools.enabled.map((name) => CATALOGUE[name]);
}
