import { setUserBudget } from "@/lib/admin/actions";
import { actionResponse, readActionFields } from "@/lib/http/admin-request";
import { notFoundRoute, withAdmin } from "@/lib/http/with-admin";

// POST /api/admin/users/:userKey/budget – `dailyTokens` (1,000 to 1,000,000,000; empty or null for the default), form or JSON
export const POST = withAdmin(async ({ req, admin, params, requestId, limitHeaders }) => {
  const fields = await readActionFields(req);
  const outcome = await setUserBudget({ admin, target: params.userKey, requestId, dailyTokens: fields.dailyTokens });
  return actionResponse({ req, outcome, headers: limitHeaders });
});

// Every other method: the same 404 as an address that does not exist.
export { notFoundRoute as GET, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
