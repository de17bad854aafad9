import { describe, expect, it } from "vitest";
import { MAX_REQUEST_BODY_BYTES } from "@/lib/config/limits";
import { refuseMalformedRequest } from "@/lib/http/request-guard";
import { safeRedirect } from "@/lib/auth/options";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";

const BASE = "https://chat.bulwark.test";

/** A body sent in 64 KB chunks with no Content-Length; counts the chunks the reader pulled. */
function chunked(total: number) {
  const stats = { pulled: 0 };
  const chunk = new Uint8Array(65_536);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (stats.pulled * chunk.length >= total) return controller.close();
      stats.pulled++;
      controller.enqueue(chunk);
    },
  });
  return { request: new Request(`${BASE}/api/auth/signout`, { method: "POST", body, duplex: "half" } as RequestInit), stats };
}

describe("refuseMalformedRequest (the proxy, before any route)", () => {
  it("refuses a path whose %-escapes do not decode with a 400, and lets ordinary ones through", async () => {
    const bad = await refuseMalformedRequest(new Request(`${BASE}/api/conversations/%ED%A0%80`));
    expect(bad?.status).toBe(400);
    expect(await bad?.json()).toMatchObject({ error: { code: "invalid_path" } });
    expect(await refuseMalformedRequest(new Request(`${BASE}/api/conversations/abc%20d`))).toBeNull();
  });

  it("refuses a declared length over the cap without reading, and passes one at the cap", async () => {
    const over = new Request(`${BASE}/api/chat`, { method: "POST", headers: { "content-length": String(MAX_REQUEST_BODY_BYTES + 1) } });
    const refused = await refuseMalformedRequest(over);
    expect(refused?.status).toBe(413);
    expect(refused?.headers.get("connection")).toBe("close");
    expect(await refused?.json()).toMatchObject({ error: { code: "payload_too_large" } });
    const at = new Request(`${BASE}/api/chat`, { method: "POST", headers: { "content-length": String(MAX_REQUEST_BODY_BYTES) } });
    expect(await refuseMalformedRequest(at)).toBeNull();
  });

  it("counts a body sent without a length and stops reading one byte past the cap", async () => {
    const big = chunked(200 * 1024 * 1024);
    expect((await refuseMalformedRequest(big.request))?.status).toBe(413);
    expect(big.stats.pulled).toBeLessThanOrEqual(Math.ceil((MAX_REQUEST_BODY_BYTES + 1) / 65_536));
    expect(await refuseMalformedRequest(chunked(65_536 * 3).request)).toBeNull();
  });
});

describe("where sign-in may send the browser", () => {
  it("keeps paths and URLs of this origin, and sends anything else home instead of throwing", () => {
    expect(safeRedirect({ url: "/admin?tab=keys", baseUrl: BASE })).toBe(`${BASE}/admin?tab=keys`);
    expect(safeRedirect({ url: `${BASE}/settings#x`, baseUrl: BASE })).toBe(`${BASE}/settings#x`);
    for (const url of [
      "foo",
      "",
      "https://evil.example/",
      "//evil.example/x",
      "/\\evil.example",
      "javascript:alert(1)",
      "/。x",
      "http://chat.bulwark.test/",
      "/\t/evil.example",
    ]) {
      expect(safeRedirect({ url, baseUrl: BASE }), url).toBe(BASE);
    }
  });

  it("safeCallbackUrl takes only printable ASCII paths of this site", () => {
    expect(safeCallbackUrl("/a/b?c=d")).toBe("/a/b?c=d");
    for (const url of ["/。x", "/a\u00a0b", "/\u2028", "https://evil.example", "//evil.example", undefined, null]) expect(safeCallbackUrl(url)).toBe("/");
  });
});
