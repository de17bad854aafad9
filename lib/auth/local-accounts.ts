import "server-only";
import { env } from "../env";
import { verifyAgainstDummy, verifyPassword } from "./password-hash";
import { checkLimit, retryAfterSeconds } from "../ratelimit/limiter";
import { clientIp } from "../http/client-ip";
import { audit } from "../audit/audit";
import { userKey } from "../store/keys";

/** next-auth passes the error message to the sign-in page; the page turns these into sentences. */
export const SIGNIN_ERRORS = { rateLimited: "rate_limited", unavailable: "unavailable" } as const;

type Headers = Record<string, string | string[] | undefined> | undefined;

/**
 * Checks an email and password against AUTH_LOCAL_USERS, after the per-IP and per-account sign-in
 * limits. Unknown accounts cost the same time as known ones. Returns the user, or null for a wrong
 * email or password (next-auth shows "CredentialsSignin"); throws for a limit or a store failure.
 */
export async function authorizeLocalUser({ email, password, headers }: { email: unknown; password: unknown; headers: Headers }) {
  if (typeof email !== "string" || typeof password !== "string" || !email || !password) return null;
  if (email.length > 320 || password.length > 1024) return null;
  const account = email.trim().toLowerCase();
  const ip = clientIp({ get: (name) => headerValue(headers, name) });
  // The session user id of this account (sessionUserId in options.ts), hashed as everywhere in the store.
  const subject = userKey(`credentials:${account}`);

  for (const [policy, identifier] of [["signInPerIp", ip], ["signInPerAccount", account]] as const) {
    let result;
    try {
      result = await checkLimit({ policy, identifier });
    } catch {
      throw new Error(SIGNIN_ERRORS.unavailable);
    }
    if (!result.success) {
      await audit({ kind: "auth.signin_limited", user: subject, route: "signin", reason: policy });
      throw new Error(`${SIGNIN_ERRORS.rateLimited}:${retryAfterSeconds(result)}`);
    }
  }

  const user = env().auth.localUsers.find((u) => u.email === account);
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
  await audit(ok ? { kind: "auth.signin_succeeded", user: subject, route: "signin", reason: "credentials" } : { kind: "auth.signin_failed", user: subject, route: "signin", reason: "wrong_password" });
  return ok ? { id: account, email: account, name: null } : null;
}

function headerValue(headers: Headers, name: string): string | null {
  const value = headers?.[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}
