import { blockUser, parseBlockAction, unblockUser } from "@/lib/admin/actions";
import { actionResponse, readActionFields } from "@/lib/http/admin-request";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";

// POST /api/admin/users/:userKey/block – `action=block` or `action=unblock`, from the dashboard's form or as JSON
export const POST = withAdmin(async ({ req, admin, params, requestId, limitHeaders }) => {
  const fields = await readActionFields(req);
  const change = parseBlockAction(fields.action) === "block" ? blockUser : unblockUser;
  const outcome = await change({ admin, target: params.userKey, requestId });
  return actionResponse({ req, outcome, headers: limitHeaders });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as GET, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
