import { env } from "@/lib/env";
import { API_HEADERS } from "@/lib/http/errors";
import { withApiKey } from "@/lib/http/with-api-key";

// GET /api/v1/models – the models this key may use, in OpenAI's list shape
export const GET = withApiKey(
  async ({ key, limitHeaders }) => {
    const models = env().ai.models.filter((m) => !key.models || key.models.includes(m.id));
    const created = Math.floor(key.createdAt / 1000);
    return Response.json(
      { object: "list", data: models.map((m) => ({ id: m.id, object: "model", created, owned_by: m.provider })) },
      { headers: { ...API_HEADERS, ...limitHeaders } },
    );
  },
  { route: "/api/v1/models", limit: "api" },
);
