import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { env } from "../env";
import { authorizeLocalUser } from "./local-accounts";
import { log } from "../log/logger";
import { hashId } from "../log/hash-id";

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
        authorize: (credentials, req) =>
          authorizeLocalUser({ email: credentials?.email, password: credentials?.password, headers: req.headers }),
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
      jwt({ token, account, user }) {
        if (account && user) token.sub = `${account.provider}:${account.providerAccountId || user.id}`;
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
    events: {
      signIn({ account, user }) {
        if (account?.provider !== "credentials") log.info("auth.signin_succeeded", { provider: account?.provider, user: hashId(user.id) });
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
