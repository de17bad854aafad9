import type { Attachment, AttachmentRef } from "@/lib/wire";

/** What the server page hands the chat client: plain, serialisable data only. */
export type ModelOption = { id: string; label: string };

/** `isAdmin` only decides whether the menu links to /admin; the dashboard checks the role itself. */
export type ChatUser = { email: string | null; name: string | null; isAdmin?: boolean };

/**
 * `streaming` while text arrives; `stopped` when the person pressed Stop; `interrupted` when the
 * server or the network ended the reply early (`note` says why).
 */
export type MessageStatus = "done" | "streaming" | "stopped" | "interrupted";

/**
 * A tool call in a reply, as this page saw it: `running` until its result; `done`, `failed` (a
 * refusal or failure, `summary` says which) or `withheld` (its output looked like instructions and
 * was kept from the model). A call that needs the person's approval is `awaiting` until answered,
 * `answering` while the answer is sent, then `approved` or `declined`, or `expired` when the server
 * no longer held it.
 */
export type ToolState = "running" | "done" | "failed" | "withheld" | "awaiting" | "answering" | "approved" | "declined" | "expired";

export type ToolActivity = {
  id: string;
  /** The tool's name as the server sent it; null for a call refused before it was announced. */
  name: string | null;
  /** The validated arguments: shown as text, never as a link or markup. */
  args: Record<string, unknown>;
  state: ToolState;
  summary?: string;
  /** How much of the message's text came before it: the activity is shown at that point. */
  at: number;
};

/** `tools` are kept while the message is on screen; a stored conversation has its text only. */
export type ChatMessage =
  | { id: string; role: "user"; text: string; attachments?: AttachmentRef[] }
  | { id: string; role: "assistant"; text: string; status: MessageStatus; note?: string; tools?: ToolActivity[] };

/** The banner's content; `retryAt` (epoch ms) turns it into a countdown that clears itself. */
export type ChatError = { message: string; retryAt?: number };

/** Whether documents may be attached, and the caps the chips check before uploading (the server checks again). */
export type AttachmentsConfig = { enabled: boolean; maxFileBytes: number; maxPerMessage: number };

/**
 * A document in the composer, before it is sent: `uploading` (with `progress`, 0 to 1) until the
 * server has the bytes, `checking` while it reads and scans them, then `ready` (with the server's
 * `attachment` and its findings) or `failed` (`error` is the server's message; `retry` says whether
 * sending the same file again may work). `notice` is a failure to remove it.
 */
export type AttachmentChip = {
  key: string;
  file: File;
  status: "uploading" | "checking" | "ready" | "failed";
  progress?: number;
  attachment?: Attachment;
  error?: string;
  retry?: boolean;
  removing?: boolean;
  notice?: string;
};

// What the API sends, declared once beside the server code that builds it.
export type {
  Attachment,
  AttachmentFinding,
  AttachmentRef,
  AttachmentType,
  Conversation,
  ConversationSummary,
  Note,
  StoredMessage,
  TokenBudget,
  ToolEvent,
} from "@/lib/wire";
