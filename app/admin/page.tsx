import type { Metadata } from "next";
import { AdminHeader } from "@/components/admin/admin-header";
import { ApiKeysSection, type ApiKeysData } from "@/components/admin/api-keys-section";
import { EventsSection, type EventFilter, type EventsData } from "@/components/admin/events-section";
import { KeysSection } from "@/components/admin/keys-section";
import type { Loaded } from "@/components/admin/section";
import { SpendSection } from "@/components/admin/spend-section";
import { UsersSection } from "@/components/admin/users-section";
import { userKeySchema } from "@/lib/admin/actions";
import { isNoticeKey, noticeSection, type NoticeKey } from "@/lib/admin/notices";
import { allApiKeys, eventQueryFrom, exportRangeFrom, keyReport, namesFor, recentEvents, spendOverview, userRowFor, usersForDay } from "@/lib/admin/queries";
import { adminPageUser } from "@/lib/http/with-admin";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { describeError, log } from "@/lib/log/logger";
import { userKey, utcDay } from "@/lib/store/keys";
import ui from "@/components/ui/page.module.css";
import hidden from "@/components/ui/visually-hidden.module.css";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin", robots: { index: false, follow: false } };

const PAGE_EVENTS = 50;

// Typed as the URL can deliver them: a repeated parameter arrives as an array.
type AdminSearchParams = Record<string, string | string[] | undefined>;

/**
 * The admin dashboard, rendered on the server from the same queries as the admin API; its actions
 * are plain forms, so it works without JavaScript. Anyone but an admin gets the 404 page. Each
 * section loads on its own: a store that does not answer turns a section into a notice, not the
 * page into an error.
 */
export default async function AdminPage({ searchParams }: { searchParams: Promise<AdminSearchParams> }) {
  const admin = await adminPageUser();
  const params = await searchParams;
  const now = Date.now();
  const day = utcDay(now);
  // Each notice shows in the section of the action it follows.
  const notice = noticeFrom(params);
  const usersNotice = notice && noticeSection(notice.key) === "users" ? notice : undefined;
  const apiKeysNotice = notice && noticeSection(notice.key) === "api-keys" ? notice : undefined;
  const [spend, users, events, apiKeys, keys] = await Promise.all([
    load("spend", () => spendOverview(now)),
    load("users", () => usersForDay(day)),
    load("events", () => eventsFor(params, day)),
    load("api_keys", () => apiKeysFor(apiKeysNotice?.target)),
    load("keys", keyReport),
  ]);

  const actions = { adminKey: userKey(admin.id), defaultBudget: env().budgets.dailyTokens };

  return (
    <>
      <AdminHeader who={admin.email ?? admin.name ?? "Admin"} />
      <main className={ui.page}>
        <h1 className={hidden.visuallyHidden}>Admin dashboard</h1>
        <SpendSection data={spend} />
        <UsersSection data={users} day={day} actions={actions} notice={usersNotice} />
        <EventsSection data={events} filter={filterFrom(params)} exportRange={exportRangeFrom({}, now)} actions={actions} />
        <ApiKeysSection data={apiKeys} notice={apiKeysNotice} />
        <KeysSection data={keys} />
      </main>
    </>
  );
}

/** The filtered events, the names of the people in them, and the user filtered on, so they can be acted on from here. */
async function eventsFor(params: AdminSearchParams, day: string): Promise<EventsData> {
  const query = eventQueryFrom(params, { defaultLimit: PAGE_EVENTS });
  const [events, subject] = await Promise.all([recentEvents(query), query.user ? userRowFor({ userKey: query.user, day }) : undefined]);
  const names = await namesFor(events.flatMap((e) => [e.user, e.actor].filter((key): key is string => !!key)));
  return { events, names, subject };
}

/** Every API key, and the name of the owner a notice is about, who may have no key left to be named by. */
async function apiKeysFor(noticeTarget: string | undefined): Promise<ApiKeysData> {
  const [report, names] = await Promise.all([allApiKeys(), namesFor(noticeTarget ? [noticeTarget] : [])]);
  return { ...report, names };
}

async function load<T>(section: string, run: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof ApiError && error.code === "store_unavailable") {
      return { ok: false, message: "The store did not answer, so this section cannot be shown. Reload the page in a few seconds." };
    }
    // A filter that was not accepted says which and why, in words written for people.
    if (error instanceof ApiError && error.status < 500) return { ok: false, message: error.message };
    log.error("admin.section_failed", { section, ...describeError(error) });
    return { ok: false, message: "This section could not be loaded. Reload the page to try again." };
  }
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

/** `?notice=&target=` after a form post: a key into a fixed table, never text from the URL. */
function noticeFrom(params: AdminSearchParams): { key: NoticeKey; target: string | undefined } | undefined {
  const key = one(params.notice);
  if (!isNoticeKey(key)) return undefined;
  const target = one(params.target);
  return { key, target: userKeySchema.safeParse(target).success ? target : undefined };
}

function filterFrom(params: AdminSearchParams): EventFilter {
  return { kind: one(params.kind), user: one(params.user), since: one(params.since) };
}
