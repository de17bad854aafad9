/**
 * The admin's view of personal API keys, against the production build on a real Redis: the list
 * names each key's owner and shows its prefix, last use and usage, and never the key; the admin
 * revokes any key from the dashboard's plain form (or as JSON), which is audited with the admin as
 * actor and takes the key away from its owner; nobody but an admin can tell the routes exist; a store
 * that does not answer is a notice in the section, not a broken page.
 */
import IORedis from "ioredis";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCount, formatTime, formatUsd } from "../../components/admin/format";
import { generateKey } from "../../lib/crypto/keyring";
import { apiKeyTokensKey, storeKey, userKey, utcDay } from "../../lib/store/keys";
import { startApp, type AppServer } from "../support/app-server";
import { pageCall, sessionCache, type Send } from "../support/app-calls";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import type { MockUpstream } from "../support/mock-upstream";
import { startRedis, type RedisServer } from "../support/redis-server";
import { appEnv, makeUsers, type TestUser } from "../support/test-env";

const NAMES = ["admin", "alice", "mallory"] as const;
type Name = (typeof NAMES)[number];

let redis: RedisServer;
let openai: MockUpstream;
let anthropic: MockUpstream;
let users: Record<Name, TestUser>;
let app: AppServer;
let prefix: string;

const keyOf = (name: Name) => userKey(`credentials:${name}@example.test`);
/** Any full relay key: `bwk_` and 46 base62 characters (lib/api-keys/key-format.ts). */
const FULL_KEY = /bwk_[0-9A-Za-z]{46}/;

beforeAll(async () => {
  [redis, openai, anthropic] = await Promise.all([startRedis(), startMockOpenAI(), startMockAnthropic()]);
  const made = await makeUsers([...NAMES]);
  users = made.users as Record<Name, TestUser>;
  prefix = `adm-keys-${crypto.randomUUID().slice(0, 8)}`;
  const env = appEnv({
    openaiUrl: openai.url,
    anthropicUrl: anthropic.url,
    authLocalUsers: made.authLocalUsers,
    extra: { REDIS_URL: redis.url, STORE_KEY_PREFIX: prefix, CONVERSATION_ENCRYPTION_KEY: generateKey(), ADMIN_EMAILS: "Admin@Example.test" },
  });
  app = await startApp({ name: "admin-api-keys", env });
});

afterAll(async () => {
  await app?.stop();
  await redis?.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

const call = (path: string, send?: Send) => pageCall(app.url, path, send);
const session = sessionCache<Name>(() => users);
const signInAs = (name: Name) => session(app.url, name);

type Usage = { requests: number; inputTokens: number; outputTokens: number; costUsd: number; tokensToday: number };
type KeyView = {
  id: string;
  name: string;
  prefix: string;
  models: string[] | null;
  status: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  usage: Usage;
};
type AdminKey = KeyView & { owner: string; ownerEmail: string | null };
type AuditEvent = { kind: string; user?: string; actor?: string; apiKey?: string; route?: string };

async function createKey(name: Name, body: Record<string, unknown>): Promise<KeyView & { key: string }> {
  const res = await call("/api/keys", { method: "POST", cookie: await signInAs(name), json: body });
  expect(res.status).toBe(201);
  return (await res.json()) as KeyView & { key: string };
}

async function ownKeys(name: Name): Promise<KeyView[]> {
  const res = await call("/api/keys", { cookie: await signInAs(name) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: KeyView[] }).keys;
}

async function adminList(): Promise<{ text: string; enabled: boolean; keys: AdminKey[] }> {
  const res = await call("/api/admin/api-keys", { cookie: await signInAs("admin") });
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  const text = await res.text();
  return { text, ...(JSON.parse(text) as { enabled: boolean; keys: AdminKey[] }) };
}

async function adminPage(query = ""): Promise<{ html: string; doc: Document }> {
  const res = await call(`/admin${query}`, { cookie: await signInAs("admin") });
  expect(res.status).toBe(200);
  const html = await res.text();
  return { html, doc: new JSDOM(html).window.document };
}

async function adminEvents(query: string): Promise<AuditEvent[]> {
  const res = await call(`/api/admin/events${query}`, { cookie: await signInAs("admin") });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: AuditEvent[] }).events;
}

/**
 * Usage as the relay records it (lib/api-keys/store.ts, lib/store/keys.ts), written straight into
 * Redis: this file tests what the dashboard shows of it, and needs no provider round trip for that.
 */
async function recordUse(
  id: string,
  { at, requests, inputTokens, outputTokens, costMicroUsd }: { at: number; requests: number; inputTokens: number; outputTokens: number; costMicroUsd: number },
) {
  const client = new IORedis(redis.url);
  try {
    const record = storeKey(prefix, "relaykey", id);
    expect(await client.exists(record)).toBe(1);
    await client.hset(record, {
      lastUsedAt: String(at),
      "usage:requests": requests,
      "usage:inputTokens": inputTokens,
      "usage:outputTokens": outputTokens,
      "usage:costMicroUsd": costMicroUsd,
    });
    await client.set(apiKeyTokensKey(prefix, utcDay(at), id), String(inputTokens + outputTokens));
  } finally {
    client.disconnect();
  }
}

/** The keys alice made, by what the tests call them. */
const made: Record<"laptop" | "ci" | "spare", KeyView & { key: string }> = {} as never;

describe("the admin's list of API keys", () => {
  it("shows every key with its owner, prefix, models, status, last use and usage, the most recently used first, and never a key", async () => {
    made.laptop = await createKey("alice", { name: "laptop" });
    made.ci = await createKey("alice", { name: "ci", models: ["openai:gpt-4o-mini"], expiresInDays: 30 });
    const usedAt = Date.now() - 60_000;
    await recordUse(made.laptop.id, { at: usedAt, requests: 3, inputTokens: 1_200, outputTokens: 345, costMicroUsd: 1_234 });

    const { text, enabled, keys } = await adminList();
    expect(enabled).toBe(true);
    // The key used most recently first, then the ones never used (here: one, newer than the first).
    expect(keys.map((k) => k.id)).toEqual([made.laptop.id, made.ci.id]);
    const [laptop, ci] = keys as [AdminKey, AdminKey];
    expect(laptop).toMatchObject({
      owner: keyOf("alice"),
      ownerEmail: "alice@example.test",
      name: "laptop",
      prefix: made.laptop.key.slice(0, 10),
      models: null,
      status: "active",
      expiresAt: null,
      lastUsedAt: new Date(usedAt).toISOString(),
      usage: { requests: 3, inputTokens: 1_200, outputTokens: 345, costUsd: 0.001234, tokensToday: 1_545 },
    });
    expect(ci).toMatchObject({
      owner: keyOf("alice"),
      ownerEmail: "alice@example.test",
      name: "ci",
      prefix: made.ci.key.slice(0, 10),
      models: ["openai:gpt-4o-mini"],
      status: "active",
      expiresAt: made.ci.expiresAt,
      lastUsedAt: null,
      usage: { requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, tokensToday: 0 },
    });
    // Never the key, under any field name, nor anything shaped like one.
    for (const key of keys) expect(key).not.toHaveProperty("key");
    for (const { key } of [made.laptop, made.ci]) expect(text).not.toContain(key);
    expect(text).not.toMatch(FULL_KEY);
    expect(text).not.toMatch(/"hmac"|ownerId/);
  });

  it("shows the same on the dashboard, with a Revoke form per key, and never a key", async () => {
    const { html, doc } = await adminPage();
    const section = doc.querySelector('[data-testid="admin-section-api-keys"]');
    expect(section?.querySelector("h2")?.textContent).toBe("API keys");
    expect(doc.querySelector('.admin-header__nav a[href="#api-keys"]')?.textContent).toBe("API keys");
    const rows = [...(section?.querySelectorAll('[data-testid="api-key-row"]') ?? [])];
    expect(rows.map((r) => r.getAttribute("data-api-key-id"))).toEqual([made.laptop.id, made.ci.id]);

    const text = (root: ParentNode | null | undefined, id: string) => root?.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();
    const [laptop, ci] = rows;
    expect(text(laptop, "api-key-owner")).toBe("alice@example.test");
    expect(text(laptop, "api-key-name")).toBe("laptop");
    expect(text(laptop, "api-key-prefix")).toBe(`${made.laptop.key.slice(0, 10)}…`);
    expect(text(laptop, "api-key-models")).toBe("all");
    expect(laptop?.querySelector('[data-testid="api-key-status"]')?.getAttribute("data-status")).toBe("active");
    expect(text(laptop, "api-key-last-used")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    expect(text(laptop, "api-key-requests")).toBe(`${formatCount(3)} requests`);
    expect(text(laptop, "api-key-usage")).toContain(`${formatCount(1_200)} in · ${formatCount(345)} out`);
    expect(text(laptop, "api-key-cost")).toBe(formatUsd(1_234));
    expect(text(laptop, "api-key-usage")).toContain(`${formatCount(1_545)} tokens today`);
    expect(text(ci, "api-key-models")).toBe("openai:gpt-4o-mini");
    expect(text(ci, "api-key-last-used")).toBe("never");
    expect(text(ci, "api-key-status")).toContain(`until ${formatTime(made.ci.expiresAt!)}`);

    // A plain form, no script: it posts straight to the admin API.
    const form = laptop?.querySelector('[data-testid="revoke-api-key"]')?.closest("form");
    expect(form?.getAttribute("method")).toBe("post");
    expect(form?.getAttribute("action")).toBe(`/api/admin/api-keys/${made.laptop.id}/revoke`);
    // Every cell is labelled, so the row reads as a card on a phone.
    expect(laptop?.querySelectorAll("th:not([data-label]), td:not([data-label])")).toHaveLength(0);

    for (const { key } of [made.laptop, made.ci]) expect(html).not.toContain(key);
    expect(html).not.toMatch(FULL_KEY);
  });
});

describe("revoking a key", () => {
  it("from the dashboard's form: back with a notice, gone from its owner's list and the admin's, and audited with the admin as actor", async () => {
    const admin = await signInAs("admin");
    const res = await call(`/api/admin/api-keys/${made.laptop.id}/revoke`, { method: "POST", cookie: admin, form: {} });
    expect(res.status).toBe(303);
    const location = res.headers.get("location");
    expect(location).toBe(`/admin?notice=apikey_revoked&target=${keyOf("alice")}#api-keys`);

    // The page the redirect leads to says so, in the API keys section, naming the owner.
    const { doc } = await adminPage(location!.replace(/^\/admin/, "").replace(/#.*$/, ""));
    const notice = doc.querySelector('[data-testid="admin-section-api-keys"] [data-testid="admin-notice"]');
    expect(notice?.textContent).toBe("alice@example.test: API key revoked. It stops working at once, on every instance.");
    expect(doc.querySelector('[data-testid="admin-section-users"] [data-testid="admin-notice"]')).toBeNull();
    expect([...doc.querySelectorAll('[data-testid="api-key-row"]')].map((r) => r.getAttribute("data-api-key-id"))).toEqual([made.ci.id]);

    expect((await ownKeys("alice")).map((k) => k.id)).toEqual([made.ci.id]);
    expect((await adminList()).keys.map((k) => k.id)).toEqual([made.ci.id]);

    const events = await adminEvents(`?kind=admin.apikey_revoked&user=${keyOf("alice")}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "admin.apikey_revoked", actor: keyOf("admin"), user: keyOf("alice"), apiKey: made.laptop.id, route: "admin" });
    expect(JSON.stringify(events)).not.toMatch(/@|example\.test|bwk_/);
  });

  it("as JSON from a script: the key's id and owner", async () => {
    made.spare = await createKey("alice", { name: "spare" });
    const res = await call(`/api/admin/api-keys/${made.spare.id}/revoke`, { method: "POST", cookie: await signInAs("admin"), json: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apiKey: { id: made.spare.id, owner: keyOf("alice"), revoked: true } });
    expect((await ownKeys("alice")).map((k) => k.id)).toEqual([made.ci.id]);
  });

  it("refuses a key that is gone, an id that is not one, another site's form and a body that is neither, and changes nothing", async () => {
    const admin = await signInAs("admin");
    const gone = await call(`/api/admin/api-keys/${made.laptop.id}/revoke`, { method: "POST", cookie: admin, json: {} });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe("api_key_not_found");
    const goneForm = await call(`/api/admin/api-keys/${made.laptop.id}/revoke`, { method: "POST", cookie: admin, form: {} });
    expect(goneForm.status).toBe(303);
    expect(goneForm.headers.get("location")).toBe("/admin?notice=apikey_not_found#api-keys");

    const bad = await call("/api/admin/api-keys/not-a-key/revoke", { method: "POST", cookie: admin, json: {} });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; fields: Record<string, string> } }).error).toMatchObject({
      code: "invalid_request",
      fields: { id: expect.any(String) },
    });
    const badForm = await call("/api/admin/api-keys/not-a-key/revoke", { method: "POST", cookie: admin, form: {} });
    expect(badForm.headers.get("location")).toBe("/admin?notice=invalid_apikey#api-keys");

    const crossSite = await call(`/api/admin/api-keys/${made.ci.id}/revoke`, { method: "POST", cookie: admin, form: {}, origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe("cross_site");

    const noBody = await call(`/api/admin/api-keys/${made.ci.id}/revoke`, { method: "POST", cookie: admin });
    expect(noBody.status).toBe(415);

    expect((await ownKeys("alice")).map((k) => k.id)).toEqual([made.ci.id]);
    expect(await adminEvents(`?kind=admin.apikey_revoked&user=${keyOf("alice")}`)).toHaveLength(2);
  });
});

describe("nobody but an admin can tell the API key routes exist", () => {
  it("answers signed-out and non-admin callers with the same 404 as an unknown admin address, and revokes nothing", async () => {
    const mallory = await signInAs("mallory");
    const revoke = `/api/admin/api-keys/${made.ci.id}/revoke`;
    const probes: { path: string; send?: Send }[] = [
      { path: "/api/admin/api-keys" },
      { path: revoke, send: { method: "POST", form: {} } },
      { path: revoke, send: { method: "POST", json: {} } },
      { path: revoke, send: { method: "POST", json: {}, origin: "https://evil.example" } },
      // Methods the routes do not serve, addresses under them that do not exist, and one that never did.
      { path: revoke },
      { path: "/api/admin/api-keys", send: { method: "DELETE" } },
      { path: "/api/admin/api-keys", send: { method: "OPTIONS" } },
      { path: `/api/admin/api-keys/${made.ci.id}` },
      { path: `/api/admin/api-keys/${made.ci.id}`, send: { method: "DELETE" } },
      { path: "/api/admin/no-such-route" },
    ];

    const bodies = new Set<string>();
    for (const cookie of [undefined, mallory]) {
      for (const { path, send } of probes) {
        const res = await call(path, { ...send, cookie });
        const method = send?.method ?? "GET";
        expect({ path, method, signedIn: !!cookie, status: res.status }).toEqual({ path, method, signedIn: !!cookie, status: 404 });
        expect(res.headers.get("content-type")).toContain("application/json");
        expect(res.headers.get("allow")).toBeNull();
        bodies.add(await res.text());
      }
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0]!)).toEqual({ error: { code: "not_found", message: expect.any(String) } });

    // An admin's unknown addresses under the new routes are the same 404 too.
    const admin = await signInAs("admin");
    const unknown = await call(`/api/admin/api-keys/${made.ci.id}`, { cookie: admin });
    expect(unknown.status).toBe(404);
    expect(bodies.has(await unknown.text())).toBe(true);

    expect((await ownKeys("alice")).map((k) => k.id)).toEqual([made.ci.id]);
  });
});

describe("a revoked key at the API", () => {
  it("is refused with 401 at once, while the owner's other key still works", async () => {
    const spare = await createKey("alice", { name: "revoked at the API" });
    const models = (key: string) => fetch(`${app.url}/api/v1/models`, { headers: { Authorization: `Bearer ${key}` } });
    expect((await models(spare.key)).status).toBe(200);

    const res = await call(`/api/admin/api-keys/${spare.id}/revoke`, { method: "POST", cookie: await signInAs("admin"), form: {} });
    expect(res.status).toBe(303);
    const refused = await models(spare.key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
    expect((await models(made.ci.key)).status).toBe(200);
  });
});

describe("when the store does not answer", () => {
  it("the API says 503 and the section shows a notice while the rest of the page still renders", async () => {
    const admin = await signInAs("admin");
    await redis.stop();
    try {
      const api = await call("/api/admin/api-keys", { cookie: admin });
      expect(api.status).toBe(503);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe("store_unavailable");

      const page = await call("/admin", { cookie: admin });
      expect(page.status).toBe(200);
      const doc = new JSDOM(await page.text()).window.document;
      expect(doc.querySelector('[data-testid="admin-section-api-keys"] [data-testid="admin-section-error"]')?.textContent).toContain("store did not answer");
      expect(doc.querySelector('[data-testid="admin-section-keys"]')).not.toBeNull();
    } finally {
      await redis.restart();
    }
  });
});
