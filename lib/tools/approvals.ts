import "server-only";
import type { Redis } from "@upstash/redis";
import type { PromptMessage } from "../ai/types";
import type { PlaceholderMapJSON } from "../guard/pii";
import { Keyring } from "../crypto/keyring";
import { env } from "../env";
import { storeBackend } from "../store/backend";
import { hashKey, storeKey, userKey } from "../store/keys";
import { oncePerProcess } from "../store/once";

/**
 * Tool calls that wait for the person's approval. When the model asks for a tool that needs it, the
 * reply ends and the call is held here with everything needed to carry on: the exact validated
 * arguments and their hash, and the conversation as the model saw it. `take` hands a held call out
 * once (an atomic read-and-delete), only to the user and conversation it belongs to, and only
 * before it expires: an approval cannot be replayed, sent by someone else, or used late.
 */
export type PendingApproval = {
  /** The tool call's id, as the provider gave it. */
  id: string;
  conversationId: string;
  name: string;
  /** The arguments as validated and shown to the person. */
  args: unknown;
  argsHash: string;
  /** The model the reply was written with. */
  model: string;
  /** The prompt up to and including the assistant turn that made the call, with the results of any calls before it. */
  before: PromptMessage[];
  /** The results of the calls after it in the same turn. */
  after: PromptMessage[];
  /** The request's fence boundary and canary, so the rest of the reply is written and checked under the same ones. */
  boundary: string;
  canary: string | undefined;
  /** The request's placeholders and the values they stand for (encrypted at rest with the rest). */
  placeholders: PlaceholderMapJSON;
  /** Tool calls the reply has made so far, counted against TOOLS_MAX_CALLS. */
  callsSoFar: number;
  expiresAt: number;
};

/** How long a call waits for the person: long enough to read it, short enough that a stale tab cannot approve it tomorrow. */
export const APPROVAL_TTL_MS = 10 * 60_000;

type Owned = { userId: string; conversationId: string; id: string };

export interface ApprovalStore {
  hold(args: { userId: string; pending: PendingApproval }): Promise<void>;
  /** The held call, removed; null when there is none for this user and conversation, or it expired. */
  take(args: Owned): Promise<PendingApproval | null>;
  /** Forgets every held call of the user ("Delete all my data"). */
  removeAll(args: { userId: string }): Promise<number>;
}

export class MemoryApprovalStore implements ApprovalStore {
  private readonly held = new Map<string, { userId: string; pending: PendingApproval }>();

  async hold({ userId, pending }: { userId: string; pending: PendingApproval }) {
    this.sweep();
    this.held.set(memoryKey({ userId, conversationId: pending.conversationId, id: pending.id }), { userId, pending: structuredClone(pending) });
  }

  async take(owned: Owned) {
    const key = memoryKey(owned);
    const entry = this.held.get(key);
    this.held.delete(key);
    if (!entry || entry.pending.expiresAt <= Date.now()) return null;
    return entry.pending;
  }

  async removeAll({ userId }: { userId: string }) {
    let count = 0;
    for (const [key, entry] of this.held) {
      if (entry.userId !== userId) continue;
      this.held.delete(key);
      count++;
    }
    return count;
  }

  private sweep() {
    const now = Date.now();
    for (const [key, entry] of this.held) if (entry.pending.expiresAt <= now) this.held.delete(key);
  }
}

// A NUL cannot occur in a user id, a conversation id or a call id, so different triples never collide.
const memoryKey = ({ userId, conversationId, id }: Owned) => [userId, conversationId, id].join("\u0000");

/**
 * On Redis, encrypted like conversations (the held prompt holds the conversation's text), bound to
 * its user, conversation and call by the encryption context, and expiring by itself.
 *
 *   <prefix>:approval:<userKey>:<hash of conversation and call id>   string  encrypted JSON, PX ttl
 */
export class RedisApprovalStore implements ApprovalStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: { prefix: string; keyring: Keyring },
  ) {}

  async hold({ userId, pending }: { userId: string; pending: PendingApproval }) {
    const owned = { userId, conversationId: pending.conversationId, id: pending.id };
    const ttl = Math.max(1, pending.expiresAt - Date.now());
    await this.redis.set(this.key(owned), this.options.keyring.encrypt(JSON.stringify(pending), this.context(owned)), { px: ttl });
  }

  async take(owned: Owned) {
    const token = await this.redis.getdel<string>(this.key(owned));
    if (typeof token !== "string") return null;
    let pending: PendingApproval;
    try {
      pending = JSON.parse(this.options.keyring.decrypt(token, this.context(owned))) as PendingApproval;
    } catch {
      return null; // altered, or under a key no longer in the list: treated as expired
    }
    return pending.expiresAt > Date.now() && pending.conversationId === owned.conversationId && pending.id === owned.id ? pending : null;
  }

  async removeAll({ userId }: { userId: string }) {
    let count = 0;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, { match: `${storeKey(this.options.prefix, "approval", userKey(userId))}:*`, count: 100 });
      cursor = String(next);
      if (keys.length > 0) count += await this.redis.del(...keys);
    } while (cursor !== "0");
    return count;
  }

  private key({ userId, conversationId, id }: Owned) {
    return storeKey(this.options.prefix, "approval", userKey(userId), hashKey(`approval:${conversationId}\u0000${id}`));
  }

  private context({ userId, conversationId, id }: Owned) {
    return `approval:${userKey(userId)}:${conversationId}:${id}`;
  }
}

/** The held calls of this process, on the configured backend. */
export function approvalStore(): Promise<ApprovalStore> {
  return oncePerProcess("store.approvals", async () => {
    const backend = await storeBackend();
    if (backend.kind === "memory") return new MemoryApprovalStore();
    return new RedisApprovalStore(backend.redis, { prefix: backend.prefix, keyring: new Keyring(env().conversations.encryptionKeys) });
  });
}
