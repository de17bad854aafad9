import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { env } from "../env";
import { authorizeLocalUser } from "./local-accounts";
import { log } from "../log/logger";
import { audit } from "../audit/audit";
import { storeOp } from "../store/call";
import { userControlStore } from "../accounts/controls";
import { userKey } from "../store/keys";
import { readUserControls, sessionsEndedForPage } from "./access";
import { safeCallbackUrl } from "./safe-callback-url";
import { withinLifetime } from "./session";

/** The user id a session carries: namespaced by provider, so `github:42` and a local account never collide. */
export function sessionUserId(provider: string, accountId: string): string {
  return `${provider}:${accountId}`;
}

/**
 * next-auth's configuration, built once from the environment. JWT sessions (no database), short
 * lived; user ids are namespaced by provider so that `github:42` and a local account never collide.
 */
let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const { auth } = env();
  const providers: NextAuthOptions["providers"] = [];
  if (auth.localUsers.length > 0) {
    providers.push(
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials, req) => authorizeLocalUser({ email: credentials?.email, password: credentials?.password, headers: req.headers }),
      }),
    );
  }
  if (auth.github) providers.push(GitHubProvider(auth.github));
  if (auth.google) providers.push(GoogleProvider(auth.google));

  cached = {
    secret: auth.secret,
    providers,
    session: { strategy: "jwt", maxAge: auth.sessionMaxAgeSeconds, updateAge: Math.floor(auth.sessionMaxAgeSeconds / 4) },
    jwt: { maxAge: auth.sessionMaxAgeSeconds },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      // An account an admin has blocked cannot sign in again (next-auth shows AccessDenied). A store
      // that does not answer refuses too: the block list cannot be checked.
      async signIn({ account, user }) {
        if (!account) return false;
        const id = sessionUserId(account.provider, account.providerAccountId || user.id);
        try {
          // The same check as every request's (lib/auth/access.ts): it audits a blocked user and throws.
          await readUserControls(id, { route: "signin" });
          // The dashboard names people by the address they signed in with (encrypted on Redis).
          const email = user.email?.toLowerCase();
          if (email) await storeOp("user_directory.remember", async () => (await userControlStore()).remember(userKey(id), email));
          return true;
        } catch {
          return false;
        }
      },
      // Where the browser goes after signing in or out: a path on this site or a URL of its origin,
      // else the home page. next-auth's default throws on anything else (a callbackUrl of "foo" in a
      // form, a query or its cookie), which answered unauthenticated requests with a 500.
      redirect({ url, baseUrl }) {
        return safeRedirect({ url, baseUrl });
      },
      // Every read of a session (pages, /api/auth/session) passes here. A session begins at sign-in
      // (`authTime`) and ends SESSION_MAX_AGE_SECONDS later, however often next-auth refreshes its
      // cookie, or when the user signs out (events.signOut). Throwing makes next-auth answer "no
      // session" and clear the cookie. A store that does not answer ends nothing here: the API
      // routes read the same record and fail closed.
      async jwt({ token, account, user }) {
        if (account && user) {
          token.sub = sessionUserId(account.provider, account.providerAccountId || user.id);
          token.authTime = Date.now();
          return token;
        }
        if (!withinLifetime(token.authTime)) throw new Error("session_expired");
        const ended = token.sub ? await sessionsEndedForPage(token.sub) : undefined;
        if (ended !== undefined && token.authTime < ended) throw new Error("session_ended");
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
    events: {
      // Signing out ends every session of the user on the server, not only this browser's cookie:
      // a copy of the cookie taken earlier stops working on every instance.
      async signOut({ token }) {
        if (!token?.sub) return;
        try {
          await storeOp("user_controls.end_sessions", async () => (await userControlStore()).endSessions(userKey(token.sub as string), Date.now()));
          await audit({ kind: "auth.signed_out", user: userKey(token.sub), route: "signout" });
        } catch {
          log.error("auth.signout_not_recorded", { user: userKey(token.sub) });
        }
      },
      // Local accounts are audited where the password is checked (local-accounts.ts), failures included.
      async signIn({ account, user }) {
        if (!account || account.provider === "credentials") return;
        await audit({
          kind: "auth.signin_succeeded",
          user: userKey(sessionUserId(account.provider, account.providerAccountId || user.id)),
          route: "signin",
          reason: account.provider,
        });
      },
    },
    logger: {
      // next-auth's own messages can carry request details: keep only their codes.
      error: (code) => log.error("auth.error", { code }),
      warn: (code) => log.warn("auth.warning", { code }),
      debug: () => {},
    },
  };
  return cached;
}

/** `url` if it stays on `baseUrl`'s origin (as a path or an absolute URL), as an absolute URL; else `baseUrl`. */
export function safeRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  if (url.startsWith("/")) {
    const path = safeCallbackUrl(url);
    return path === "/" ? baseUrl : `${baseUrl}${path}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return baseUrl;
  }
  if (parsed.origin !== new URL(baseUrl).origin) return baseUrl;
  const path = safeCallbackUrl(`${parsed.pathname}${parsed.search}${parsed.hash}`);
  return path === "/" ? baseUrl : `${baseUrl}${path}`;
}
