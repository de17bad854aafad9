import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { tokenBudgetFor } from "@/lib/chat/admission";

// GET /api/usage – the signed-in user's token budget for today
export const GET = withUser(
  async ({ user, limitHeaders, controls }) => {
    const tokens = await tokenBudgetFor(user.id, controls.dailyTokens);
    return Response.json({ tokens }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
