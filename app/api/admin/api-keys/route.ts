import { allApiKeys } from "@/lib/admin/queries";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";
import { API_HEADERS } from "@/lib/http/errors";

// GET /api/admin/api-keys – every user's API keys (never the keys themselves), most recently used first
export const GET = withAdmin(async ({ limitHeaders }) => {
  const report = await allApiKeys();
  return Response.json(report, { headers: { ...API_HEADERS, ...limitHeaders } });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as POST, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
