import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { RELAY_KEY_LIMITS } from "@/lib/api-keys/limits";
import { rollRelayKey } from "@/lib/api-keys/api-keys";
import { keyIdOrThrow } from "../../key-id";
import { rollSchema, type RollBody } from "@/lib/api-keys/schema";

// POST /api/keys/:id/roll – a new key with the same settings; the old one keeps working for `graceHours`
export const POST = withUser<RollBody>(
  async ({ user, params, body, limitHeaders, requestId }) => {
    const graceHours = body.graceHours ?? RELAY_KEY_LIMITS.defaultGraceHours;
    const { key, view, previous } = await rollRelayKey({
      userId: user.id,
      id: keyIdOrThrow(params),
      graceHours,
      where: { route: "/api/keys/:id/roll", requestId },
    });
    return Response.json({ ...view, key, previous }, { status: 201, headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api", schema: () => rollSchema },
);
