import { TITLE_MAX_CHARS } from "@/lib/ai/titles";

/** The server's rules (lib/ai/titles.ts), shared so titles match before and after a reload. */
export { TITLE_MAX_CHARS, titleFrom as titleFromMessage } from "@/lib/ai/titles";

/** Why a title would be refused, or null when it is fine. */
export function titleProblem(title: string): string | null {
  const length = title.trim().length;
  if (length === 0) return "Give the conversation a title.";
  if (length > TITLE_MAX_CHARS) return `A title can be at most ${TITLE_MAX_CHARS} characters.`;
  return null;
}
