import "server-only";
import { readCappedText, readJsonBody } from "./body";
import { ApiError } from "../errors";
import { API_HEADERS } from "./errors";
import { ActionRefused, type ActionOutcome, type ApiKeyOutcome } from "../admin/actions";
import { noticeSection, type NoticeKey } from "../admin/notices";

/**
 * The two ways an admin action arrives: the dashboard's plain HTML forms (so it works without
 * JavaScript), answered with a redirect back to the page; and JSON from a script, answered in JSON.
 */
const MAX_BODY_BYTES = 4_096;

export function isFormPost(req: Request): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers.get("content-type") ?? "");
}

/** The action's fields, from the form or a JSON object, never more than a few KB of them. */
export async function readActionFields(req: Request): Promise<Record<string, unknown>> {
  if (!isFormPost(req)) {
    const body = await readJsonBody(req, { maxBytes: MAX_BODY_BYTES });
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError("invalid_request", "Send the fields as a JSON object.");
    return body as Record<string, unknown>;
  }
  // fromEntries defines own properties, so a field named __proto__ stays a field.
  const tooLarge = () => new ApiError("payload_too_large", `The form is larger than ${MAX_BODY_BYTES} bytes.`);
  return Object.fromEntries(new URLSearchParams(await readCappedText(req, { maxBytes: MAX_BODY_BYTES, tooLarge })));
}

/** A done action: back to the dashboard for its form, `{ user }` with the user's controls now for JSON. */
export function actionResponse({ req, outcome, headers }: { req: Request; outcome: ActionOutcome; headers: Record<string, string> }): Response {
  if (isFormPost(req)) return redirectToDashboard({ notice: outcome.notice, target: outcome.user.userKey });
  return Response.json({ user: outcome.user }, { headers: { ...API_HEADERS, ...headers } });
}

/** A revoked API key: back to the dashboard's API keys for the form, `{ apiKey }` (its id and owner) for JSON. */
export function apiKeyActionResponse({ req, outcome, headers }: { req: Request; outcome: ApiKeyOutcome; headers: Record<string, string> }): Response {
  if (isFormPost(req)) return redirectToDashboard({ notice: outcome.notice, target: outcome.apiKey.owner });
  return Response.json({ apiKey: outcome.apiKey }, { headers: { ...API_HEADERS, ...headers } });
}

/**
 * Back to the dashboard with a notice, by 303 See Other so a reload does not post again, to the
 * section that shows it. The Location is relative: right behind any proxy, whatever host name the
 * browser used.
 */
export function redirectToDashboard({ notice, target }: { notice: NoticeKey; target?: string }): Response {
  const query = new URLSearchParams({ notice, ...(target && { target }) });
  return new Response(null, { status: 303, headers: { ...API_HEADERS, Location: `/admin?${query.toString()}#${noticeSection(notice)}` } });
}

/** The notice that tells the admin why their form post was refused. */
export function noticeForError(error: unknown): NoticeKey {
  if (error instanceof ActionRefused) return error.notice;
  if (!(error instanceof ApiError)) return "failed";
  switch (error.code) {
    case "rate_limited":
    case "store_unavailable":
      return error.code;
    case "api_key_not_found":
      return "apikey_not_found";
    case "payload_too_large":
    case "invalid_json":
    case "invalid_request":
    case "unsupported_media_type":
      return "invalid_form";
    default:
      return "failed";
  }
}
