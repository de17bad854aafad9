import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { conversationStore } from "@/lib/conversations/store";
import { storeOp } from "@/lib/store/call";
import { log } from "@/lib/log/logger";
import { hashId } from "@/lib/log/hash-id";
import { userKey } from "@/lib/store/keys";

// DELETE /api/account/data – delete all of the signed-in user's conversations. The day's budget
// counters stay until they expire: they hold no content, and deleting them would reset a limit.
export const DELETE = withUser(
  async ({ user, requestId, limitHeaders }) => {
    const store = await storeOp("conversations.open", conversationStore);
    const deletedConversations = await storeOp("conversations.remove_all", () => store.removeAll({ userId: user.id }));
    log.info("account.data_deleted", { requestId, user: hashId(userKey(user.id)), deletedConversations });
    return Response.json({ deletedConversations }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
