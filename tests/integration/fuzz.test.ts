/**
 * Bounded, seeded fuzzing of every route the app has, on loopback: malformed paths, queries, headers
 * and bodies, with and without a session, an admin's session, an API key or garbage in their place.
 * Whatever is sent, the answer is below 500 and the server stays up. The routes are read from app/
 * (every route.ts and page.tsx), so a new route is fuzzed without anyone listing it; the seeds are in
 * tests/fuzz/corpus.json. FUZZ_SEED and FUZZ_REQUESTS change the run; a failure prints the seed and
 * the index of each request that failed, which is enough to send it again.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer, ROOT } from "../support/app-server";
import { signIn } from "../support/auth";
import { startMockOpenAI } from "../support/mock-openai";
import { startMockAnthropic } from "../support/mock-anthropic";
import type { MockUpstream } from "../support/mock-upstream";
import { appEnv, makeUsers } from "../support/test-env";

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 8;

type Corpus = { bodies: unknown[]; rawBodies: string[]; segments: string[]; queries: string[]; contentTypes: (string | null)[]; origins: (string | null)[] };
const corpus = JSON.parse(readFileSync(path.join(ROOT, "tests/fuzz/corpus.json"), "utf8")) as Corpus;

/** mulberry32: small, fast and the same everywhere for a seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Every route and page under app/, as path templates ("/api/keys/[id]/roll", "/admin"). */
function routes(): string[] {
  const found: string[] = [];
  const walk = (dir: string, parts: string[]) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full, [...parts, name]);
      else if (name === "route.ts" || name === "page.tsx") found.push(`/${parts.join("/")}`);
    }
  };
  walk(path.join(ROOT, "app"), []);
  return found.sort();
}

let app: AppServer;
let openai: MockUpstream;
let anthropic: MockUpstream;
const sessions: Record<string, string> = {};
let apiKey = "";

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  const made = await makeUsers(["fuzzer", "boss"]);
  app = await startApp({
    name: "fuzz",
    env: appEnv({
      openaiUrl: openai.url,
      anthropicUrl: anthropic.url,
      authLocalUsers: made.authLocalUsers,
      // Limits high enough that most requests reach the code behind them.
      extra: {
        ADMIN_EMAILS: "boss@example.test",
        CHAT_RATE_LIMIT: "100000/60s",
        API_RATE_LIMIT: "100000/60s",
        SIGNIN_RATE_LIMIT_IP: "100000/60s",
        SIGNIN_RATE_LIMIT_ACCOUNT: "100000/60s",
        CHAT_MAX_CONCURRENT: "50",
      },
    }),
  });
  sessions.user = await signIn({ baseUrl: app.url, ...made.users.fuzzer! });
  sessions.admin = await signIn({ baseUrl: app.url, ...made.users.boss! });
  const created = await fetch(`${app.url}/api/keys`, {
    method: "POST",
    headers: { Origin: app.url, "Sec-Fetch-Site": "same-origin", Cookie: sessions.user, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "fuzz" }),
  });
  apiKey = ((await created.json()) as { key: string }).key;
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([openai?.close(), anthropic?.close()]);
});

type Sent = { index: number; method: string; url: string; status: number };

/** The i-th request of the run: everything about it comes from the seeded generator. */
function requestAt(next: () => number, templates: string[]): { method: string; url: string; init: RequestInit } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const segment = () => (next() < 0.15 ? "a".repeat(1 + Math.floor(next() * 400)) : pick(corpus.segments));
  const template = pick(templates);
  const pathname = template
    .split("/")
    .map((part) => (part.startsWith("[...") ? Array.from({ length: 1 + Math.floor(next() * 3) }, segment).join("/") : part.startsWith("[") ? segment() : part))
    .join("/");
  const url = `${app.url}${pathname || "/"}${pick(corpus.queries)}`;
  const method = pick(["GET", "GET", "POST", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

  const headers: Record<string, string> = {};
  const who = pick(["none", "user", "user", "admin", "garbage", "bearer", "bearer-garbage"]);
  if (who === "user" || who === "admin") headers.Cookie = sessions[who] as string;
  if (who === "garbage") headers.Cookie = `next-auth.session-token=${pick(["x", "a.b.c.d.e", "%ED%A0%80", "eyJ" + "A".repeat(2000)])}`;
  if (who === "bearer") headers.Authorization = `Bearer ${apiKey}`;
  if (who === "bearer-garbage") headers.Authorization = pick(["Bearer", "Bearer bwk_x", "Basic Zm9vOmJhcg==", `Bearer ${"b".repeat(5000)}`]);
  const origin = pick(corpus.origins);
  if (origin !== null) headers.Origin = origin === "same" ? app.url : origin;
  if (next() < 0.5) headers["Sec-Fetch-Site"] = pick(["same-origin", "cross-site", "none", "same-site"]);
  if (next() < 0.1)
    headers[pick(["Purpose", "Next-Router-Prefetch", "RSC", "Next-Action", "X-Forwarded-For", "X-Forwarded-Proto", "Accept"])] = pick([
      "prefetch",
      "1",
      "x",
      "10.0.0.1, 10.0.0.2",
      "https",
      "text/event-stream",
      "*/*",
    ]);

  let body: BodyInit | undefined;
  if (method !== "GET" && method !== "HEAD" && next() < 0.9) {
    const contentType = pick(corpus.contentTypes);
    if (contentType !== null) headers["Content-Type"] = contentType;
    body = mutatedBody(next, pick);
  }
  return { method, url, init: { method, headers, body, redirect: "manual" } };
}

function mutatedBody(next: () => number, pick: <T>(list: readonly T[]) => T): BodyInit {
  const roll = next();
  if (roll < 0.25) return pick(corpus.rawBodies);
  if (roll < 0.3) return new Uint8Array(Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256))); // bytes, often not UTF-8
  const value = structuredClone(pick(corpus.bodies)) as Record<string, unknown>;
  if (roll < 0.6) {
    // One field of another type.
    const keys = Object.keys(value);
    const key = keys.length > 0 && next() < 0.8 ? pick(keys) : pick(["extra", "messages", "model", "id"]);
    value[key] = pick<unknown>([null, 0, -1, 1e308, "", "x".repeat(70_000), [], {}, [1, "a", null], { nested: { deeper: [{}] } }, true, "\u0000", "%ED%A0%80"]);
  }
  const text = JSON.stringify(value);
  // Sometimes cut short.
  return roll > 0.9 ? text.slice(0, Math.floor(next() * text.length)) : text;
}

describe("fuzzing every route", () => {
  it(`answers ${REQUESTS} malformed requests (seed ${SEED}) with no status of 500 or more, and stays up`, async () => {
    const templates = routes();
    expect(templates.length).toBeGreaterThan(15);
    const next = random(SEED);
    // Generated in order from one seed, so the run is the same whatever the timing.
    const planned = Array.from({ length: REQUESTS }, () => requestAt(next, templates));
    const sent: Sent[] = [];
    let unsendable = 0;
    let cursor = 0;
    const worker = async () => {
      while (cursor < planned.length) {
        const index = cursor++;
        const { method, url, init } = planned[index]!;
        let res: Response;
        try {
          res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
        } catch (error) {
          // A request fetch itself will not send (a header it refuses): not the server's answer.
          if (error instanceof TypeError && !String((error as { cause?: unknown }).cause ?? "").includes("ECONN")) {
            unsendable++;
            continue;
          }
          throw new Error(`request ${index} (${method} ${url}) got no answer: ${String(error)}`);
        }
        await res.arrayBuffer().catch(() => undefined);
        sent.push({ index, method, url, status: res.status });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const failed = sent.filter((s) => s.status >= 500);
    const byStatus = new Map<number, number>();
    for (const s of sent) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    console.log(
      `fuzz seed ${SEED}: ${sent.length} answered over ${templates.length} routes and pages (${unsendable} not sendable by fetch); statuses ${JSON.stringify(Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)))}`,
    );
    expect(failed.map((f) => `#${f.index} ${f.method} ${f.url.slice(app.url.length, app.url.length + 160)} → ${f.status}`).slice(0, 20)).toEqual([]);
    expect(sent.length).toBeGreaterThanOrEqual(REQUESTS * 0.95);
    // Still up, and still answering a signed-in user.
    expect(
      (await fetch(`${app.url}/api/conversations`, { headers: { Origin: app.url, "Sec-Fetch-Site": "same-origin", Cookie: sessions.user as string } })).status,
    ).toBeLessThan(500);
    // About 30 s alone on 2 cores; twice that when the machine is busy with something else.
  }, 240_000);
});
