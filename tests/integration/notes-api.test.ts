/**
 * The notes API over HTTP, against `next start` on a real Redis. The app has no route that writes a
 * note (only the approved save_note tool will), so the test saves notes the way the tool will: through
 * the Redis note store, here from the test process, on the same Redis, under the same key prefix and
 * encryption key. No test-only route exists in the app.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey, Keyring, parseKeyList } from "../../lib/crypto/keyring";
import { RedisNoteStore } from "../../lib/notes/redis-store";
import type { Note } from "../../lib/wire";
import { pageCall, sessionCache } from "../support/app-calls";
import { startApp, type AppServer } from "../support/app-server";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import type { MockUpstream } from "../support/mock-upstream";
import { startRedisRig, type RedisRig } from "../support/redis-clients";
import { appEnv, makeUsers, type TestUser } from "../support/test-env";

type Name = "alice" | "bob" | "carol";
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

let rig: RedisRig;
let openai: MockUpstream;
let anthropic: MockUpstream;
let app: AppServer;
let users: Record<Name, TestUser>;
let notes: RedisNoteStore;
const session = sessionCache<Name>(() => users);

beforeAll(async () => {
  [rig, openai, anthropic] = await Promise.all([startRedisRig(), startMockOpenAI(), startMockAnthropic()]);
  const made = await makeUsers(["alice", "bob", "carol"].map((n) => `${n}-${randomBytes(3).toString("hex")}`));
  const [alice, bob, carol] = Object.values(made.users) as [TestUser, TestUser, TestUser];
  users = { alice, bob, carol };
  const prefix = `notes-${randomBytes(3).toString("hex")}`;
  const key = generateKey();
  notes = new RedisNoteStore(rig.overTcp(), { prefix, keyring: new Keyring(parseKeyList(key) as Buffer[]) });
  app = await startApp({
    name: "notes-api",
    env: appEnv({
      openaiUrl: openai.url,
      anthropicUrl: anthropic.url,
      authLocalUsers: made.authLocalUsers,
      extra: { REDIS_URL: rig.server.url, STORE_KEY_PREFIX: prefix, CONVERSATION_ENCRYPTION_KEY: key },
    }),
  });
});

afterAll(async () => {
  await app?.stop();
  await rig?.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

/** The session user id of a local account (lib/auth/options.ts sessionUserId), as the tool will be given it. */
const userIdOf = (name: Name) => `credentials:${users[name].email}`;

async function call(name: Name | undefined, path: string, { method = "GET", origin }: { method?: string; origin?: string } = {}) {
  return pageCall(app.url, path, { method, origin, cookie: name ? await session(app.url, name) : undefined });
}

async function listOf(name: Name): Promise<Note[]> {
  const res = await call(name, "/api/notes");
  expect(res.status).toBe(200);
  return ((await res.json()) as { notes: Note[] }).notes;
}

async function expectRefused(res: Response, status: number, code: string): Promise<ErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/json");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toMatch(/stack|ZodError|"issues"/);
  return body;
}

describe("GET /api/notes", () => {
  it("answers a user with no notes 200 {notes: []}, not cached", async () => {
    const res = await call("carol", "/api/notes");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ notes: [] });
  });

  it("lists the user's own notes only, whole and newest first", async () => {
    const first = await notes.add({ userId: userIdOf("alice"), title: "Wi-Fi", body: "The guest network is Harbour." });
    await new Promise((resolve) => setTimeout(resolve, 3));
    const second = await notes.add({ userId: userIdOf("alice"), title: "Door code", body: "4711" });
    const bobs = await notes.add({ userId: userIdOf("bob"), title: "Bob's note", body: "bob's text" });

    expect(await listOf("alice")).toEqual([second, first]);
    expect(await listOf("bob")).toEqual([bobs]);
    expect(await listOf("carol")).toEqual([]);
  });
});

describe("DELETE /api/notes/:id", () => {
  it("answers another user's note id exactly as an id that never existed: 404 not_found, and deletes nothing", async () => {
    const alices = await notes.add({ userId: userIdOf("alice"), title: "Alice only", body: "private" });
    const byBob = await call("bob", `/api/notes/${alices.id}`, { method: "DELETE" });
    const unknown = await call("bob", `/api/notes/${randomUUID()}`, { method: "DELETE" });
    const [byBobBody, unknownBody] = [await expectRefused(byBob, 404, "not_found"), await expectRefused(unknown, 404, "not_found")];
    expect(byBobBody).toEqual(unknownBody);
    expect(byBobBody.error.message).toBe("That note does not exist. It may have been deleted already.");
    expect((await listOf("alice")).map((n) => n.id)).toContain(alices.id);
  });

  it("deletes the user's own note: 204 with no body, then 404 for the same id", async () => {
    const doomed = await notes.add({ userId: userIdOf("bob"), title: "Temporary", body: "" });
    const res = await call("bob", `/api/notes/${doomed.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await listOf("bob")).map((n) => n.id)).not.toContain(doomed.id);
    await expectRefused(await call("bob", `/api/notes/${doomed.id}`, { method: "DELETE" }), 404, "not_found");
  });

  it.each(["not-a-uuid", "123", `${randomUUID()}x`, "g0000000-0000-4000-8000-000000000000"])(
    "refuses the malformed id %s with 400 naming the field",
    async (id) => {
      const body = await expectRefused(await call("bob", `/api/notes/${id}`, { method: "DELETE" }), 400, "invalid_request");
      expect(body.error.fields).toEqual({ id: "must be a note id (a UUID)" });
    },
  );
});

describe("refusals before any note is read", () => {
  it("refuses a request with no session with 401", async () => {
    await expectRefused(await call(undefined, "/api/notes"), 401, "unauthorized");
    await expectRefused(await call(undefined, `/api/notes/${randomUUID()}`, { method: "DELETE" }), 401, "unauthorized");
  });

  it("refuses a signed-in request from another site with 403, and deletes nothing", async () => {
    const kept = await notes.add({ userId: userIdOf("bob"), title: "Kept", body: "" });
    await expectRefused(await call("bob", "/api/notes", { origin: "https://evil.example" }), 403, "cross_site");
    await expectRefused(await call("bob", `/api/notes/${kept.id}`, { method: "DELETE", origin: "https://evil.example" }), 403, "cross_site");
    expect((await listOf("bob")).map((n) => n.id)).toContain(kept.id);
  });

  it("has no way to write a note: POST, PUT and PATCH are not routes", async () => {
    const before = await listOf("bob");
    for (const method of ["POST", "PUT", "PATCH"]) {
      const res = await call("bob", "/api/notes", { method });
      expect(res.status, method).toBe(405);
      await res.body?.cancel();
    }
    expect(await listOf("bob")).toEqual(before);
  });
});

describe("DELETE /api/account/data", () => {
  it("deletes the user's notes too and reports how many, leaving other users' notes", async () => {
    const fresh = await call("carol", "/api/account/data", { method: "DELETE" });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toEqual({ deletedConversations: 0, deletedNotes: 0, deletedAttachments: 0 });

    const alices = (await listOf("alice")).length;
    expect(alices).toBeGreaterThan(0);
    const bobsBefore = await listOf("bob");
    const wipe = await call("alice", "/api/account/data", { method: "DELETE" });
    expect(wipe.status).toBe(200);
    expect(await wipe.json()).toEqual({ deletedConversations: 0, deletedNotes: alices, deletedAttachments: 0 });
    expect(await listOf("alice")).toEqual([]);
    expect(await listOf("bob")).toEqual(bobsBefore);
  });
});
