import { requestJson, type ApiResult } from "./api-client";
import { isRecord, toConversation, toConversationSummary, toListOf } from "./api-shapes";
import type { Conversation, ConversationSummary } from "./types";

// The calls behind the conversation list. Like openChatStream, failures are values with the
// server's message, so each caller decides where to show it.

const path = (id: string) => `/api/conversations/${encodeURIComponent(id)}`;

/** The user's conversations, most recently updated first. */
export function listConversations({ signal }: { signal?: AbortSignal } = {}): Promise<ApiResult<ConversationSummary[]>> {
  return requestJson({
    path: "/api/conversations",
    read: (json) => (isRecord(json) ? toListOf(json.conversations, toConversationSummary) : undefined),
    signal,
  });
}

/** One conversation with its stored messages; 404 `conversation_not_found` when it is gone. */
export function getConversation({ id, signal }: { id: string; signal?: AbortSignal }): Promise<ApiResult<Conversation>> {
  return requestJson({ path: path(id), read: (json) => (isRecord(json) ? toConversation(json.conversation) : undefined), signal });
}

/** Renames a conversation; the server trims the title and wants 1 to 100 characters. */
export function renameConversation({ id, title }: { id: string; title: string }): Promise<ApiResult<ConversationSummary>> {
  return requestJson({
    path: path(id),
    method: "PATCH",
    body: { title },
    read: (json) => (isRecord(json) ? toConversationSummary(json.conversation) : undefined),
  });
}

export function deleteConversation({ id }: { id: string }): Promise<ApiResult<true>> {
  return requestJson({ path: path(id), method: "DELETE", read: () => true });
}

/** Deletes all of the user's conversations; answers how many there were. */
export function deleteAccountData(): Promise<ApiResult<number>> {
  return requestJson({
    path: "/api/account/data",
    method: "DELETE",
    read: (json) => (isRecord(json) && typeof json.deletedConversations === "number" ? json.deletedConversations : undefined),
  });
}
