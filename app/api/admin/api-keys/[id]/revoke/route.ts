import { revokeApiKey } from "@/lib/admin/actions";
import { apiKeyActionResponse, readActionFields } from "@/lib/http/admin-request";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";

// POST /api/admin/api-keys/:id/revoke – revoke anyone's API key, from the dashboard's form or as JSON (`{}`)
export const POST = withAdmin(async ({ req, admin, params, requestId, limitHeaders }) => {
  // No fields, but the body is read as for every admin action: a form, or a JSON object.
  await readActionFields(req);
  const outcome = await revokeApiKey({ admin, target: params.id, requestId });
  return apiKeyActionResponse({ req, outcome, headers: limitHeaders });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as GET, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
