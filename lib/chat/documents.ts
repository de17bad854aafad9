import "server-only";
import { env } from "../env";
import { ApiError } from "../errors";
import { attachmentNotFound, attachmentStore, refOf, tooManyInConversation } from "../documents/store";
import type { DocumentText } from "../documents/context";
import { storeOp } from "../store/call";
import { log } from "../log/logger";
import type { Attachment, AttachmentRef } from "../wire";

/**
 * The documents a chat message reads: those it carries (`attachments`, the user's own drafts, or
 * documents already sent in this conversation) and those sent earlier in the same conversation. Only
 * this user's documents of this conversation are ever read: an id of someone else's, or of another
 * conversation, is the same 404 as an unknown one. Checked before the reply starts, so a refusal
 * costs nothing and the person's message and files are all still there to send again.
 */
export type MessageDocuments = {
  /** What the prompt reads (lib/documents/context.ts chooses the passages). */
  documents: DocumentText[];
  /** The documents the message carries, as the stored message lists them. */
  refs: AttachmentRef[];
};

export async function documentsForMessage({
  userId,
  conversationId,
  existing,
  ids,
}: {
  userId: string;
  conversationId: string;
  /** The conversation is stored already (else it starts with this message). */
  existing: boolean;
  ids: string[];
}): Promise<MessageDocuments> {
  const config = env().documents;
  if (ids.length > 0 && !config.enabled) {
    throw new ApiError("attachments_disabled", "Attaching documents is turned off on this server (ATTACHMENTS=off). Send the message without them.");
  }
  if (!config.enabled) return { documents: [], refs: [] };
  if (ids.length > config.maxPerMessage) {
    throw new ApiError(
      "too_many_attachments",
      `A message can carry at most ${config.maxPerMessage} documents; this one has ${ids.length}. Remove some, or send them in two messages.`,
      { limit: "attachments_per_message" },
    );
  }
  const store = await storeOp("attachments.open", attachmentStore);
  const [current, earlier]: [(Attachment | null)[], Attachment[]] = await Promise.all([
    ids.length > 0 ? storeOp("attachments.get", () => store.getMany({ userId, ids })) : [],
    existing ? storeOp("attachments.list", () => store.listConversation({ userId, conversationId })) : [],
  ]);
  for (const attachment of current) {
    if (!attachment || (attachment.conversationId !== null && attachment.conversationId !== conversationId)) throw attachmentNotFound();
  }
  const carried = current.filter((a): a is Attachment => a !== null);
  const sentBefore = new Set(earlier.map((a) => a.id));
  if (earlier.length + carried.filter((a) => !sentBefore.has(a.id)).length > config.maxPerConversation) {
    throw tooManyInConversation(config.maxPerConversation);
  }
  const carriedIds = new Set(carried.map((a) => a.id));
  // Oldest first, as selectPassages takes them: the conversation's earlier documents, then this message's.
  const all = [
    ...earlier.filter((a) => !carriedIds.has(a.id)).map((a) => ({ attachment: a, current: false })),
    ...carried.map((a) => ({ attachment: a, current: true })),
  ];
  const texts = await storeOp("attachments.text", () => Promise.all(all.map(({ attachment }) => store.text({ userId, attachmentId: attachment.id }))));
  const documents: DocumentText[] = [];
  all.forEach(({ attachment, current: isCurrent }, i) => {
    const text = texts[i];
    if (text === null || text === undefined) {
      if (isCurrent) throw attachmentNotFound();
      return; // removed or expired since the list was read
    }
    documents.push({ id: attachment.id, name: attachment.name, type: attachment.type, text, current: isCurrent });
  });
  return { documents, refs: carried.map(refOf) };
}

/**
 * After the reply is stored: ties the message's drafts to the conversation and renews the expiry of
 * its documents with the conversation's. Repeatable (a retried save does it again harmlessly). A
 * refusal here (the conversation filled up from another tab meanwhile) is logged: the reply is
 * already written, and the documents stay the user's drafts.
 */
export async function keepDocuments({ userId, conversationId, ids }: { userId: string; conversationId: string; ids: string[] }): Promise<void> {
  const config = env().documents;
  if (!config.enabled) return;
  const store = await storeOp("attachments.open", attachmentStore);
  if (ids.length > 0) {
    try {
      await storeOp("attachments.bind", () => store.bind({ userId, conversationId, ids, maxPerConversation: config.maxPerConversation }));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code === "store_unavailable") throw error;
      log.warn("attachment.bind_refused", { code: error.code });
    }
  }
  await storeOp("attachments.touch", () => store.touch({ userId, conversationId }));
}
