/**
 * The shapes the API sends and the browser reads, declared once: the routes and the stores build
 * them, the chat and settings pages import them, so the two sides cannot drift apart. Types only
 * (nothing here reaches a bundle), and free of server imports, so client code may import it. Times
 * are ISO 8601 strings, as JSON carries them.
 */

/** A user's daily token budget (`GET /api/usage`, and `done` events): `resetsAt` is the next 00:00 UTC. */
export type TokenBudget = { limit: number; used: number; remaining: number; resetsAt: string };

/** One conversation in the list, as `GET /api/conversations` sends it. */
export type ConversationSummary = { id: string; title: string; createdAt: string; updatedAt: string; messageCount: number };

/**
 * One stored turn of a conversation, as `GET /api/conversations/:id` sends it. A user turn lists the
 * documents it carried (`attachments`), each downloadable by its owner at `/api/attachments/:id`
 * until it or the conversation is deleted.
 */
export type StoredMessage = { role: "user" | "assistant"; content: string; createdAt: string; attachments?: AttachmentRef[] };

/** The kinds of document that may be attached, recognised by their content, never by the name. */
export type AttachmentType = "text/plain" | "text/markdown" | "text/csv" | "application/json" | "application/pdf";

/**
 * What the checks at upload found in a document, for the person to see on its chip (and for the
 * audit log, as metadata). `message` is written for the person; the rest is for code.
 * - `invisible_characters`: zero-width, bidi-control or tag characters, removed before anything reads the text;
 * - `hidden_text`: PDF text drawn too small to read, in white, or invisible (`how`);
 * - `instructions`: text addressed to an AI (to ignore the user, call tools, send data somewhere,
 *   change its behaviour): `likely` or `suspicious`, with the detector's signals;
 * - `personal_data`: email addresses, phone and card numbers and the like: replaced by placeholders
 *   before the model sees them (`redacted`), or only reported (`flagged`), as GUARD_PII says.
 */
export type AttachmentFinding =
  | { kind: "invisible_characters"; count: number; message: string }
  | { kind: "hidden_text"; count: number; how: ("tiny" | "white" | "invisible")[]; message: string }
  | { kind: "instructions"; level: "likely" | "suspicious"; signals: string[]; message: string }
  | { kind: "personal_data"; count: number; action: "redacted" | "flagged"; message: string };

/** A document as a message lists it. */
export type AttachmentRef = { id: string; name: string; size: number; type: AttachmentType };

/**
 * A document as `POST /api/attachments` answers it (201). `conversationId` is null until the
 * document is sent in a message of a new chat; `pages` is there for a PDF; `chars` is how much text
 * was read from it.
 */
export type Attachment = AttachmentRef & {
  pages?: number;
  chars: number;
  findings: AttachmentFinding[];
  conversationId: string | null;
  createdAt: string;
};

/** `GET /api/conversations/:id`. */
export type Conversation = ConversationSummary & { messages: StoredMessage[] };

/**
 * One of the user's notes, as `GET /api/notes` sends it (newest first). Notes are short, so the list
 * carries them whole and there is no separate summary shape.
 */
export type Note = { id: string; title: string; body: string; createdAt: string };

/** The most a new API key may be given: the owner's own limits (`GET /api/keys` `limits`). */
export type KeyLimits = {
  maxKeys: number;
  /** Requests a minute. */
  maxRateLimit: number;
  maxDailyTokens: number;
  maxLifetimeDays: number;
  maxGraceHours: number;
  models: string[];
};

/**
 * What a reply that uses tools adds to its event stream (POST /api/chat), between its text events:
 * a call the model made (`args` as validated, or as written when refused), its outcome (`summary`
 * is one line for the person; `withheld` when the tool's output looked like instructions and was
 * kept from the model), and a call that waits for the person's approval of exactly these `args`;
 * the reply then ends, and resumes when POST /api/chat answers it (`toolApproval`).
 */
export type ToolEvent =
  | { type: "tool-call"; id: string; name: string; args: unknown }
  | { type: "tool-result"; id: string; ok: boolean; summary: string; withheld?: true }
  | { type: "approval-required"; id: string; name: string; args: unknown };
