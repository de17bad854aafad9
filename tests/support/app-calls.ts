import { signIn } from "./auth";
import type { TestUser } from "./test-env";

export type Send = { method?: string; cookie?: string; json?: unknown; form?: Record<string, string>; origin?: string };

/** A request as the app's own pages send it: same origin (unless `origin` says otherwise), the session cookie, redirects not followed. */
export function pageCall(baseUrl: string, path: string, { method = "GET", cookie, json, form, origin = baseUrl }: Send = {}): Promise<Response> {
  const headers: Record<string, string> = { Origin: origin, "Sec-Fetch-Site": origin === baseUrl ? "same-origin" : "cross-site" };
  if (cookie) headers.Cookie = cookie;
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (form) headers["Content-Type"] = "application/x-www-form-urlencoded";
  const body = json !== undefined ? JSON.stringify(json) : form ? new URLSearchParams(form).toString() : undefined;
  return fetch(`${baseUrl}${path}`, { method, headers, body, redirect: "manual" });
}

/**
 * One session per user and app, kept for a whole test file: sign-in has its own per-account limit.
 * `users` is read on first use, so it may be filled in by a `beforeAll`.
 */
export function sessionCache<Name extends string>(users: () => Record<Name, TestUser>): (baseUrl: string, name: Name) => Promise<string> {
  const sessions = new Map<string, Promise<string>>();
  return (baseUrl, name) => {
    const id = `${baseUrl} ${name}`;
    if (!sessions.has(id)) sessions.set(id, signIn({ baseUrl, ...users()[name] }));
    return sessions.get(id)!;
  };
}
