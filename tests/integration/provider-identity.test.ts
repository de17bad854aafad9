/**
 * Who the provider is told a request came from: OpenAI's `safety_identifier` and Anthropic's
 * `metadata.user_id`, as the mock upstreams received them from the real SDKs, through both doors (the
 * chat UI with a session, the relay with a key). Proven here: the id is there on every call, the same
 * for a user's every request (and their relay keys', which are theirs), different between users, an
 * HMAC under NEXTAUTH_SECRET of the user id that this test recomputes (another secret, on a second
 * instance, gives another id), neither the email nor the user id nor the hash the logs or the store use;
 * and what a relay client writes in `user`, `safety_identifier` or `metadata` never reaches the provider.
 */
import { createHmac } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { userKey } from "../../lib/store/keys";
import { startApp, type AppServer } from "../support/app-server";
import { pageCall, sessionCache } from "../support/app-calls";
import { postChat, readEvents } from "../support/chat-client";
import { fakeSecret } from "../support/fake-keys";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import { isRecord, type MockUpstream, type RecordedRequest } from "../support/mock-upstream";
import { appEnv, makeUsers, runSecrets, type TestUser } from "../support/test-env";

const NAMES = ["alice", "bob"] as const;
type Name = (typeof NAMES)[number];
const OPENAI_MODEL = "openai:gpt-4o-mini";
const ANTHROPIC_MODEL = "anthropic:claude-sonnet-4-6";

let openai: MockUpstream;
let anthropic: MockUpstream;
let users: Record<Name, TestUser>;
let app: AppServer;
/** The same users on an instance with another NEXTAUTH_SECRET. */
let rekeyed: AppServer;
const otherSecret = fakeSecret();

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  const made = await makeUsers([...NAMES]);
  users = made.users as Record<Name, TestUser>;
  const env = appEnv({ openaiUrl: openai.url, anthropicUrl: anthropic.url, authLocalUsers: made.authLocalUsers });
  [app, rekeyed] = await Promise.all([
    startApp({ name: "identity", env }),
    startApp({ name: "identity-rekeyed", env: { ...env, NEXTAUTH_SECRET: otherSecret } }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([app?.stop(), rekeyed?.stop()]);
  await Promise.all([openai?.close(), anthropic?.close()]);
});

beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

const sessionOf = sessionCache<Name>(() => users);

/** The session user id of a local account (sessionUserId in lib/auth/options.ts). */
const userIdOf = (name: Name) => `credentials:${users[name].email}`;

/** The id, recomputed here from its definition rather than imported from the code under test. */
const expectedId = (name: Name, secret = runSecrets.nextauthSecret) =>
  createHmac("sha256", secret)
    .update(`provider:${userIdOf(name)}`)
    .digest("base64url");

/** The log's name for a user (hashId(userKey(id)) in lib/log/hash-id.ts), recomputed the same way. */
const logHashOf = (name: Name) =>
  createHmac("sha256", runSecrets.nextauthSecret)
    .update(`log:${userKey(userIdOf(name))}`)
    .digest("base64url")
    .slice(0, 16);

/** The identifier each provider's request carried, and nothing else that names a user. */
function identityOf(request: RecordedRequest, provider: "openai" | "anthropic"): string {
  const body = request.body;
  if (!isRecord(body)) throw new Error("the upstream request had no JSON body");
  // The deprecated `user` is never sent: safety_identifier replaces it.
  expect(body).not.toHaveProperty("user");
  if (provider === "openai") {
    expect(body).not.toHaveProperty("metadata");
    expect(typeof body.safety_identifier).toBe("string");
    return body.safety_identifier as string;
  }
  expect(isRecord(body.metadata) && Object.keys(body.metadata)).toEqual(["user_id"]);
  const id = (body.metadata as Record<string, unknown>).user_id;
  expect(typeof id).toBe("string");
  return id as string;
}

/** One chat through the UI's door; the reply is read to the end, so the upstream request is complete. */
async function chat(target: AppServer, name: Name, model: string): Promise<void> {
  const res = await postChat({ baseUrl: target.url, cookie: await sessionOf(target.url, name), body: { message: "What is a good name for a cat?", model } });
  expect(res.status).toBe(200);
  expect((await readEvents(res)).at(-1)?.type).toBe("done");
}

function upstream(provider: "openai" | "anthropic"): MockUpstream {
  return provider === "openai" ? openai : anthropic;
}

/** Every way the id must not be made: the person's address or id, or the hashes the logs and the store use. */
function expectNothingThatNames(name: Name, id: string, request: RecordedRequest) {
  const sent = JSON.stringify(request.body);
  for (const identifying of [users[name].email, userIdOf(name), userKey(userIdOf(name)), logHashOf(name)]) {
    expect(id).not.toContain(identifying);
    expect(sent).not.toContain(identifying);
  }
  expect(id).not.toContain(name);
}

describe.each(["openai", "anthropic"] as const)("the chat UI, %s", (provider) => {
  const model = provider === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL;

  it("sends the user's keyed id: the same on each of their requests, another user's differs", async () => {
    await chat(app, "alice", model);
    await chat(app, "alice", model);
    await chat(app, "bob", model);
    const requests = upstream(provider).requests;
    expect(requests).toHaveLength(3);
    const [first, second, bobs] = requests.map((request) => identityOf(request, provider));
    expect(first).toBe(second);
    expect(bobs).not.toBe(first);
    // An HMAC-SHA256 under NEXTAUTH_SECRET of the session's user id, with the provider prefix.
    expect(first).toBe(expectedId("alice"));
    expect(bobs).toBe(expectedId("bob"));
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("names no one: not the email, not the user id, not the store's or the log's hash of them", async () => {
    await chat(app, "alice", model);
    const [request] = upstream(provider).requests;
    const id = identityOf(request!, provider);
    // The log hash recomputed here is the one the app really logs for alice, so comparing with it means something.
    expect(app.logs()).toContain(`"user":"${logHashOf("alice")}"`);
    expect(id).not.toBe(logHashOf("alice"));
    expect(id).not.toBe(userKey(userIdOf("alice")));
    expectNothingThatNames("alice", id, request!);
  });

  it("is keyed: the same user on an instance with another NEXTAUTH_SECRET gets another id", async () => {
    await chat(app, "alice", model);
    await chat(rekeyed, "alice", model);
    const [here, there] = upstream(provider).requests.map((request) => identityOf(request, provider));
    expect(there).not.toBe(here);
    expect(there).toBe(expectedId("alice", otherSecret));
    expect(here).toBe(expectedId("alice"));
  });
});

describe("the relay (/api/v1), with a user's API key", () => {
  const keys: Partial<Record<Name, string>> = {};

  async function keyOf(name: Name): Promise<string> {
    if (keys[name]) return keys[name];
    const res = await pageCall(app.url, "/api/keys", { method: "POST", json: { name: "identity test" }, cookie: await sessionOf(app.url, name) });
    expect(res.status).toBe(201);
    keys[name] = ((await res.json()) as { key: string }).key;
    return keys[name];
  }

  const sdk = async (name: Name) => new OpenAI({ baseURL: `${app.url}/api/v1`, apiKey: await keyOf(name), maxRetries: 0 });

  it.each(["openai", "anthropic"] as const)("sends the key owner's id to %s, the same as their chat's, and another owner's differs", async (provider) => {
    const model = provider === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL;
    for (const name of ["alice", "bob"] as const) {
      const completion = await (await sdk(name)).chat.completions.create({ model, messages: [{ role: "user", content: "What is a good name for a dog?" }] });
      expect(completion.choices[0]?.message.content).toBeTruthy();
    }
    await chat(app, "alice", model);
    const [aliceRelay, bobRelay, aliceChat] = upstream(provider).requests.map((request) => identityOf(request, provider));
    expect(aliceRelay).toBe(expectedId("alice"));
    expect(aliceRelay).toBe(aliceChat);
    expect(bobRelay).toBe(expectedId("bob"));
    expect(bobRelay).not.toBe(aliceRelay);
  });

  it.each(["openai", "anthropic"] as const)("never forwards the client's own user, safety_identifier or metadata to %s", async (provider) => {
    const model = provider === "openai" ? OPENAI_MODEL : ANTHROPIC_MODEL;
    // What a client might write there: its user's address, or someone else's identity to hide behind.
    const claimed = {
      user: users.bob.email,
      safety_identifier: `claimed-${crypto.randomUUID()}`,
      metadata: { user_id: expectedId("bob"), tag: `tag-${crypto.randomUUID()}` },
    };
    const completion = await (await sdk("alice")).chat.completions.create({
      model,
      messages: [{ role: "user", content: "What is a good name for a goldfish?" }],
      ...claimed,
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();

    const [request] = upstream(provider).requests;
    expect(identityOf(request!, provider)).toBe(expectedId("alice"));
    const sent = JSON.stringify(request!.body);
    for (const value of [claimed.user, claimed.safety_identifier, claimed.metadata.user_id, claimed.metadata.tag]) expect(sent).not.toContain(value);
    expectNothingThatNames("alice", identityOf(request!, provider), request!);
  });
});
