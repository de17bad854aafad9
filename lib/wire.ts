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

/** One stored turn of a conversation, as `GET /api/conversations/:id` sends it. */
export type StoredMessage = { role: "user" | "assistant"; content: string; createdAt: string };

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
