import "server-only";
import { env } from "../env";
import { verifyAgainstDummy, verifyPassword } from "../crypto/password-hash";
import { checkLimit, retryAfterSeconds } from "../ratelimit/limiter";
import { clientIp } from "../client-ip";
import { audit } from "../audit/audit";
import { userKey } from "../store/keys";

/** next-auth passes the error message to the sign-in page; the page turns these into sentences. */
export const SIGNIN_ERRORS = { rateLimited: "rate_limited", unavailable: "unavailable" } as const;

type Headers = Record<string, string | string[] | undefined> | undefined;

/** How long each sign-in attempt for an account waits once the account as a whole is over its limit. */
export const SIGNIN_SLOWDOWN_MS = 2_000;

/**
 * Checks an email and password against AUTH_LOCAL_USERS, after the sign-in limits:
 * - per client IP, over all accounts, and per account from one client IP: refused when over;
 * - per account over all sources: slowed down (SIGNIN_SLOWDOWN_MS an attempt), never refused, so that
 *   someone who knows an address cannot lock its owner out by failing from many places. Guessing
 *   stays bounded by the per-IP limits and the wait.
 * Unknown accounts cost the same time as known ones. Returns the user, or null for a wrong email or
 * password (next-auth shows "CredentialsSignin"); throws for a limit or a store failure.
 */
export async function authorizeLocalUser({ email, password, headers }: { email: unknown; password: unknown; headers: Headers }) {
  if (typeof email !== "string" || typeof password !== "string" || !email || !password) return null;
  if (email.length > 320 || password.length > 1024) return null;
  const account = email.trim().toLowerCase();
  const ip = clientIp({ get: (name) => headerValue(headers, name) });
  // The session user id of this account (sessionUserId in options.ts), hashed as everywhere in the store.
  const subject = userKey(`credentials:${account}`);

  const check = async (policy: "signInPerIp" | "signInPerAccount" | "signInAccountSlow", identifier: string) => {
    try {
      return await checkLimit({ policy, identifier });
    } catch {
      throw new Error(SIGNIN_ERRORS.unavailable);
    }
  };
  for (const [policy, identifier] of [
    ["signInPerIp", ip],
    ["signInPerAccount", `${account}\n${ip}`],
  ] as const) {
    const result = await check(policy, identifier);
    if (!result.success) {
      await audit({ kind: "auth.signin_limited", user: subject, route: "signin", reason: policy });
      throw new Error(`${SIGNIN_ERRORS.rateLimited}:${retryAfterSeconds(result)}`);
    }
  }
  if (!(await check("signInAccountSlow", account)).success) {
    await audit({ kind: "auth.signin_limited", user: subject, route: "signin", reason: "signInAccountSlow" });
    await new Promise((resolve) => setTimeout(resolve, SIGNIN_SLOWDOWN_MS));
  }

  const user = env().auth.localUsers.find((u) => u.email === account);
  const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
  await audit(
    ok
      ? { kind: "auth.signin_succeeded", user: subject, route: "signin", reason: "credentials" }
      : { kind: "auth.signin_failed", user: subject, route: "signin", reason: "wrong_password" },
  );
  return ok ? { id: account, email: account, name: null } : null;
}

function headerValue(headers: Headers, name: string): string | null {
  const value = headers?.[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}
