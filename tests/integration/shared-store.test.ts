/**
 * Shared state across instances: two `next start` processes on one Redis, over TCP (REDIS_URL) and
 * over HTTP (an Upstash-compatible gateway in front of the same Redis). Limits, the concurrency cap
 * and the budgets hold in total across both instances; a store that goes away fails requests fast
 * and closed (503) and comes back without restarting the app; conversations are encrypted at rest,
 * survive a key rotation and are visible to their owner only; a misconfigured store is reported at
 * start-up in plain words.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPrompt, newBoundary, promptTokenBound } from "../../lib/ai/prompt";
import { SYSTEM_PROMPT } from "../../lib/ai/system-prompt";
import { canaryInstruction, newCanary } from "../../lib/guard/output/canary";
import { generateKey, Keyring, parseKeyList } from "../../lib/crypto/keyring";
import { startApp, startAppExpectingFailure, type AppServer } from "../support/app-server";
import { signIn } from "../support/auth";
import { postChat, readEvents, replyText, type ChatEvent } from "../support/chat-client";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import type { MockUpstream } from "../support/mock-upstream";
import { startRedis, type RedisServer } from "../support/redis-server";
import { appEnv, makeUsers, type TestUser } from "../support/test-env";
import { startUpstashGateway, type UpstashGateway } from "../support/upstash-gateway";

let redis: RedisServer;
let gateway: UpstashGateway;
let openai: MockUpstream;
let anthropic: MockUpstream;
/** Every app started by this file and not yet stopped, so afterAll can stop what a failed test left. */
const running = new Set<AppServer>();

beforeAll(async () => {
  [redis, openai, anthropic] = await Promise.all([startRedis(), startMockOpenAI(), startMockAnthropic()]);
  gateway = await startUpstashGateway({ redisUrl: redis.url, token: randomBytes(16).toString("hex") });
});

afterAll(async () => {
  await Promise.allSettled([...running].map((app) => stopApps([app])));
  await gateway?.close();
  await redis?.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

type Backend = { name: string; short: string; storeEnv: () => Record<string, string> };
const BACKENDS: Backend[] = [
  { name: "redis (TCP)", short: "tcp", storeEnv: () => ({ REDIS_URL: redis.url }) },
  { name: "upstash (HTTP gateway)", short: "http", storeEnv: () => ({ UPSTASH_REDIS_REST_URL: gateway.url, UPSTASH_REDIS_REST_TOKEN: gateway.token }) },
];

type ErrorBody = { error: { code: string; message: string; limit?: string; resetsAt?: string; retryAfterSeconds?: number } };
type Summary = { id: string; title: string; createdAt: string; updatedAt: string; messageCount: number };
type Conversation = Summary & { messages: { role: string; content: string; createdAt: string }[] };

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
/** A key prefix of one scenario only (at most 32 characters), so scenarios never share a counter. */
const prefixFor = (backend: Backend, scenario: string) => `sst-${backend.short}-${scenario}-${hex(3)}`;

function envFor({
  backend,
  prefix,
  authLocalUsers,
  key = generateKey(),
  extra = {},
}: {
  backend: Backend;
  prefix: string;
  authLocalUsers: string;
  key?: string;
  extra?: Record<string, string>;
}) {
  return appEnv({
    openaiUrl: openai.url,
    anthropicUrl: anthropic.url,
    authLocalUsers,
    extra: { ...backend.storeEnv(), STORE_KEY_PREFIX: prefix, CONVERSATION_ENCRYPTION_KEY: key, ...extra },
  });
}

/** Starts `count` instances with one environment at once; if one fails, stops the others. */
async function startApps(env: Record<string, string>, name: string, count = 2): Promise<AppServer[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => startApp({ env, name: `${name}-${i}` })));
  const apps = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  for (const app of apps) running.add(app);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await stopApps(apps);
    throw failed.reason;
  }
  return apps;
}

async function stopApps(apps: AppServer[]): Promise<void> {
  await Promise.all(apps.map((app) => app.stop()));
  for (const app of apps) running.delete(app);
}

/** A same-origin API request as the browser sends it. */
function api(app: AppServer, cookie: string, path: string, { method = "GET", body }: { method?: string; body?: unknown } = {}) {
  return fetch(`${app.url}${path}`, {
    method,
    headers: { Origin: app.url, "Sec-Fetch-Site": "same-origin", Cookie: cookie, ...(body !== undefined && { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

/** One answer of a burst: the status, the error body of a refusal, the events of a finished reply, or the open stream of a slow one. */
type Answer = {
  status: number;
  headers: Headers;
  error?: ErrorBody["error"];
  raw?: string;
  events?: ChatEvent[];
  stream?: ReadableStreamDefaultReader<Uint8Array>;
  firstChunk?: string;
};

async function answerOf(res: Response, { keepOpen }: { keepOpen: boolean }): Promise<Answer> {
  const base = { status: res.status, headers: res.headers };
  if (res.status === 200 && keepOpen) {
    const stream = res.body!.getReader();
    const first = await stream.read();
    return { ...base, stream, firstChunk: new TextDecoder().decode(first.value ?? new Uint8Array()) };
  }
  if (res.status === 200) return { ...base, events: await readEvents(res) };
  const raw = await res.text();
  try {
    return { ...base, raw, error: (JSON.parse(raw) as ErrorBody).error };
  } catch {
    return { ...base, raw };
  }
}

/** Fires every request at once and waits for every answer (the head of a slow stream only). */
async function burst(
  requests: { app: AppServer; cookie: string; message: string }[],
  { keepOpen = false, signal }: { keepOpen?: boolean; signal?: AbortSignal } = {},
): Promise<Answer[]> {
  await clearOfWindowEdge();
  return Promise.all(
    requests.map(async ({ app, cookie, message }) => answerOf(await postChat({ baseUrl: app.url, cookie, body: { message }, signal }), { keepOpen })),
  );
}

/**
 * Waits out the last 20 s before a full hour. The sliding window weighs the previous fixed window
 * (as Upstash's does) and daily budgets start again at 00:00 UTC, so a burst that straddled either
 * edge could rightly admit more than the exact count these tests assert.
 */
async function clearOfWindowEdge(): Promise<void> {
  const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
  if (toNextHour < 20_000) await new Promise((resolve) => setTimeout(resolve, toNextHour + 1_000));
}

/** `{ "200": n, "429 rate_limited": m, ... }`: a failure shows every outcome at once. */
function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 200 ? "200" : `${a.status} ${a.error?.code ?? a.raw?.slice(0, 80) ?? "?"}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Aborts the slow streams of a scenario and lets go of their readers. */
async function closeStreams(controller: AbortController, answers: Answer[] = []): Promise<void> {
  controller.abort();
  await Promise.allSettled(answers.map((a) => a.stream?.cancel()));
}

/**
 * The upper bound the server reserves for a new conversation's prompt (lib/chat/admission.ts): the
 * system prompt with its canary (a fresh one per request, always the same length) and the fenced text.
 */
const promptBound = (message: string) =>
  promptTokenBound(
    buildPrompt({ history: [], userText: message, boundary: newBoundary(), systemPrompt: `${SYSTEM_PROMPT}\n\n${canaryInstruction(newCanary())}` }),
  );

const nextUtcMidnightIso = (now: number) => {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
};

/** Chat requests the mock provider received for a scenario's tag: a refusal must never reach it. */
const providerCalls = (tag: string) => openai.requests.filter((r) => r.lastUserText.includes(tag)).length;

async function poll<T>(
  { what, timeoutMs, every = 250 }: { what: string; timeoutMs: number; every?: number },
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last error: ${String(last)})` : ""}`);
    await sleep(every);
  }
}

/** The usage records of one scenario (lib/usage/store.ts): per-user hashes and the day's totals, as Redis holds them. */
async function usageRecords(prefix: string): Promise<{ users: Record<string, string>[]; total: Record<string, string> | undefined }> {
  const hashes = (await dumpRedis(redis.url)).filter((entry) => entry.key.startsWith(`${prefix}:usage:`) && entry.type === "hash");
  const asObject = (values: string[]) => Object.fromEntries(values.flatMap((v, i) => (i % 2 === 0 ? [[v, values[i + 1] ?? ""]] : [])));
  return {
    users: hashes.filter((h) => h.key.includes(":user:")).map((h) => asObject(h.values)),
    total: hashes.filter((h) => h.key.endsWith(":total")).map((h) => asObject(h.values))[0],
  };
}

/** Every key in Redis with its type and values, read with ioredis directly: what someone with the raw store sees. */
async function dumpRedis(url: string): Promise<{ key: string; type: string; values: string[] }[]> {
  const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  await client.connect();
  try {
    const keys = new Set<string>();
    let cursor = "0";
    do {
      const [next, found] = await client.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const k of found) keys.add(k);
    } while (cursor !== "0");
    const dump: { key: string; type: string; values: string[] }[] = [];
    for (const key of keys) {
      const type = await client.type(key);
      let values: string[];
      switch (type) {
        case "none":
          continue; // expired between SCAN and TYPE
        case "string":
          values = [(await client.get(key)) ?? ""];
          break;
        case "hash":
          values = Object.entries(await client.hgetall(key)).flat();
          break;
        case "list":
          values = await client.lrange(key, 0, -1);
          break;
        case "zset":
          values = await client.zrange(key, 0, -1, "WITHSCORES");
          break;
        case "set":
          values = await client.smembers(key);
          break;
        case "stream": // the audit log
          values = (await client.xrange(key, "-", "+")).flatMap(([id, fields]) => [id, ...fields]);
          break;
        default:
          throw new Error(`unexpected Redis type ${type} at ${key}`);
      }
      dump.push({ key, type, values });
    }
    return dump;
  } finally {
    client.disconnect();
  }
}

const TOKEN = /^v1\.([A-Za-z0-9_-]{11})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const keyIdOf = (key: string) => new Keyring(parseKeyList(key) as Buffer[]).currentKeyId;

describe.each(BACKENDS)("two instances sharing one store: $name", (backend) => {
  it("the chat rate limit holds in total: 40 requests at once against 10/1h → exactly 10 succeed", async () => {
    const { users, authLocalUsers } = await makeUsers([`rate-${hex(3)}`]);
    const [user] = Object.values(users) as [TestUser];
    const prefix = prefixFor(backend, "rate");
    const apps = await startApps(
      envFor({ backend, prefix, authLocalUsers, extra: { CHAT_RATE_LIMIT: "10/1h", CHAT_MAX_CONCURRENT: "100" } }),
      `sst-rate-${backend.short}`,
    );
    try {
      const cookie = await signIn({ baseUrl: apps[0]!.url, ...user });
      const tag = `rate-${hex(4)}`;
      const answers = await burst(Array.from({ length: 40 }, (_, i) => ({ app: apps[i % 2]!, cookie, message: `hello ${tag}` })));

      expect(tally(answers)).toEqual({ "200": 10, "429 rate_limited": 30 });
      for (const a of answers.filter((a) => a.status === 200)) {
        expect(a.events!.at(-1)?.type).toBe("done");
        expect(replyText(a.events!)).toBe("Hello from the mock openai model.");
      }
      for (const a of answers.filter((a) => a.status === 429)) {
        expect(a.error?.limit).toBe("chat_rate");
        expect(Number(a.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(providerCalls(tag)).toBe(10);

      // The usage records count the replies (settled before `done`) and the refusals, on the store.
      const usage = await usageRecords(prefix);
      expect(usage.users).toHaveLength(1);
      expect(usage.users[0]).toMatchObject({ requests: "10", "refused:rate_limited": "30" });
      expect(Number(usage.users[0]!.inputTokens)).toBeGreaterThan(0);
      expect(Number(usage.users[0]!.outputTokens)).toBeGreaterThan(0);
      expect(usage.total).toEqual(usage.users[0]);
    } finally {
      await stopApps(apps);
    }
  }, 180_000);

  it("the concurrency cap holds in total: 40 slow streams at once against 3 → exactly 3 open, and a slot frees on abort", async () => {
    const { users, authLocalUsers } = await makeUsers([`conc-${hex(3)}`]);
    const [user] = Object.values(users) as [TestUser];
    const apps = await startApps(
      envFor({ backend, prefix: prefixFor(backend, "conc"), authLocalUsers, extra: { CHAT_MAX_CONCURRENT: "3", CHAT_RATE_LIMIT: "1000/1h" } }),
      `sst-conc-${backend.short}`,
    );
    const controller = new AbortController();
    let answers: Answer[] = [];
    try {
      const cookie = await signIn({ baseUrl: apps[0]!.url, ...user });
      const tag = `conc-${hex(4)}`;
      const message = `[[mock:slow]] concurrency ${tag}`;
      answers = await burst(
        Array.from({ length: 40 }, (_, i) => ({ app: apps[i % 2]!, cookie, message })),
        { keepOpen: true, signal: controller.signal },
      );

      expect(tally(answers)).toEqual({ "200": 3, "429 too_many_streams": 37 });
      for (const a of answers.filter((a) => a.status === 200)) expect(a.firstChunk).toContain("data: ");
      for (const a of answers.filter((a) => a.status === 429)) {
        expect(a.error?.limit).toBe("concurrent_streams");
        expect(Number(a.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(providerCalls(tag)).toBe(3);

      await closeStreams(controller, answers);
      // The aborted streams give their slots back: a new slow request is admitted again, on either instance.
      let attempt = 0;
      const status = await poll({ what: "a new stream admitted after the three were aborted", timeoutMs: 10_000 }, async () => {
        const retry = new AbortController();
        const res = await postChat({ baseUrl: apps[attempt++ % 2]!.url, cookie, body: { message }, signal: retry.signal });
        if (res.status === 200) {
          retry.abort();
          await res.body?.cancel().catch(() => {});
          return 200;
        }
        const error = await errorOf(res);
        expect(error.code).toBe("too_many_streams");
        return undefined;
      });
      expect(status).toBe(200);
    } finally {
      await closeStreams(controller, answers);
      await stopApps(apps);
    }
  }, 180_000);

  it("the daily token budget holds in total: 40 slow streams at once against 5 reservations + 1 → exactly 6 admitted", async () => {
    const { users, authLocalUsers } = await makeUsers([`budget-${hex(3)}`]);
    const [user] = Object.values(users) as [TestUser];
    const tag = `budget-${hex(4)}`;
    let message = `[[mock:slow]] budget ${tag}`;
    while (5 * (promptBound(message) + 100) + 1 < 1_000) message += " padding";
    const R = promptBound(message) + 100;
    const budget = 5 * R + 1;
    const apps = await startApps(
      envFor({
        backend,
        prefix: prefixFor(backend, "tok"),
        authLocalUsers,
        extra: { AI_MAX_OUTPUT_TOKENS: "100", CHAT_MAX_CONCURRENT: "100", CHAT_RATE_LIMIT: "1000/1h", DAILY_TOKEN_BUDGET: String(budget) },
      }),
      `sst-budget-${backend.short}`,
    );
    const controller = new AbortController();
    let answers: Answer[] = [];
    try {
      const cookie = await signIn({ baseUrl: apps[0]!.url, ...user });
      const before = Date.now();
      answers = await burst(
        Array.from({ length: 40 }, (_, i) => ({ app: apps[i % 2]!, cookie, message })),
        { keepOpen: true, signal: controller.signal },
      );
      const after = Date.now();

      expect(tally(answers)).toEqual({ "200": 6, "429 token_budget_exhausted": 34 });
      const midnights = [nextUtcMidnightIso(before), nextUtcMidnightIso(after)];
      for (const a of answers.filter((a) => a.status === 429)) {
        expect(a.error?.limit).toBe("daily_tokens");
        expect(midnights).toContain(a.error?.resetsAt);
        expect(a.error?.retryAfterSeconds).toBeGreaterThan(0);
        expect(Number(a.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(providerCalls(tag)).toBe(6);

      // While the six are open, all six reservations are counted.
      const open = (await (await api(apps[1]!, cookie, "/api/usage")).json()) as {
        tokens: { limit: number; used: number; remaining: number; resetsAt: string };
      };
      expect(open.tokens).toMatchObject({ limit: budget, used: 6 * R, remaining: 0 });

      await closeStreams(controller, answers);
      // Aborted replies settle with what they produced, which is less than what was reserved.
      const tokens = await poll({ what: "the budget settled after the streams were aborted", timeoutMs: 15_000 }, async () => {
        const res = await api(apps[0]!, cookie, "/api/usage");
        expect(res.status).toBe(200);
        const { tokens } = (await res.json()) as { tokens: { limit: number; used: number; remaining: number; resetsAt: string } };
        return tokens.used < 6 * R ? tokens : undefined;
      });
      expect(tokens.limit).toBe(budget);
      expect(tokens.used).toBeGreaterThan(0);
      expect(tokens.used).toBeLessThanOrEqual(budget + R);
      expect(tokens.remaining).toBe(Math.max(0, tokens.limit - tokens.used));
      expect([nextUtcMidnightIso(before), nextUtcMidnightIso(Date.now())]).toContain(tokens.resetsAt);
    } finally {
      await closeStreams(controller, answers);
      await stopApps(apps);
    }
  }, 180_000);

  it("the daily spend cap holds in total across users: 40 slow streams from 4 users → exactly 6 admitted", async () => {
    const { users, authLocalUsers } = await makeUsers([0, 1, 2, 3].map((i) => `spend${i}-${hex(3)}`));
    const tag = `spend-${hex(4)}`;
    const message = `[[mock:slow]] spend ${tag}`;
    // openai:gpt-4o-mini at 1000/1000 USD per million tokens: 1000 micro-dollars per token either way.
    const reservedCost = promptBound(message) * 1000 + 100 * 1000;
    const capMicroUsd = 5 * reservedCost + 1;
    const spendPrefix = prefixFor(backend, "spend");
    const cap = (capMicroUsd / 1e6).toFixed(6);
    expect(Math.round(Number(cap) * 1e6)).toBe(capMicroUsd);
    const apps = await startApps(
      envFor({
        backend,
        prefix: spendPrefix,
        authLocalUsers,
        extra: {
          AI_MODEL_PRICES: "openai:gpt-4o-mini=1000/1000",
          AI_MAX_OUTPUT_TOKENS: "100",
          DAILY_SPEND_CAP_USD: cap,
          DAILY_TOKEN_BUDGET: "1000000000",
          CHAT_MAX_CONCURRENT: "100",
          CHAT_RATE_LIMIT: "1000/1h",
        },
      }),
      `sst-spend-${backend.short}`,
    );
    const controller = new AbortController();
    let answers: Answer[] = [];
    try {
      const cookies = await Promise.all(Object.values(users).map((user, i) => signIn({ baseUrl: apps[i % 2]!.url, ...user })));
      const before = Date.now();
      // Each user sends ten, alternating instances.
      answers = await burst(
        Array.from({ length: 40 }, (_, i) => ({ app: apps[i % 2]!, cookie: cookies[Math.floor(i / 2) % 4]!, message })),
        { keepOpen: true, signal: controller.signal },
      );
      const after = Date.now();

      expect(tally(answers)).toEqual({ "200": 6, "429 spend_cap_reached": 34 });
      expect((await usageRecords(spendPrefix)).total).toMatchObject({ "refused:spend_cap_reached": "34" });
      for (const a of answers.filter((a) => a.status === 429)) {
        expect(a.error?.limit).toBe("daily_spend");
        expect([nextUtcMidnightIso(before), nextUtcMidnightIso(after)]).toContain(a.error?.resetsAt);
        expect(a.error?.retryAfterSeconds).toBeGreaterThan(0);
      }
      expect(providerCalls(tag)).toBe(6);
    } finally {
      await closeStreams(controller, answers);
      await stopApps(apps);
    }
  }, 180_000);

  it("keeps no plaintext in Redis, and a rotated key still reads old data", async () => {
    const { users, authLocalUsers } = await makeUsers([`enc-${hex(3)}`]);
    const [user] = Object.values(users) as [TestUser];
    const prefix = prefixFor(backend, "enc");
    const phrase = `zebra-quartz-${hex(6)}`;
    const title = `Marmalade lighthouse ${hex(6)}`;
    const [K1, K2] = [generateKey(), generateKey()];
    const env = (key: string) => envFor({ backend, prefix, authLocalUsers, key });

    let apps = await startApps(env(K1), `sst-enc1-${backend.short}`);
    let cookie: string;
    let id: string;
    try {
      cookie = await signIn({ baseUrl: apps[0]!.url, ...user });
      const first = await postChat({ baseUrl: apps[0]!.url, cookie, body: { message: `Please remember ${phrase}.` } });
      expect(first.status).toBe(200);
      id = first.headers.get("x-conversation-id")!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await readEvents(first)).at(-1)).toMatchObject({ type: "done", conversationId: id });

      const second = await postChat({ baseUrl: apps[1]!.url, cookie, body: { message: `What was ${phrase} again?`, conversationId: id } });
      expect(second.status).toBe(200);
      expect(second.headers.get("x-conversation-id")).toBe(id);
      expect((await readEvents(second)).at(-1)?.type).toBe("done");

      const renamed = await api(apps[0]!, cookie, `/api/conversations/${id}`, { method: "PATCH", body: { title } });
      expect(renamed.status).toBe(200);
      expect(((await renamed.json()) as { conversation: Summary }).conversation.title).toBe(title);
      // Both exchanges are stored (the history is saved as the reply settles).
      await poll({ what: "both exchanges stored", timeoutMs: 10_000 }, async () => {
        const res = await api(apps[1]!, cookie, `/api/conversations/${id}`);
        const { conversation } = (await res.json()) as { conversation: Conversation };
        return conversation.messageCount === 4 ? true : undefined;
      });
    } finally {
      await stopApps(apps);
    }

    const dump = await dumpRedis(redis.url);
    const everything = JSON.stringify(dump);
    for (const plaintext of [phrase, title, "mock openai", "Hello from the", user.email, "example.test", "Please remember"]) {
      expect(everything).not.toContain(plaintext);
    }
    const messagesKey = dump.find((d) => d.key.startsWith(`${prefix}:conv:`) && d.key.endsWith(`:${id}:m`));
    const recordKey = dump.find((d) => d.key.startsWith(`${prefix}:conv:`) && d.key.endsWith(`:${id}`));
    expect(messagesKey?.type).toBe("list");
    expect(messagesKey?.values).toHaveLength(4);
    for (const item of messagesKey!.values) expect(TOKEN.exec(item)?.[1]).toBe(keyIdOf(K1));
    expect(recordKey?.type).toBe("hash");
    const titleToken = recordKey!.values[recordKey!.values.indexOf("title") + 1]!;
    expect(TOKEN.exec(titleToken)?.[1]).toBe(keyIdOf(K1));

    // Rotation: the new key first, the old one still listed.
    apps = await startApps(env(`${K2},${K1}`), `sst-enc2-${backend.short}`);
    try {
      const read = await api(apps[0]!, cookie, `/api/conversations/${id}`);
      expect(read.status).toBe(200);
      const { conversation } = (await read.json()) as { conversation: Conversation };
      expect(conversation.title).toBe(title);
      expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
      expect(conversation.messages[0]!.content).toBe(`Please remember ${phrase}.`);
      expect(conversation.messages[1]!.content).toBe("Hello from the mock openai model.");
      expect(conversation.messages[2]!.content).toBe(`What was ${phrase} again?`);

      const third = await postChat({ baseUrl: apps[1]!.url, cookie, body: { message: `Once more, ${phrase}.`, conversationId: id } });
      expect(third.status).toBe(200);
      expect((await readEvents(third)).at(-1)?.type).toBe("done");
      await poll({ what: "the third exchange stored", timeoutMs: 10_000 }, async () => {
        const { conversation } = (await (await api(apps[0]!, cookie, `/api/conversations/${id}`)).json()) as { conversation: Conversation };
        return conversation.messageCount === 6 ? true : undefined;
      });
    } finally {
      await stopApps(apps);
    }

    const rotated = await dumpRedis(redis.url);
    expect(JSON.stringify(rotated)).not.toContain(phrase);
    const items = rotated.find((d) => d.key === messagesKey!.key)!.values;
    expect(items.map((item) => TOKEN.exec(item)?.[1])).toEqual([...Array(4).fill(keyIdOf(K1)), ...Array(2).fill(keyIdOf(K2))]);

    // With the old key removed, the conversation it sealed can no longer be read: it is treated as gone.
    apps = await startApps(env(K2), `sst-enc3-${backend.short}`, 1);
    try {
      const gone = await api(apps[0]!, cookie, `/api/conversations/${id}`);
      expect(gone.status).toBe(404);
      expect((await errorOf(gone)).code).toBe("conversation_not_found");
      const list = await api(apps[0]!, cookie, "/api/conversations");
      expect(list.status).toBe(200);
      expect(((await list.json()) as { conversations: Summary[] }).conversations.map((c) => c.id)).not.toContain(id);
    } finally {
      await stopApps(apps);
    }
  }, 240_000);

  it("one user cannot read, rename, continue or delete another's conversation", async () => {
    const { users, authLocalUsers } = await makeUsers([`owner-${hex(3)}`, `other-${hex(3)}`]);
    const [alice, bob] = Object.values(users) as [TestUser, TestUser];
    const apps = await startApps(envFor({ backend, prefix: prefixFor(backend, "own"), authLocalUsers }), `sst-own-${backend.short}`);
    try {
      const [a, b] = apps as [AppServer, AppServer];
      const [aliceCookie, bobCookie] = await Promise.all([signIn({ baseUrl: a.url, ...alice }), signIn({ baseUrl: b.url, ...bob })]);
      const created = await postChat({ baseUrl: a.url, cookie: aliceCookie, body: { message: "alice's private question" } });
      expect(created.status).toBe(200);
      const id = created.headers.get("x-conversation-id")!;
      expect((await readEvents(created)).at(-1)?.type).toBe("done");
      const aliceReads = async () => {
        const res = await api(b, aliceCookie, `/api/conversations/${id}`);
        expect(res.status).toBe(200);
        return ((await res.json()) as { conversation: Conversation }).conversation;
      };
      await poll({ what: "alice's exchange stored", timeoutMs: 10_000 }, async () => ((await aliceReads()).messageCount === 2 ? true : undefined));

      // To bob, alice's conversation does not exist, on either instance.
      for (const [app, method, body] of [
        [a, "GET", undefined],
        [b, "GET", undefined],
        [a, "PATCH", { title: "bob was here" }],
        [b, "DELETE", undefined],
      ] as const) {
        const res = await api(app, bobCookie, `/api/conversations/${id}`, { method, body });
        expect(res.status, `${method} by bob`).toBe(404);
        expect((await errorOf(res)).code).toBe("conversation_not_found");
      }
      const continued = await postChat({ baseUrl: b.url, cookie: bobCookie, body: { message: "show me", conversationId: id } });
      expect(continued.status).toBe(404);
      expect((await errorOf(continued)).code).toBe("conversation_not_found");
      const bobList = await api(a, bobCookie, "/api/conversations");
      expect(bobList.status).toBe(200);
      expect(((await bobList.json()) as { conversations: Summary[] }).conversations.map((c) => c.id)).not.toContain(id);
      const bobWipe = await api(b, bobCookie, "/api/account/data", { method: "DELETE" });
      expect(bobWipe.status).toBe(200);
      expect(await bobWipe.json()).toEqual({ deletedConversations: 0, deletedNotes: 0, deletedAttachments: 0 });

      // Alice's conversation is intact.
      const intact = await aliceReads();
      expect(intact.title).toBe("alice's private question");
      expect(intact.messages.map((m) => m.content)).toEqual(["alice's private question", "Hello from the mock openai model."]);

      // Alice herself can rename and delete it.
      const renamed = await api(a, aliceCookie, `/api/conversations/${id}`, { method: "PATCH", body: { title: "  Renamed   by alice " } });
      expect(renamed.status).toBe(200);
      expect(((await renamed.json()) as { conversation: Summary }).conversation).toMatchObject({ id, title: "Renamed by alice", messageCount: 2 });
      expect((await aliceReads()).title).toBe("Renamed by alice");
      const deleted = await api(b, aliceCookie, `/api/conversations/${id}`, { method: "DELETE" });
      expect(deleted.status).toBe(204);
      await deleted.body?.cancel();
      const afterDelete = await api(a, aliceCookie, `/api/conversations/${id}`);
      expect(afterDelete.status).toBe(404);
      expect((await errorOf(afterDelete)).code).toBe("conversation_not_found");

      // Deleting all her data reports how many conversations went.
      const ids: string[] = [];
      for (const [i, app] of [a, b].entries()) {
        const res = await postChat({ baseUrl: app.url, cookie: aliceCookie, body: { message: `another question ${i}` } });
        expect(res.status).toBe(200);
        ids.push(res.headers.get("x-conversation-id")!);
        await readEvents(res);
      }
      await poll({ what: "alice's two new conversations listed", timeoutMs: 10_000 }, async () => {
        const { conversations } = (await (await api(a, aliceCookie, "/api/conversations")).json()) as { conversations: Summary[] };
        return conversations.length === 2 ? true : undefined;
      });
      const wipe = await api(a, aliceCookie, "/api/account/data", { method: "DELETE" });
      expect(wipe.status).toBe(200);
      expect(await wipe.json()).toEqual({ deletedConversations: 2, deletedNotes: 0, deletedAttachments: 0 });
      const empty = await api(b, aliceCookie, "/api/conversations");
      expect(((await empty.json()) as { conversations: Summary[] }).conversations).toEqual([]);
      for (const gone of ids) expect((await api(b, aliceCookie, `/api/conversations/${gone}`)).status).toBe(404);
    } finally {
      await stopApps(apps);
    }
  }, 180_000);
});

describe("a misconfigured store is reported at start-up in plain words", () => {
  let authLocalUsers: string;
  let user: TestUser;
  const base = (extra: Record<string, string>): Record<string, string> => ({
    ...appEnv({ openaiUrl: openai.url, anthropicUrl: anthropic.url, authLocalUsers }),
    NEXTAUTH_URL: "http://localhost:3000",
    CONVERSATION_ENCRYPTION_KEY: generateKey(),
    STORE_KEY_PREFIX: `sst-cfg-${hex(3)}`,
    ...extra,
  });

  beforeAll(async () => {
    const made = await makeUsers([`cfg-${hex(3)}`]);
    authLocalUsers = made.authLocalUsers;
    user = Object.values(made.users)[0]!;
  });

  it("REDIS_URL naming a host that does not exist", async () => {
    const { code, output } = await startAppExpectingFailure({ env: base({ REDIS_URL: "rediss://no-such-host.invalid:6380" }) });
    expect(code).not.toBe(0);
    expect(output).toContain("REDIS_URL names a host that cannot be found");
  }, 90_000);

  it("REDIS_URL with a password the server refuses", async () => {
    const locked = await startRedis({ password: `right-${hex(8)}` });
    try {
      const wrong = `wrong-${hex(8)}`;
      const { code, output } = await startAppExpectingFailure({ env: base({ REDIS_URL: `redis://:${wrong}@127.0.0.1:${locked.port}` }) });
      expect(code).not.toBe(0);
      expect(output).toContain("refused the user name or password");
      expect(output).not.toContain(wrong);
    } finally {
      await locked.stop();
    }
  }, 90_000);

  it("an Upstash token the server refuses", async () => {
    const wrong = `wrong-${hex(16)}`;
    const { code, output } = await startAppExpectingFailure({ env: base({ UPSTASH_REDIS_REST_URL: gateway.url, UPSTASH_REDIS_REST_TOKEN: wrong }) });
    expect(code).not.toBe(0);
    expect(output).toContain("UPSTASH_REDIS_REST_TOKEN was refused");
    expect(output).not.toContain(wrong);
  }, 90_000);

  it("no shared store in production without ALLOW_IN_MEMORY_STORE", async () => {
    const { ALLOW_IN_MEMORY_STORE: _omit, CONVERSATION_ENCRYPTION_KEY: _key, ...env } = base({});
    const { code, output } = await startAppExpectingFailure({ env });
    expect(code).not.toBe(0);
    expect(output).toContain("ALLOW_IN_MEMORY_STORE");
  }, 90_000);

  it("a valid REDIS_URL with nothing listening yet: the app starts, answers 503, and recovers when Redis comes up", async () => {
    const later = await startRedis();
    await later.stop();
    // Sign-in itself needs the store, so the session comes from an instance with one; the JWT works on any instance.
    // startApp sets NEXTAUTH_URL to the instance's own URL.
    const ownUrl = ({ NEXTAUTH_URL: _url, ...env }: Record<string, string>) => env;
    const [withMemory, waiting] = await Promise.all([
      startApps(ownUrl(base({})), "sst-cfg-memory", 1),
      startApps(ownUrl(base({ REDIS_URL: later.url })), "sst-cfg-waiting", 1),
    ]);
    try {
      expect(waiting[0]!.logs()).toContain("REDIS_URL is not reachable yet");
      const cookie = await signIn({ baseUrl: withMemory[0]!.url, ...user });
      const down = await postChat({ baseUrl: waiting[0]!.url, cookie, body: { message: "anyone there?" } });
      expect(down.status).toBe(503);
      expect((await errorOf(down)).code).toBe("store_unavailable");

      await later.restart();
      await poll({ what: "chat answered once Redis came up", timeoutMs: 20_000, every: 500 }, async () => {
        const res = await postChat({ baseUrl: waiting[0]!.url, cookie, body: { message: "anyone there now?" } });
        const status = res.status;
        await res.body?.cancel().catch(() => {});
        return status === 200 ? true : undefined;
      });
      expect(waiting[0]!.process.exitCode).toBeNull();
    } finally {
      await stopApps([...withMemory, ...waiting]);
      await later.stop();
    }
  }, 180_000);
});

// Last in the file: it stops the shared Redis (and restarts it empty).
describe.each(BACKENDS)("Redis stopped mid-run: $name", (backend) => {
  it("reports a reply whose store died while it streamed as not saved, and still shows all of it", async () => {
    const { users, authLocalUsers } = await makeUsers([`mid-${hex(3)}`]);
    const [user] = Object.values(users) as [TestUser];
    const apps = await startApps(envFor({ backend, prefix: prefixFor(backend, "mid"), authLocalUsers }), `sst-mid-${backend.short}`);
    try {
      const cookie = await signIn({ baseUrl: apps[0]!.url, ...user });
      const res = await postChat({ baseUrl: apps[0]!.url, cookie, body: { message: "[[mock:pause]] Tell me something." } });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let raw = "";
      // The first text is out; the mock now waits PAUSE_MS, and Redis goes away meanwhile.
      while (!raw.includes('"type":"text"')) raw += decoder.decode((await reader.read()).value ?? new Uint8Array(), { stream: true });
      await redis.stop();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
      }
      const events = raw
        .split("\n\n")
        .filter(Boolean)
        .map((block) => JSON.parse(block.slice("data: ".length)) as { type: string; text?: string; notSaved?: boolean });
      expect(
        events
          .filter((e) => e.type === "text")
          .map((e) => e.text)
          .join(""),
      ).toBe("Before the pause. After the pause.");
      expect(events.at(-1)).toMatchObject({ type: "done", notSaved: true });
    } finally {
      if (!redis.running()) await redis.restart();
      await stopApps(apps);
    }
  }, 120_000);

  it("answers fast 503s, never 500s, and recovers without restarting the app", async () => {
    const { users, authLocalUsers } = await makeUsers([`down-${hex(3)}`]);
    const [user] = Object.values(users) as [TestUser];
    const apps = await startApps(envFor({ backend, prefix: prefixFor(backend, "down"), authLocalUsers }), `sst-down-${backend.short}`);
    const pids = apps.map((app) => app.process.pid);
    try {
      const cookie = await signIn({ baseUrl: apps[0]!.url, ...user });
      const ok = await postChat({ baseUrl: apps[1]!.url, cookie, body: { message: "before the outage" } });
      expect(ok.status).toBe(200);
      expect((await readEvents(ok)).at(-1)?.type).toBe("done");

      await redis.stop();
      const outcomes: { status: number; code?: string; ms: number }[] = [];
      for (let i = 0; i < 6; i++) {
        const started = performance.now();
        const res = await postChat({ baseUrl: apps[i % 2]!.url, cookie, body: { message: `during the outage ${i}` } });
        const text = await res.text();
        const ms = performance.now() - started;
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as ErrorBody).error.code;
        } catch {
          code = text.slice(0, 80);
        }
        outcomes.push({ status: res.status, code, ms });
      }
      expect(outcomes.filter((o) => o.status === 500)).toEqual([]);
      expect(outcomes.map((o) => `${o.status} ${o.code}`)).toEqual(Array(6).fill("503 store_unavailable"));
      for (const o of outcomes) expect(o.ms).toBeLessThan(5_000);
      for (const app of apps) {
        const list = await api(app, cookie, "/api/conversations");
        expect(list.status).toBe(503);
        expect((await errorOf(list)).code).toBe("store_unavailable");
      }

      await redis.restart();
      // The same processes recover by themselves (Redis kept nothing; the JWT session still works).
      for (const app of apps) {
        await poll({ what: `chat on ${app.url} answered after Redis came back`, timeoutMs: 15_000, every: 500 }, async () => {
          const res = await postChat({ baseUrl: app.url, cookie, body: { message: "after the outage" } });
          if (res.status !== 200) {
            await res.body?.cancel().catch(() => {});
            return undefined;
          }
          return (await readEvents(res)).at(-1)?.type === "done" ? true : undefined;
        });
      }
      expect(apps.map((app) => app.process.pid)).toEqual(pids);
      expect(apps.map((app) => app.process.exitCode)).toEqual([null, null]);
    } finally {
      if (!redis.running()) await redis.restart();
      await stopApps(apps);
    }
  }, 180_000);
});
