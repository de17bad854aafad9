/**
 * Provider key rotation through the real app and the real OpenAI SDK: a key the provider rejects
 * fails over to the next within the same request (audited, alerted once), a `*_FILE` secret that
 * changes is used by the next request without a restart, and a full rotation done while chats
 * stream fails none of them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../support/app-server";
import { startMockOpenAI } from "../support/mock-openai";
import { credentialOf, type MockUpstream } from "../support/mock-upstream";
import { signIn } from "../support/auth";
import { postChat, readEvents, type ChatEvent } from "../support/chat-client";
import { appEnv, makeUsers, type TestUser } from "../support/test-env";
import { fakeOpenAIKey } from "../support/fake-keys";
import { keyFingerprint } from "../../lib/config/provider-keys";

type Hook = { server: Server; url: string; messages: { text: string }[] };

async function startWebhookReceiver(): Promise<Hook> {
  const messages: { text: string }[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (chunk: Buffer) => parts.push(chunk));
    req.on("end", () => {
      messages.push(JSON.parse(Buffer.concat(parts).toString("utf8")) as { text: string });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, messages };
}

const until = async (check: () => boolean, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

let openai: MockUpstream;
let hook: Hook;
let users: Record<string, TestUser>;
let authLocalUsers: string;
const rejected = new Set<string>();
const dir = mkdtempSync(path.join(tmpdir(), "bulwark-rotation-"));

beforeAll(async () => {
  [openai, hook] = await Promise.all([startMockOpenAI({ rejectKeys: rejected, chunkDelayMs: 10 }), startWebhookReceiver()]);
  ({ users, authLocalUsers } = await makeUsers(["ann", "ben", "cat", "dan"]));
});

afterAll(async () => {
  await openai?.close();
  await new Promise((resolve) => hook?.server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const chat = async (app: AppServer, cookie: string, message = "Hello there") => {
  const res = await postChat({ baseUrl: app.url, cookie, body: { message, model: "openai:gpt-4o-mini" } });
  return { status: res.status, events: res.ok ? await readEvents(res) : ([] as ChatEvent[]), body: res.ok ? "" : await res.text() };
};
const succeeded = (result: Awaited<ReturnType<typeof chat>>) => result.status === 200 && result.events.at(-1)?.type === "done";

describe("two keys, the first rejected by the provider", () => {
  let app: AppServer;
  const [first, second] = [fakeOpenAIKey(), fakeOpenAIKey()];

  beforeAll(async () => {
    rejected.clear();
    rejected.add(first);
    app = await startApp({
      name: "rotation-pool",
      env: appEnv({
        openaiUrl: openai.url,
        anthropicUrl: "http://127.0.0.1:9/unused",
        authLocalUsers,
        extra: {
          AI_MODELS: "openai:gpt-4o-mini",
          OPENAI_API_KEY: "",
          OPENAI_API_KEYS: `${first}@2026-01-02,${second}`,
          ANTHROPIC_API_KEY: "",
          ALERT_WEBHOOK_URL: hook.url,
          CHAT_RATE_LIMIT: "1000/60s",
        },
      }),
    });
  });
  afterAll(() => app?.stop());

  it("answers every chat on the second key; the first is tried once, audited and alerted once", async () => {
    openai.reset();
    hook.messages.length = 0;
    const cookie = await signIn({ baseUrl: app.url, ...users.ann! });
    const results = [await chat(app, cookie)];
    // Concurrent chats from other people right after the failover, then a few more in sequence.
    const others = await Promise.all(["ben", "cat", "dan"].map(async (name) => chat(app, await signIn({ baseUrl: app.url, ...users[name]! }))));
    results.push(...others);
    for (let i = 0; i < 3; i++) results.push(await chat(app, cookie));

    expect(results.filter((r) => !succeeded(r)).map((r) => `${r.status} ${r.body}`)).toEqual([]);
    const used = openai.requests.map((r) => credentialOf(r));
    expect(used[0]).toBe(first);
    expect(used.slice(1)).toEqual(Array(results.length).fill(second));

    await until(() => hook.messages.length > 0, "the key failure alert");
    await new Promise((r) => setTimeout(r, 500));
    const keyAlerts = hook.messages.filter((m) => m.text.includes(keyFingerprint(first)));
    expect(keyAlerts).toHaveLength(1);
    expect(keyAlerts[0]!.text).toContain("401");
    expect(JSON.stringify(hook.messages)).not.toContain(first);

    const audits = app
      .logs()
      .split("\n")
      .filter((line) => line.includes('"audit.key.rejected"'));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toContain(keyFingerprint(first));
    expect(audits[0]).toContain("failed_over");
    expect(app.logs()).not.toContain(first);
    expect(app.logs()).not.toContain(second);
  });
});

describe("keys from a *_FILE secret", () => {
  let app: AppServer;
  const file = path.join(dir, "openai-keys");
  /** Replaces the file the way secret managers do: write aside, then rename over it. */
  const rotateFile = (keys: string[]) => {
    writeFileSync(`${file}.next`, `${keys.join("\n")}\n`);
    renameSync(`${file}.next`, file);
  };

  beforeAll(async () => {
    rejected.clear();
    // Written before the server starts: the start-up check reads it.
    rotateFile([fakeOpenAIKey()]);
    app = await startApp({
      name: "rotation-file",
      env: appEnv({
        openaiUrl: openai.url,
        anthropicUrl: "http://127.0.0.1:9/unused",
        authLocalUsers,
        extra: {
          AI_MODELS: "openai:gpt-4o-mini",
          OPENAI_API_KEY: "",
          ANTHROPIC_API_KEY: "",
          OPENAI_API_KEYS_FILE: file,
          CHAT_RATE_LIMIT: "1000/60s",
          CHAT_MAX_CONCURRENT: "10",
        },
      }),
    });
  });
  afterAll(() => app?.stop());

  it("uses a changed file on the very next request, without a restart", async () => {
    const cookie = await signIn({ baseUrl: app.url, ...users.ann! });
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    rotateFile([a]);
    openai.reset();
    expect(succeeded(await chat(app, cookie))).toBe(true);
    rotateFile([b]);
    expect(succeeded(await chat(app, cookie))).toBe(true);
    expect(openai.requests.map((r) => credentialOf(r))).toEqual([a, b]);
  });

  it("re-reads the file when the provider rejects a key, so a rotation the app has not noticed yet still succeeds", async () => {
    const cookie = await signIn({ baseUrl: app.url, ...users.ben! });
    const [old, fresh] = [fakeOpenAIKey(), fakeOpenAIKey()];
    rotateFile([old]);
    expect(succeeded(await chat(app, cookie))).toBe(true);
    openai.reset();
    // The manager writes the new key and revokes the old one at the same moment.
    rotateFile([fresh]);
    rejected.add(old);
    expect(succeeded(await chat(app, cookie))).toBe(true);
    expect(openai.requests.map((r) => credentialOf(r)).at(-1)).toBe(fresh);
  });

  it("fails no chat while a key is rotated step by step under load", async () => {
    const [old, fresh] = [fakeOpenAIKey(), fakeOpenAIKey()];
    rotateFile([old]);
    const cookies = await Promise.all(["ann", "ben", "cat", "dan"].map((name) => signIn({ baseUrl: app.url, ...users[name]! })));
    let running = true;
    const results: Awaited<ReturnType<typeof chat>>[] = [];
    const workers = cookies.map(async (cookie) => {
      while (running) results.push(await chat(app, cookie, "[[mock:markdown]] tell me more"));
    });
    const seen = (key: string) => openai.requests.some((r) => credentialOf(r) === key);

    await until(() => results.length >= 4, "chats on the old key", 30_000);
    rotateFile([fresh, old]); // 1. the new key first, the old one still valid
    await until(() => seen(fresh), "the new key in use", 30_000);
    rejected.add(old); // 2. the old key revoked at the provider
    const revokedAt = results.length;
    await until(() => results.length >= revokedAt + 8, "chats after the revocation", 30_000);
    rotateFile([fresh]); // 3. the old key removed from the secret
    const removedAt = results.length;
    await until(() => results.length >= removedAt + 4, "chats after the clean-up", 30_000);
    running = false;
    await Promise.all(workers);

    expect(results.filter((r) => !succeeded(r)).map((r) => `${r.status} ${r.body}`)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(16);
  });
});
