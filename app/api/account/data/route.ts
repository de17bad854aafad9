import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { conversationStore } from "@/lib/conversations/store";
import { noteStore } from "@/lib/notes/store";
import { attachmentStore } from "@/lib/documents/store";
import { approvalStore } from "@/lib/tools/approvals";
import { storeOp } from "@/lib/store/call";
import { log } from "@/lib/log/logger";
import { hashId } from "@/lib/log/hash-id";
import { userKey } from "@/lib/store/keys";

// DELETE /api/account/data – delete all of the signed-in user's conversations, documents, notes and held tool calls, and say how
// many of each went. Each step can be repeated, so a request that fails half-way is simply sent
// again. The day's budget counters stay until they expire: they hold no content, and deleting them
// would reset a limit.
export const DELETE = withUser(
  async ({ user, requestId, limitHeaders }) => {
    const [conversations, notes] = await Promise.all([storeOp("conversations.open", conversationStore), storeOp("notes.open", noteStore)]);
    const deletedConversations = await storeOp("conversations.remove_all", () => conversations.removeAll({ userId: user.id }));
    const deletedNotes = await storeOp("notes.remove_all", () => notes.removeAll({ userId: user.id }));
    const deletedAttachments = await storeOp("attachments.remove_all", async () => (await attachmentStore()).removeAll({ userId: user.id }));
    // Tool calls waiting for the user's approval hold the conversation as the model saw it.
    await storeOp("approvals.remove_all", async () => (await approvalStore()).removeAll({ userId: user.id }));
    log.info("account.data_deleted", { requestId, user: hashId(userKey(user.id)), deletedConversations, deletedNotes, deletedAttachments });
    return Response.json({ deletedConversations, deletedNotes, deletedAttachments }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
