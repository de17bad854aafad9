import { keyReport, spendOverview, usersForDay } from "@/lib/admin/queries";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";
import { API_HEADERS } from "@/lib/http/errors";

// GET /api/admin/overview – today's spend against the cap, the last 30 days, today's users, the provider keys
export const GET = withAdmin(async ({ limitHeaders }) => {
  const overview = await spendOverview();
  const [users, { keys }] = await Promise.all([usersForDay(overview.spend.day), keyReport()]);
  return Response.json({ ...overview, users, keys }, { headers: { ...API_HEADERS, ...limitHeaders } });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as POST, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
