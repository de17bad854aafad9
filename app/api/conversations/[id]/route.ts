import { withUser } from "@/lib/http/with-user";
import { ApiError } from "@/lib/errors";
import { API_HEADERS } from "@/lib/http/errors";
import { conversationStore } from "@/lib/conversations/store";
import { attachmentStore } from "@/lib/documents/store";
import { storeOp } from "@/lib/store/call";
import { isConversationId, renameSchema, type RenameBody } from "../schema";

// The store finds a conversation only under its owner: someone else's id is a 404 like an unknown one.
const notFound = () => new ApiError("conversation_not_found", "That conversation does not exist. It may have been deleted or have expired.");

function conversationId(params: Record<string, string>): string {
  if (!isConversationId(params.id)) throw notFound();
  return params.id;
}

// GET /api/conversations/:id – one conversation with its messages
export const GET = withUser(
  async ({ user, params, limitHeaders }) => {
    const id = conversationId(params);
    const store = await storeOp("conversations.open", conversationStore);
    const conversation = await storeOp("conversations.get", () => store.get({ userId: user.id, conversationId: id }));
    if (!conversation) throw notFound();
    return Response.json({ conversation }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);

// PATCH /api/conversations/:id – rename
export const PATCH = withUser<RenameBody>(
  async ({ user, params, body, limitHeaders }) => {
    const id = conversationId(params);
    const store = await storeOp("conversations.open", conversationStore);
    const conversation = await storeOp("conversations.rename", () => store.rename({ userId: user.id, conversationId: id, title: body.title }));
    if (!conversation) throw notFound();
    return Response.json({ conversation }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api", schema: () => renameSchema },
);

// DELETE /api/conversations/:id – the conversation and its documents. The documents go first: a
// request that fails half-way is sent again, and finds the conversation still there to delete.
export const DELETE = withUser(
  async ({ user, params, limitHeaders }) => {
    const id = conversationId(params);
    const [store, attachments] = await Promise.all([storeOp("conversations.open", conversationStore), storeOp("attachments.open", attachmentStore)]);
    const conversation = await storeOp("conversations.get", () => store.get({ userId: user.id, conversationId: id }));
    if (!conversation) throw notFound();
    await storeOp("attachments.remove_conversation", () => attachments.removeConversation({ userId: user.id, conversationId: id }));
    if (!(await storeOp("conversations.remove", () => store.remove({ userId: user.id, conversationId: id })))) throw notFound();
    return new Response(null, { status: 204, headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
