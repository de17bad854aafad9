/** Sign-in through next-auth's credentials provider, and its per-account and per-IP attempt limits. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../support/app-server";
import { attemptSignIn } from "../support/auth";
import { appEnv, makeUsers, type TestUser } from "../support/test-env";

let app: AppServer;
let users: Record<string, TestUser>;

beforeAll(async () => {
  const made = await makeUsers(["alice", "bob", "carol", "dave", "erin"]);
  users = made.users;
  app = await startApp({
    name: "signin",
    env: appEnv({ openaiUrl: "http://127.0.0.1:9/v1", anthropicUrl: "http://127.0.0.1:9", authLocalUsers: made.authLocalUsers, extra: { SIGNIN_RATE_LIMIT_ACCOUNT: "3/15m", SIGNIN_RATE_LIMIT_IP: "5/15m" } }),
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
  it("lock an account after too many attempts, even from many IPs and with the right password", async () => {
    const carol = users.carol!;
    for (let i = 0; i < 3; i += 1) {
      const result = await attemptSignIn({ baseUrl: app.url, email: carol.email, password: `guess-${i}`, headers: from(`10.1.0.${i}`) });
      expect(result.error).toBe("CredentialsSignin");
    }
    const blocked = await attemptSignIn({ baseUrl: app.url, ...carol, headers: from("10.1.0.99") });
    expect(blocked.cookie).toBeNull();
    expect(blocked.error).toMatch(/^rate_limited:\d+$/);
  });

  it("limit attempts per IP across accounts, and only for that IP", async () => {
    const ip = from("10.2.0.1");
    for (let i = 0; i < 5; i += 1) {
      const result = await attemptSignIn({ baseUrl: app.url, email: `spray${i}@example.test`, password: "Winter2026!", headers: ip });
      expect(result.error).toBe("CredentialsSignin");
    }
    const blocked = await attemptSignIn({ baseUrl: app.url, ...users.dave!, headers: ip });
    expect(blocked.error).toMatch(/^rate_limited:\d+$/);
    const elsewhere = await attemptSignIn({ baseUrl: app.url, ...users.erin!, headers: from("10.3.0.1") });
    expect(elsewhere.error).toBeNull();
  });
});
