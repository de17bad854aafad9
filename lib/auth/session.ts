import "server-only";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { env } from "../env";
import type { SessionUser } from "./types";

/**
 * The signed-in user of an API request, from the session cookie alone, or null. next-auth's getToken
 * would also accept the JWT as a Bearer header; we pass no headers so only the cookie counts. An
 * expired, tampered or foreign token decodes to null.
 */
export async function getSessionUser(req: NextRequest): Promise<SessionUser | null> {
  const { auth } = env();
  const secureCookie = auth.url?.startsWith("https://") ?? false;
  const token = await getToken({ req: { cookies: req.cookies, headers: {} } as unknown as NextRequest, secret: auth.secret, secureCookie });
  if (!token?.sub) return null;
  return { id: token.sub, email: typeof token.email === "string" ? token.email : null, name: typeof token.name === "string" ? token.name : null };
}
