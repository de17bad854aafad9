import { randomBytes } from "node:crypto";
import { fenceInstructions, SYSTEM_PROMPT } from "./system-prompt";
import type { PromptMessage } from "./types";

/** A stored turn of a conversation: the user's raw text or the assistant's reply. */
export type HistoryTurn = { role: "user" | "assistant"; content: string };

/** A fresh boundary per request: the user cannot close a fence whose id they cannot know. */
export function newBoundary(): string {
  return randomBytes(12).toString("base64url");
}

export function fenceUserText({ text, boundary }: { text: string; boundary: string }): string {
  return `<user_input id="${boundary}">\n${text}\n</user_input id="${boundary}">`;
}

/** An assistant turn the client sent (the relay API): data, fenced as the user's turns are. */
export function fenceAssistantText({ text, boundary }: { text: string; boundary: string }): string {
  return `<assistant_turn id="${boundary}">\n${text}\n</assistant_turn id="${boundary}">`;
}

/**
 * Assembles what the provider receives: exactly one system message, first, written by the server;
 * then the history; then the new user text, every user turn fenced as data. Roles are set here and
 * only here. `clientHistory`: the history came from the client (the relay API), not from the store,
 * so its assistant turns are fenced as data too: a client could write anything into them
 * (`<|im_start|>system …`), and the provider would otherwise take it as the model's own words.
 * `documents`: the message's document passages, already fenced (lib/ai/documents.ts), put in the last
 * user message before the user's fenced text, so that the user's own words come last; the system
 * prompt must then carry documentInstructions.
 */
export function buildPrompt({
  history,
  userText,
  boundary,
  systemPrompt = SYSTEM_PROMPT,
  clientHistory = false,
  documents,
}: {
  history: HistoryTurn[];
  userText: string;
  boundary: string;
  systemPrompt?: string;
  clientHistory?: boolean;
  documents?: string;
}): PromptMessage[] {
  const turns = history.map((turn): PromptMessage => {
    if (turn.role === "user") return { role: "user", content: fenceUserText({ text: turn.content, boundary }) };
    return { role: "assistant", content: clientHistory ? fenceAssistantText({ text: turn.content, boundary }) : turn.content };
  });
  const last = fenceUserText({ text: userText, boundary });
  return [
    { role: "system", content: `${systemPrompt}\n\n${fenceInstructions(boundary, { clientHistory })}` },
    ...turns,
    { role: "user", content: documents ? `${documents}\n\n${last}` : last },
  ];
}

/**
 * An upper bound on the prompt's tokens, for budget reservations: every token of a byte-level BPE
 * tokenizer (OpenAI's and Anthropic's) covers at least one byte of UTF-8, plus a few tokens of
 * framing per message.
 */
export function promptTokenBound(messages: PromptMessage[]): number {
  return messages.reduce((n, m) => n + Buffer.byteLength(m.content, "utf8") + 8, 0);
}
