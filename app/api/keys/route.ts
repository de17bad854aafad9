import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { env } from "@/lib/env";
import { createRelayKey, listRelayKeys, ownLimits } from "@/lib/api-keys/api-keys";
import { newKeySchema, type NewKeyBody } from "@/lib/api-keys/schema";

let schema: ReturnType<typeof newKeySchema> | undefined;
const bodySchema = () => (schema ??= newKeySchema({ modelIds: env().ai.models.map((m) => m.id) }));

// GET /api/keys – the signed-in user's API keys (never the keys themselves) and what a new one may be given
export const GET = withUser(
  async ({ user, limitHeaders, controls }) => {
    const enabled = env().relay.secrets.length > 0;
    const keys = enabled ? await listRelayKeys(user.id) : [];
    return Response.json({ enabled, keys, limits: ownLimits(controls) }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);

// POST /api/keys – create a key; the answer is the only time the key is shown
export const POST = withUser<NewKeyBody>(
  async ({ user, body, limitHeaders, controls, requestId }) => {
    const { key, view } = await createRelayKey({ userId: user.id, input: body, controls, where: { route: "/api/keys", requestId } });
    return Response.json({ ...view, key }, { status: 201, headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api", schema: bodySchema },
);
