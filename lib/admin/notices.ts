/**
 * What the dashboard can say after a form post (`/admin?notice=<key>`). The URL carries only a key
 * into this table, never the words, so a crafted link cannot put text of its choosing on an admin's
 * page. Action refusals use the same sentences as their JSON `message`. A notice shows in the
 * section its action belongs to: the users section, unless the entry names another.
 */
export const NOTICES = {
  user_blocked: { tone: "success", text: "Blocked. Their sessions stop working on their next request, on every instance." },
  user_unblocked: { tone: "success", text: "Unblocked. They can sign in and chat again." },
  budget_set: { tone: "success", text: "Daily token budget changed. It applies from their next message." },
  budget_reset: { tone: "success", text: "Daily token budget back to the default for everyone." },
  self_block: { tone: "error", text: "You cannot block your own account: ask another admin, or remove yourself from ADMIN_EMAILS." },
  invalid_user: { tone: "error", text: "That is not a user id of this app (22 letters, digits, - or _). Nothing was changed." },
  invalid_budget: { tone: "error", text: "A daily budget must be a whole number of tokens from 1,000 to 1,000,000,000, or empty to return to the default." },
  invalid_action: { tone: "error", text: "The action must be block or unblock. Nothing was changed." },
  apikey_revoked: { tone: "success", text: "API key revoked. It stops working at once, on every instance.", section: "api-keys" },
  apikey_not_found: { tone: "error", text: "That API key does not exist: it may have been revoked already. Nothing was changed.", section: "api-keys" },
  invalid_apikey: { tone: "error", text: "That is not an API key id of this app. Nothing was changed.", section: "api-keys" },
  invalid_form: { tone: "error", text: "The form could not be read. Reload the page and try again." },
  rate_limited: { tone: "error", text: "Too many admin requests in a short time. Wait a minute, then try again." },
  store_unavailable: { tone: "error", text: "The store did not answer, so nothing was changed. Try again in a few seconds." },
  failed: { tone: "error", text: "Something went wrong on our side; nothing may have been changed. Reload the page to check." },
} as const satisfies Record<string, { tone: "success" | "error"; text: string; section?: NoticeSection }>;

export type NoticeKey = keyof typeof NOTICES;

/** The dashboard sections that show notices, by their element id (also the redirect's #fragment). */
export type NoticeSection = "users" | "api-keys";

export function noticeSection(key: NoticeKey): NoticeSection {
  const notice: { text: string; section?: NoticeSection } = NOTICES[key];
  return notice.section ?? "users";
}

export function isNoticeKey(value: unknown): value is NoticeKey {
  return typeof value === "string" && Object.hasOwn(NOTICES, value);
}
