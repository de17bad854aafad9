/** Headers from proxy.ts on pages: a CSP with a fresh nonce per request, and the rest of the set. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../support/app-server";
import { signIn } from "../support/auth";
import { appEnv, makeUsers } from "../support/test-env";

let app: AppServer;
let cookie: string;

beforeAll(async () => {
  const made = await makeUsers(["alice"]);
  app = await startApp({
    name: "headers",
    env: appEnv({ openaiUrl: "http://127.0.0.1:9/v1", anthropicUrl: "http://127.0.0.1:9", authLocalUsers: made.authLocalUsers }),
  });
  cookie = await signIn({ baseUrl: app.url, ...made.users.alice! });
});

afterAll(async () => app?.stop());

const nonceOf = (csp: string) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];

describe.each([
  ["the sign-in page", "/signin", false],
  ["the chat page", "/", true],
])("%s", (_name, page, signedIn) => {
  it("carries a strict CSP whose nonce is on every script and new on every request", async () => {
    const get = () => fetch(`${app.url}${page}`, { headers: signedIn ? { Cookie: cookie } : {} });
    const [first, second] = [await get(), await get()];
    expect(first.status).toBe(200);
    const csp = first.headers.get("content-security-policy") ?? "";
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? "";
    expect(scriptSrc).toContain("'strict-dynamic'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "img-src 'self' data: blob:", "connect-src 'self'"]) {
      expect(csp).toContain(directive);
    }
    const nonce = nonceOf(csp);
    expect(nonce).toBeTruthy();
    expect(nonceOf(second.headers.get("content-security-policy") ?? "")).not.toBe(nonce);

    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("sends the other security headers", async () => {
    const res = await fetch(`${app.url}${page}`, { headers: signedIn ? { Cookie: cookie } : {} });
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });
});

describe("whatever the request headers say", () => {
  // Next.js's own example skips the proxy for prefetches; a request that claims to be one must not
  // get a page without its headers (it is still a full HTML page, /admin included).
  const claims: Record<string, string>[] = [
    { Purpose: "prefetch" },
    { "Next-Router-Prefetch": "1" },
    { "Sec-Purpose": "prefetch" },
    { RSC: "1", "Next-Router-Prefetch": "1", "Next-Router-Segment-Prefetch": "/_tree" },
    { "X-Middleware-Prefetch": "1", Purpose: "prefetch" },
  ];
  it.each(["/", "/admin", "/signin", "/no-such-page"])("%s comes back with CSP, HSTS and framing refused, prefetch headers or not", async (page) => {
    for (const claim of claims) {
      for (const session of [{ Cookie: cookie }, {}] as Record<string, string>[]) {
        const res = await fetch(`${app.url}${page}`, { redirect: "manual", headers: { ...claim, ...session } });
        const what = `${page} ${JSON.stringify(claim)} ${"Cookie" in session ? "signed in" : "signed out"}: ${res.status}`;
        expect(res.status, what).toBeLessThan(500);
        expect(res.headers.get("content-security-policy"), what).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options"), what).toBe("DENY");
        expect(res.headers.get("strict-transport-security"), what).toMatch(/max-age=\d{7,}/);
        expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
        await res.arrayBuffer();
      }
    }
  });
});

describe("pages that need a user", () => {
  it("redirect to the sign-in page without a session", async () => {
    const res = await fetch(`${app.url}/`, { redirect: "manual" });
    expect([302, 303, 307]).toContain(res.status);
    expect(new URL(res.headers.get("location") ?? "", app.url).pathname).toBe("/signin");
  });

  it("redirect to the sign-in page with a forged session cookie (the page checks, not only the proxy)", async () => {
    const res = await fetch(`${app.url}/`, { redirect: "manual", headers: { Cookie: "next-auth.session-token=forged.value.here" } });
    expect([302, 303, 307]).toContain(res.status);
    expect(new URL(res.headers.get("location") ?? "", app.url).pathname).toBe("/signin");
  });
});

describe("files", () => {
  it("such as the icon are served without a session (no redirect)", async () => {
    const res = await fetch(`${app.url}/icon.svg`, { redirect: "manual" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
  });
});

describe("API routes", () => {
  it("answer 401 JSON (not a redirect) without a session, with no CORS headers", async () => {
    const res = await fetch(`${app.url}/api/chat`, {
      method: "POST",
      headers: { Origin: app.url, "Content-Type": "application/json" },
      body: "{}",
      redirect: "manual",
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("cache-control")).toContain("no-store");
  });
});
