import { eventQueryFrom, recentEvents } from "@/lib/admin/queries";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";
import { API_HEADERS } from "@/lib/http/errors";

// GET /api/admin/events – recent security events, newest first (?kind=&user=&since=&limit=)
export const GET = withAdmin(async ({ req, limitHeaders }) => {
  const events = await recentEvents(eventQueryFrom(req.nextUrl.searchParams));
  return Response.json({ events }, { headers: { ...API_HEADERS, ...limitHeaders } });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as POST, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
