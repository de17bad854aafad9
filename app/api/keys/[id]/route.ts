import { withUser } from "@/lib/http/with-user";
import { revokeRelayKey } from "@/lib/api-keys/api-keys";
import { keyIdOrThrow } from "../key-id";

// DELETE /api/keys/:id – revoke one of your keys; it stops working at once on every instance
export const DELETE = withUser(
  async ({ user, params, limitHeaders, requestId }) => {
    await revokeRelayKey({ userId: user.id, id: keyIdOrThrow(params), where: { route: "/api/keys/:id", requestId } });
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store", ...limitHeaders } });
  },
  { limit: "api" },
);
