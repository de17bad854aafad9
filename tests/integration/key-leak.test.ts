/**
 * Provider keys live only on the server. The fake keys below were in the environment when the app
 * was built (npm test builds with them) and are in it now at run time: they must appear nowhere in
 * what the build ships to browsers, in any page, in any response, or in the app's log. The same
 * goes for what users type: the log carries metadata, not content.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startApp, type AppServer } from "../support/app-server";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import type { MockUpstream } from "../support/mock-upstream";
import { signIn } from "../support/auth";
import { postChat } from "../support/chat-client";
import { appEnv, makeUsers, runSecrets, type TestUser } from "../support/test-env";

let app: AppServer;
let openai: MockUpstream;
let anthropic: MockUpstream;
let alice: TestUser;
let cookie: string;
const secrets = () => [runSecrets.openaiKey, runSecrets.anthropicKey, runSecrets.nextauthSecret];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else yield full;
  }
}

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  const made = await makeUsers(["alice"]);
  alice = made.users.alice!;
  app = await startApp({ name: "leak", env: appEnv({ openaiUrl: openai.url, anthropicUrl: anthropic.url, authLocalUsers: made.authLocalUsers }) });
  cookie = await signIn({ baseUrl: app.url, ...alice });
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

describe("the client bundle", () => {
  it("was built with the fake keys present (or this test would prove nothing)", () => {
    if (!process.env.BULWARK_TEST_OPENAI_KEY) {
      throw new Error("Run through `npm test`, which builds the app with this run's fake keys in the environment.");
    }
  });

  it("contains none of the keys or the session secret in .next/static", () => {
    const dir = path.join(ROOT, ".next/static");
    let scanned = 0;
    for (const file of files(dir)) {
      const content = readFileSync(file, "latin1");
      scanned += 1;
      for (const secret of secrets()) expect(content.includes(secret), `${file} contains a secret`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(5);
  });
});

describe("pages, responses and logs", () => {
  it("serves pages without any secret", async () => {
    for (const [page, headers] of [
      ["/signin", {}],
      ["/", { Cookie: cookie }],
    ] as const) {
      const res = await fetch(`${app.url}${page}`, { headers });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html.length).toBeGreaterThan(500);
      for (const secret of secrets()) expect(html).not.toContain(secret);
    }
  });

  it("answers chats and provider failures without any secret, and logs no key, prompt or email", async () => {
    const marker = `private-words-${crypto.randomUUID()}`;
    const bodies: string[] = [];
    for (const [message, model] of [
      [`${marker} hello`, "openai:gpt-4o-mini"],
      [`${marker} hello`, "anthropic:claude-sonnet-4-6"],
      [`${marker} [[mock:status 401]]`, "openai:gpt-4o-mini"],
      [`${marker} [[mock:status 403]]`, "anthropic:claude-sonnet-4-6"],
      [`${marker} [[mock:cut]]`, "openai:gpt-4o-mini"],
    ] as const) {
      const res = await postChat({ baseUrl: app.url, cookie, body: { message, model } });
      bodies.push(`${JSON.stringify([...res.headers])}\n${await res.text()}`);
    }
    await new Promise((r) => setTimeout(r, 300)); // let the last log lines flush
    const logs = app.logs();
    expect(logs).toMatch(/"event":"chat.reply"/);
    for (const secret of secrets()) {
      for (const body of bodies) expect(body).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toContain(marker);
    expect(logs).not.toContain(alice.email);
    expect(logs).not.toContain(alice.password);
  });
});
