/**
 * What an attacker can do to the sign-in routes without an account, as found by an attack on a real
 * deployment: malformed requests that next-auth or Next.js answered with a 500, and uploads of any
 * size that next-auth read whole.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../support/app-server";
import { signIn } from "../support/auth";
import { encode, decode } from "next-auth/jwt";
import { appEnv, makeUsers, runSecrets, type TestUser } from "../support/test-env";

let app: AppServer;
let cookie: string;
let users: Record<string, TestUser>;
let env: Record<string, string>;

beforeAll(async () => {
  const made = await makeUsers(["alice", "bob"]);
  users = made.users;
  env = appEnv({ openaiUrl: "http://127.0.0.1:9/v1", anthropicUrl: "http://127.0.0.1:9", authLocalUsers: made.authLocalUsers });
  app = await startApp({ name: "auth-hardening", env });
  cookie = await signIn({ baseUrl: app.url, ...made.users.alice! });
});

afterAll(async () => app?.stop());

const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("malformed requests to the sign-in routes", () => {
  // Each of these was a 500 from next-auth or Next.js.
  const cases: { name: string; path: string; method?: string; headers?: Record<string, string>; body?: string; signedIn?: boolean }[] = [
    { name: "sign-out with a relative callbackUrl", path: "/api/auth/signout", method: "POST", headers: form, body: "callbackUrl=foo" },
    {
      name: "credentials callback with a relative callbackUrl",
      path: "/api/auth/callback/credentials",
      method: "POST",
      headers: form,
      body: "callbackUrl=foo&email=a%40b.c&password=x",
    },
    { name: "HEAD of the sign-in route with a relative callbackUrl", path: "/api/auth/signin?callbackUrl=foo", method: "HEAD" },
    { name: "GET of the credentials callback", path: "/api/auth/callback/credentials" },
    { name: "an error code that is not ASCII", path: "/api/auth/error?error=%E2%9C%93" },
    { name: "a callbackUrl cookie that is not a URL", path: "/api/auth/session", headers: { Cookie: "next-auth.callback-url=foo" } },
    { name: "the sign-in page, signed in, with a callbackUrl that is not ASCII", path: "/signin?callbackUrl=/%E3%80%82x", signedIn: true },
    { name: "a lone surrogate in a dynamic path segment", path: "/api/conversations/%ED%A0%80", signedIn: true },
    { name: "a lone surrogate in the next-auth path", path: "/api/auth/%ED%A0%80" },
  ];
  it.each(cases)("$name: a 4xx or a redirect, never a 5xx", async ({ path, method = "GET", headers = {}, body, signedIn }) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      redirect: "manual",
      body,
      headers: { ...headers, ...(signedIn ? { Cookie: [cookie, headers.Cookie].filter(Boolean).join("; ") } : {}) },
    });
    await res.arrayBuffer();
    expect(res.status, `${method} ${path}`).toBeLessThan(500);
  });
});

/**
 * Sends `bytes` of body in 64 KB chunks, with a Content-Length (`declare`) or without one (chunked),
 * as fast as the server takes them, and stops sending once an answer comes.
 */
function upload(
  server: AppServer,
  { path, bytes, headers = {}, declare = false }: { path: string; bytes: number; headers?: Record<string, string>; declare?: boolean },
): Promise<{ status: number; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const length = declare ? { "Content-Length": String(bytes) } : { "Transfer-Encoding": "chunked" };
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", headers: { ...headers, ...length } }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    const pump = () => {
      while (sent < bytes && !answered) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    req.on("close", () => resolve({ status: 0, body: "" }));
    pump();
  });
}

/** Resident memory once what was just drained has had time to be collected: the least of a few samples. */
async function settledRss(pid: number): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 8; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    least = Math.min(least, await rssOf(pid));
  }
  return least;
}

/** Resident memory of the app's process, from /proc (Linux). */
async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

describe("uploads", () => {
  // Sign-in routes (next-auth reads whole bodies), pages, API routes that read a body and some that
  // take none, and an address that does not exist.
  const ROUTES = [
    "/",
    "/signin",
    "/api/chat",
    "/api/auth/callback/credentials",
    "/api/v1/chat/completions",
    "/api/usage",
    "/api/auth/signout",
    "/no-such-page",
  ];

  // Next.js copies at most PROXY_BODY_COPY_BYTES of a body for the proxy and drains the rest
  // unread; the proxy's 413 goes out once the body has arrived. Each case runs on an instance that
  // has drained no large body yet, because the first one is where memory used to grow (by 30 to 50
  // MB of dead socket buffers: lib/http/reclaim-drained-bodies.ts).
  it.each([
    ["without a Content-Length", false],
    ["with one", true],
  ])("of 200 MB %s are refused with a 413 on every route, the server's memory growing by less than 20 MB", async (_name, declare) => {
    const fresh = await startApp({ name: "auth-hardening-uploads", env });
    try {
      await uploadsToEveryRoute(fresh, declare);
    } finally {
      await fresh.stop();
    }
  });

  /**
   * Each route's code loads on its first request, which is not the uploads' doing: every route first
   * gets the ordinary requests a browser or SDK sends (a GET, a small form, a small body without a
   * length). What is measured is the resident memory from then on.
   */
  async function uploadsToEveryRoute(server: AppServer, declare: boolean): Promise<void> {
    for (const path of ROUTES) {
      for (const init of [{ method: "GET" }, { method: "POST", headers: form, body: "a=b" }])
        await (await fetch(`${server.url}${path}`, { ...init, redirect: "manual" })).arrayBuffer();
      await upload(server, { path, bytes: 64 * 1024, headers: form });
    }
    const pid = server.process.pid!;
    const before = await settledRss(pid);
    let peak = before;
    const watch = setInterval(() => void rssOf(pid).then((rss) => (peak = Math.max(peak, rss))), 20);
    try {
      for (const path of ROUTES) {
        const res = await upload(server, { path, bytes: 200 * 1024 * 1024, headers: form, declare });
        expect(res.status, path).toBe(413);
        expect(JSON.parse(res.body), path).toMatchObject({ error: { code: "payload_too_large" } });
      }
    } finally {
      clearInterval(watch);
    }
    const kept = ((await settledRss(pid)) - before) / 1024 / 1024;
    const most = (peak - before) / 1024 / 1024;
    console.log(
      `memory over ${ROUTES.length} uploads of 200 MB (${declare ? "Content-Length" : "chunked"}) to a fresh instance: kept ${kept.toFixed(1)} MB, at most ${most.toFixed(1)} MB more while they came in`,
    );
    // 1.6 GB went in: keeping any one of them would show as 200 MB.
    expect(kept).toBeLessThan(20);
    // While a body comes in: the proxy's copy (2 MB) and drained pieces not yet collected.
    expect(most).toBeLessThan(20);
  }

  // The one route the proxy does not see (proxy.ts): it checks origin and session before it reads a
  // byte, then reads at most ATTACHMENTS_MAX_FILE_BYTES (2 MiB here) and the multipart framing.
  it("of 200 MB to the upload route are refused unread without a session and at the file cap with one, the server's memory growing by less than 20 MB", async () => {
    const fresh = await startApp({ name: "auth-hardening-attachments", env });
    try {
      const session = await signIn({ baseUrl: fresh.url, ...users.alice! });
      const multipart = { "Content-Type": "multipart/form-data; boundary=x", Origin: fresh.url, "Sec-Fetch-Site": "same-origin" };
      const path = "/api/attachments";
      // The route's code loads on its first requests, which is not the uploads' doing.
      await upload(fresh, { path, bytes: 64 * 1024, headers: multipart });
      await upload(fresh, { path, bytes: 64 * 1024, headers: { ...multipart, Cookie: session } });
      const pid = fresh.process.pid!;
      const before = await settledRss(pid);
      let peak = before;
      const watch = setInterval(() => void rssOf(pid).then((rss) => (peak = Math.max(peak, rss))), 20);
      try {
        for (const declare of [false, true]) {
          const anonymous = await upload(fresh, { path, bytes: 200 * 1024 * 1024, headers: multipart, declare });
          expect(anonymous.status).toBe(401);
          expect(JSON.parse(anonymous.body)).toMatchObject({ error: { code: "unauthorized" } });
          const signedIn = await upload(fresh, { path, bytes: 200 * 1024 * 1024, headers: { ...multipart, Cookie: session }, declare });
          expect(signedIn.status).toBe(413);
          expect(JSON.parse(signedIn.body)).toMatchObject({ error: { code: "file_too_large" } });
        }
      } finally {
        clearInterval(watch);
      }
      const kept = ((await settledRss(pid)) - before) / 1024 / 1024;
      const most = (peak - before) / 1024 / 1024;
      console.log(`memory over 4 uploads of 200 MB to /api/attachments: kept ${kept.toFixed(1)} MB, at most ${most.toFixed(1)} MB more while they came in`);
      expect(kept).toBeLessThan(20);
      expect(most).toBeLessThan(20);
    } finally {
      await fresh.stop();
    }
  });

  it("to the sign-in routes are capped at a sign-in form's size", async () => {
    const res = await fetch(`${app.url}/api/auth/callback/credentials`, {
      method: "POST",
      headers: form,
      body: `email=a%40b.c&password=${"x".repeat(20_000)}`,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });
});

describe("sessions", () => {
  const api = (sessionCookie: string, path = "/api/conversations") =>
    fetch(`${app.url}${path}`, { headers: { Origin: app.url, "Sec-Fetch-Site": "same-origin", Cookie: sessionCookie }, redirect: "manual" });
  const sessionOf = async (sessionCookie: string) =>
    (await (await fetch(`${app.url}/api/auth/session`, { headers: { Cookie: sessionCookie } })).json()) as { user?: { email?: string } };
  const tokenOf = (sessionCookie: string) => decodeURIComponent(/next-auth\.session-token=([^;]+)/.exec(sessionCookie)?.[1] ?? "");

  it("end on the server at sign-out: a copy of the cookie taken before stops working everywhere", async () => {
    const bob = users.bob!;
    const [here, copy] = [await signIn({ baseUrl: app.url, ...bob }), await signIn({ baseUrl: app.url, ...bob })];
    expect((await api(copy)).status).toBe(200);
    // Sign out as the app's button does: the CSRF token, then the form post.
    const csrf = await fetch(`${app.url}/api/auth/csrf`, { headers: { Cookie: here } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const out = await fetch(`${app.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `${here}; ${csrfCookie}`, Origin: app.url },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/signin", json: "true" }),
    });
    expect(out.status).toBeLessThan(400);
    for (const old of [here, copy]) {
      expect((await api(old)).status).toBe(401);
      expect(await sessionOf(old)).toEqual({});
      const page = await fetch(`${app.url}/`, { headers: { Cookie: old }, redirect: "manual" });
      expect(new URL(page.headers.get("location") ?? "/", app.url).pathname).toBe("/signin");
    }
    // Signing in again starts a new session.
    expect((await api(await signIn({ baseUrl: app.url, ...bob }))).status).toBe(200);
  });

  it("last SESSION_MAX_AGE_SECONDS from sign-in, however often they are refreshed", async () => {
    const fresh = await signIn({ baseUrl: app.url, ...users.alice! });
    const started = (await decode({ token: tokenOf(fresh), secret: runSecrets.nextauthSecret }))?.authTime;
    expect(typeof started).toBe("number");
    // A refresh re-signs the cookie with a later expiry, never a later start.
    const refreshed = await fetch(`${app.url}/api/auth/session`, { headers: { Cookie: fresh } });
    const renewed =
      refreshed.headers
        .getSetCookie()
        .find((c) => c.startsWith("next-auth.session-token="))
        ?.split(";")[0] ?? "";
    expect((await decode({ token: tokenOf(renewed), secret: runSecrets.nextauthSecret }))?.authTime).toBe(started);

    // A token whose session began longer ago than the lifetime (3600 s here), however fresh its expiry.
    const { sub, email } = (await decode({ token: tokenOf(fresh), secret: runSecrets.nextauthSecret })) ?? {};
    const stale = `next-auth.session-token=${await encode({ token: { sub, email, authTime: Date.now() - 3_660_000 }, secret: runSecrets.nextauthSecret, maxAge: 3600 })}`;
    expect((await api(stale)).status).toBe(401);
    expect(await sessionOf(stale)).toEqual({});
    const page = await fetch(`${app.url}/`, { headers: { Cookie: stale }, redirect: "manual" });
    expect(new URL(page.headers.get("location") ?? "/", app.url).pathname).toBe("/signin");
    // Nor is one with no start at all (issued before this rule).
    const unstamped = `next-auth.session-token=${await encode({ token: { sub, email }, secret: runSecrets.nextauthSecret, maxAge: 3600 })}`;
    expect((await api(unstamped)).status).toBe(401);
  });
});
