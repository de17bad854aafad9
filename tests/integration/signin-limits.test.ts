/** Sign-in through next-auth's credentials provider, and its per-account and per-IP attempt limits. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../support/app-server";
import { attemptSignIn } from "../support/auth";
import { appEnv, makeUsers, type TestUser } from "../support/test-env";
import { SIGNIN_SLOWDOWN_MS } from "../../lib/auth/local-accounts";

let app: AppServer;
let users: Record<string, TestUser>;

beforeAll(async () => {
  const made = await makeUsers(["alice", "bob", "carol", "dave", "erin", "frank"]);
  users = made.users;
  app = await startApp({
    name: "signin",
    env: appEnv({
      openaiUrl: "http://127.0.0.1:9/v1",
      anthropicUrl: "http://127.0.0.1:9",
      authLocalUsers: made.authLocalUsers,
      extra: { SIGNIN_RATE_LIMIT_ACCOUNT: "3/15m", SIGNIN_RATE_LIMIT_IP: "5/15m" },
    }),
  });
});

afterAll(async () => app?.stop());

const from = (ip: string) => ({ "X-Forwarded-For": ip });

describe("local accounts", () => {
  it("sign in with the right password and get a session cookie", async () => {
    const result = await attemptSignIn({ baseUrl: app.url, ...users.alice!, headers: from("10.0.0.1") });
    expect(result.error).toBeNull();
    expect(result.cookie).toContain("next-auth.session-token=");
  });

  it("are refused with a wrong password or an unknown email, alike", async () => {
    const wrong = await attemptSignIn({ baseUrl: app.url, email: users.bob!.email, password: "not-the-password", headers: from("10.0.0.2") });
    const unknown = await attemptSignIn({ baseUrl: app.url, email: "nobody@example.test", password: "whatever-password", headers: from("10.0.0.2") });
    expect(wrong).toMatchObject({ cookie: null, error: "CredentialsSignin" });
    expect(unknown).toMatchObject({ cookie: null, error: "CredentialsSignin" });
  });
});

describe("sign-in limits", () => {
  it("cannot be aimed at an owner: failing from many IPs only slows the account down, and the right password still signs in", async () => {
    const carol = users.carol!;
    for (let i = 0; i < 3; i += 1) {
      const result = await attemptSignIn({ baseUrl: app.url, email: carol.email, password: `guess-${i}`, headers: from(`10.1.0.${i}`) });
      expect(result.error).toBe("CredentialsSignin");
    }
    // Past the account's limit (3 here) across IPs: each attempt waits SIGNIN_SLOWDOWN_MS, none is refused.
    const started = performance.now();
    const slowed = await attemptSignIn({ baseUrl: app.url, email: carol.email, password: "guess-3", headers: from("10.1.0.3") });
    expect(slowed.error).toBe("CredentialsSignin");
    expect(performance.now() - started).toBeGreaterThanOrEqual(SIGNIN_SLOWDOWN_MS);
    const owner = await attemptSignIn({ baseUrl: app.url, ...carol, headers: from("10.1.0.99") });
    expect(owner.error).toBeNull();
    expect(owner.cookie).toContain("next-auth.session-token=");
  });

  it("refuse an account from one IP after too many attempts there, the right password included, and only there", async () => {
    const dave = users.dave!;
    for (let i = 0; i < 3; i += 1) {
      const result = await attemptSignIn({ baseUrl: app.url, email: dave.email, password: `guess-${i}`, headers: from("10.4.0.1") });
      expect(result.error).toBe("CredentialsSignin");
    }
    const blocked = await attemptSignIn({ baseUrl: app.url, ...dave, headers: from("10.4.0.1") });
    expect(blocked.cookie).toBeNull();
    expect(blocked.error).toMatch(/^rate_limited:\d+$/);
    const elsewhere = await attemptSignIn({ baseUrl: app.url, ...dave, headers: from("10.4.0.2") });
    expect(elsewhere.error).toBeNull();
  });

  it("limit attempts per IP across accounts, and only for that IP", async () => {
    const ip = from("10.2.0.1");
    for (let i = 0; i < 5; i += 1) {
      const result = await attemptSignIn({ baseUrl: app.url, email: `spray${i}@example.test`, password: "Winter2026!", headers: ip });
      expect(result.error).toBe("CredentialsSignin");
    }
    const blocked = await attemptSignIn({ baseUrl: app.url, ...users.frank!, headers: ip });
    expect(blocked.error).toMatch(/^rate_limited:\d+$/);
    const elsewhere = await attemptSignIn({ baseUrl: app.url, ...users.erin!, headers: from("10.3.0.1") });
    expect(elsewhere.error).toBeNull();
  });
});
