import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { env } from "../env";
import type { SessionUser } from "./types";

/**
 * Whether a session that began at `authTime` (ms) is still within its absolute lifetime. Refreshing a
 * session (next-auth re-signs the cookie with a later expiry) never moves `authTime`, so a cookie,
 * stolen or not, cannot be kept alive past it. A session without one predates this rule: ended.
 */
export function withinLifetime(authTime: unknown, now = Date.now()): authTime is number {
  return typeof authTime === "number" && authTime <= now && now - authTime <= env().auth.sessionMaxAgeSeconds * 1000;
}

/**
 * The signed-in user of an API request, from the session cookie alone, or null. next-auth's getToken
 * would also accept the JWT as a Bearer header; we pass no headers so only the cookie counts. An
 * expired, tampered or foreign token decodes to null, and so does one past its absolute lifetime.
 * Whether the user has signed out since is checked with their controls (readUserControls).
 */
export async function getSessionUser(req: NextRequest): Promise<SessionUser | null> {
  const { auth } = env();
  const secureCookie = auth.url?.startsWith("https://") ?? false;
  const token = await getToken({ req: { cookies: req.cookies, headers: {} } as unknown as NextRequest, secret: auth.secret, secureCookie });
  if (!token?.sub || !withinLifetime(token.authTime)) return null;
  return {
    id: token.sub,
    email: typeof token.email === "string" ? token.email : null,
    name: typeof token.name === "string" ? token.name : null,
    authTime: token.authTime,
  };
}
