import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { conversationStore } from "@/lib/conversations/store";
import { storeOp } from "@/lib/store/call";

// GET /api/conversations – the signed-in user's conversations, most recently updated first
export const GET = withUser(
  async ({ user, limitHeaders }) => {
    const store = await storeOp("conversations.open", conversationStore);
    const conversations = await storeOp("conversations.list", () => store.list({ userId: user.id }));
    return Response.json({ conversations }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
