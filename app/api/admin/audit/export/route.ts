import { auditExportStream } from "@/lib/admin/export";
import { exportRangeFrom } from "@/lib/admin/queries";
import { audit } from "@/lib/audit/audit";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";
import { API_HEADERS } from "@/lib/http/errors";
import { userKey } from "@/lib/store/keys";

// GET /api/admin/audit/export – the audit log as JSON Lines (?since=&until=, UTC days, both included; the last 7 by default)
export const GET = withAdmin(async ({ req, admin, requestId, limitHeaders }) => {
  const range = exportRangeFrom(req.nextUrl.searchParams);
  const body = await auditExportStream(range);
  await audit({ kind: "admin.audit_exported", actor: userKey(admin.id), route: "admin", requestId, signals: [`since:${range.since}`, `until:${range.until}`] });
  return new Response(body, {
    headers: {
      ...API_HEADERS,
      ...limitHeaders,
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="bulwark-audit-${range.since}-${range.until}.jsonl"`,
    },
  });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as POST, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
