import type { AttachmentRef, AttachmentType, Conversation, ConversationSummary, Note, StoredMessage, TokenBudget } from "./types";

// The server is trusted but may be mid-deploy: answers are checked field by field, so an unexpected
// shape becomes a clear "unexpected response" instead of a crash somewhere in the UI.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;
const isTime = (value: unknown): value is string => typeof value === "string" && !Number.isNaN(Date.parse(value));

export function toTokenBudget(value: unknown): TokenBudget | undefined {
  if (!isRecord(value)) return undefined;
  const { limit, used, remaining, resetsAt } = value;
  if (!isCount(limit) || !isCount(used) || !isCount(remaining) || !isTime(resetsAt)) return undefined;
  return { limit, used, remaining, resetsAt };
}

export function toConversationSummary(value: unknown): ConversationSummary | undefined {
  if (!isRecord(value)) return undefined;
  const { id, title, createdAt, updatedAt, messageCount } = value;
  if (typeof id !== "string" || typeof title !== "string" || !isTime(createdAt) || !isTime(updatedAt) || !isCount(messageCount)) {
    return undefined;
  }
  return { id, title, createdAt, updatedAt, messageCount };
}

function toStoredMessage(value: unknown): StoredMessage | undefined {
  if (!isRecord(value)) return undefined;
  const { role, content, createdAt } = value;
  if ((role !== "user" && role !== "assistant") || typeof content !== "string" || typeof createdAt !== "string") return undefined;
  if (value.attachments === undefined) return { role, content, createdAt };
  const attachments = toListOf(value.attachments, toAttachmentRef);
  return attachments && { role, content, createdAt, attachments };
}

const isAttachmentType = (value: unknown): value is AttachmentType =>
  typeof value === "string" && /^(text\/(plain|markdown|csv)|application\/(json|pdf))$/.test(value);

export function toAttachmentRef(value: unknown): AttachmentRef | undefined {
  if (!isRecord(value)) return undefined;
  const { id, name, size, type } = value;
  return typeof id === "string" && typeof name === "string" && isCount(size) && isAttachmentType(type) ? { id, name, size, type } : undefined;
}

export function toConversation(value: unknown): Conversation | undefined {
  const summary = toConversationSummary(value);
  if (!summary || !isRecord(value) || !Array.isArray(value.messages)) return undefined;
  const messages = value.messages.map(toStoredMessage);
  return messages.every((m) => m !== undefined) ? { ...summary, messages } : undefined;
}

/** Every element through `read`, or undefined if any does not fit. */
export function toListOf<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.map(read);
  return items.every((item) => item !== undefined) ? items : undefined;
}

export function toNote(value: unknown): Note | undefined {
  if (!isRecord(value)) return undefined;
  const { id, title, body, createdAt } = value;
  if (typeof id !== "string" || typeof title !== "string" || typeof body !== "string" || !isTime(createdAt)) return undefined;
  return { id, title, body, createdAt };
}
