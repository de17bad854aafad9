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

/**
 * Assembles what the provider receives: exactly one system message, first, written by the server;
 * then the stored history; then the new user text, every user turn fenced as data. Roles are set
 * here and only here.
 */
export function buildPrompt({
  history,
  userText,
  boundary,
  systemPrompt = SYSTEM_PROMPT,
}: {
  history: HistoryTurn[];
  userText: string;
  boundary: string;
  systemPrompt?: string;
}): PromptMessage[] {
  const turns = history.map((turn): PromptMessage =>
    turn.role === "user" ? { role: "user", content: fenceUserText({ text: turn.content, boundary }) } : { role: "assistant", content: turn.content },
  );
  return [
    { role: "system", content: `${systemPrompt}\n\n${fenceInstructions(boundary)}` },
    ...turns,
    { role: "user", content: fenceUserText({ text: userText, boundary }) },
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
