import type { HistoryTurn } from "../ai/prompt";
import type { CompletionRequest } from "./openai-schema";

/**
 * A client's message list as the chat pipeline takes it: the history, then the new user text.
 * Consecutive messages of one role are joined (providers want turns that alternate), so a client
 * that sends two user messages in a row loses nothing.
 */
export function toConversation(messages: CompletionRequest["messages"]): { history: HistoryTurn[]; text: string } {
  const turns: HistoryTurn[] = [];
  for (const message of messages) {
    const role = message.role as HistoryTurn["role"];
    const last = turns.at(-1);
    if (last?.role === role) last.content = `${last.content}\n\n${message.content}`;
    else turns.push({ role, content: message.content });
  }
  const final = turns.pop();
  return { history: turns, text: final?.content ?? "" };
}
