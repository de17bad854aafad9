import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http/origin";

const APP = "https://chat.bulwark.test";

function post(headers: Record<string, string>, url = `${APP}/api/chat`): Request {
  return new Request(url, { method: "POST", headers });
}

/**
 * The ApiError assertSameOrigin throws, or undefined when it lets the request through.
 * `appUrl: null` stands for "NEXTAUTH_URL not set" (development).
 */
function check(req: Request, appUrlOrNull: string | null = APP): ApiError | undefined {
  const appUrl = appUrlOrNull ?? undefined;
  try {
    assertSameOrigin(req, { appUrl });
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

describe("assertSameOrigin", () => {
  it("lets a request from the app's own origin through", () => {
    expect(check(post({ origin: APP, "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(check(post({ origin: APP }))).toBeUndefined(); // an older browser without Sec-Fetch-Site
  });

  it("lets a same-origin fetch without Origin through when Sec-Fetch-Site vouches for it", () => {
    expect(check(post({ "sec-fetch-site": "same-origin" }))).toBeUndefined();
  });

  it("refuses a request from another origin with 403 cross_site", () => {
    const error = check(post({ origin: "https://evil.test" }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.code).toBe("cross_site");
    expect(error?.status).toBe(403);
  });

  it.each(["cross-site", "same-site", "none"])("refuses Sec-Fetch-Site: %s even when Origin matches", (site) => {
    expect(check(post({ origin: APP, "sec-fetch-site": site }))?.code).toBe("cross_site");
  });

  it("refuses a request that carries neither Origin nor Sec-Fetch-Site", () => {
    const error = check(post({}));
    expect(error?.code).toBe("cross_site");
    expect(error?.message).toMatch(/Origin/);
  });

  it("refuses Origin: null (sandboxed frames, data: URLs, some redirects)", () => {
    expect(check(post({ origin: "null" }))?.code).toBe("cross_site");
    expect(check(post({ origin: "null", "sec-fetch-site": "same-origin" }))?.code).toBe("cross_site");
  });

  it.each([
    "http://chat.bulwark.test", // scheme differs
    "https://chat.bulwark.test:8443", // port differs
    "https://chat.bulwark.test.evil.test", // suffix trick
    "https://evil.chat.bulwark.test", // subdomain
    "https://chat.bulwark.test/", // not an origin serialisation
    "HTTPS://CHAT.BULWARK.TEST",
  ])("refuses the look-alike origin %s", (origin) => {
    expect(check(post({ origin }))?.code).toBe("cross_site");
  });

  it("compares with the origin of the configured app URL, ignoring its path", () => {
    expect(check(post({ origin: APP }), `${APP}/some/base/path/`)).toBeUndefined();
  });

  it("with an app URL configured, a spoofed Host header cannot make another origin acceptable", () => {
    const spoofed = post({ origin: "https://evil.test", host: "evil.test" }, "http://10.0.0.5:3000/api/chat");
    expect(check(spoofed, APP)?.code).toBe("cross_site");
    // ...and the real origin still passes whatever Host the proxy forwarded.
    expect(check(post({ origin: APP, host: "10.0.0.5:3000" }, "http://10.0.0.5:3000/api/chat"), APP)).toBeUndefined();
  });

  it("without an app URL (development), expects the origin the browser reached", () => {
    const url = "http://localhost:3000/api/chat";
    expect(check(post({ origin: "http://localhost:3000", host: "localhost:3000" }, url), null)).toBeUndefined();
    expect(check(post({ origin: "http://localhost:3000" }, url), null)).toBeUndefined();
    expect(check(post({ origin: "http://evil.test", host: "localhost:3000" }, url), null)?.code).toBe("cross_site");
  });
});
