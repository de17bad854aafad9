/** What the server page hands the chat client: plain, serialisable data only. */
export type ModelOption = { id: string; label: string };

/** `isAdmin` only decides whether the menu links to /admin; the dashboard checks the role itself. */
export type ChatUser = { email: string | null; name: string | null; isAdmin?: boolean };

/**
 * `streaming` while text arrives; `stopped` when the person pressed Stop; `interrupted` when the
 * server or the network ended the reply early (`note` says why).
 */
export type MessageStatus = "done" | "streaming" | "stopped" | "interrupted";

export type ChatMessage = { id: string; role: "user"; text: string } | { id: string; role: "assistant"; text: string; status: MessageStatus; note?: string };

/** The banner's content; `retryAt` (epoch ms) turns it into a countdown that clears itself. */
export type ChatError = { message: string; retryAt?: number };

// What the API sends, declared once beside the server code that builds it.
export type { Conversation, ConversationSummary, StoredMessage, TokenBudget } from "@/lib/wire";
