import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "@/lib/http/security-headers";
import { clientIp } from "@/lib/client-ip";

const nonce = randomBytes(16).toString("base64");

/** The CSP as a map of directive to its source list. */
function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy
    .split(";")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = "", ...values] = part.split(/\s+/);
    expect(map.has(name), `directive ${name} appears twice`).toBe(false);
    map.set(name, values);
  }
  return map;
}

describe("contentSecurityPolicy in production", () => {
  const csp = directives(contentSecurityPolicy({ nonce, isDev: false, isHttps: true }));

  it("runs only scripts carrying this response's nonce, and what they load ('strict-dynamic')", () => {
    const scriptSrc = csp.get("script-src") ?? [];
    expect(scriptSrc).toContain(`'nonce-${nonce}'`);
    expect(scriptSrc).toContain("'strict-dynamic'");
  });

  it("never allows inline scripts, eval, or scripts from other hosts", () => {
    const scriptSrc = csp.get("script-src") ?? [];
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(scriptSrc.filter((s) => /^(https?:|\*|data:|blob:)/.test(s))).toEqual([]);
  });

  it("styles need the nonce too: no 'unsafe-inline'", () => {
    expect(csp.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
  });

  it("loads images only from this origin, data: and blob: (a reply cannot beacon to another server)", () => {
    expect(csp.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
  });

  it("connects only to this origin", () => {
    expect(csp.get("connect-src")).toEqual(["'self'"]);
  });

  it("shuts plugins, <base> rewriting, framing and off-site form posts", () => {
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("frame-src")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
  });

  it("upgrades insecure requests only over https", () => {
    expect(csp.has("upgrade-insecure-requests")).toBe(true);
    expect(directives(contentSecurityPolicy({ nonce, isDev: false, isHttps: false })).has("upgrade-insecure-requests")).toBe(false);
  });

  it("uses a different nonce for each response it is given", () => {
    const other = randomBytes(16).toString("base64");
    const policy = contentSecurityPolicy({ nonce: other, isDev: false, isHttps: true });
    expect(policy).toContain(`'nonce-${other}'`);
    expect(policy).not.toContain(nonce);
  });
});

describe("contentSecurityPolicy in development", () => {
  const csp = directives(contentSecurityPolicy({ nonce, isDev: true, isHttps: false }));

  it("adds only what the dev server needs (eval, inline styles, websockets) and keeps the nonce", () => {
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", "'unsafe-eval'"]);
    expect(csp.get("script-src")).not.toContain("'unsafe-inline'");
    expect(csp.get("style-src")).toContain("'unsafe-inline'");
    expect(csp.get("connect-src")).toEqual(["'self'", "ws:"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
  });
});

describe("securityHeaders", () => {
  it("sets the hardening headers on every page", () => {
    const headers = securityHeaders({ nonce, isDev: false, isHttps: true });
    expect(headers["Content-Security-Policy"]).toBe(contentSecurityPolicy({ nonce, isDev: false, isHttps: true }));
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["X-Frame-Options"]).toBe("DENY");
    expect(headers["Cross-Origin-Opener-Policy"]).toBe("same-origin");
    expect(headers["Permissions-Policy"]).toMatch(/camera=\(\)/);
    expect(headers["Permissions-Policy"]).toMatch(/microphone=\(\)/);
  });

  it("uses a Referrer-Policy that keeps the Origin header meaningful (not no-referrer)", () => {
    for (const isDev of [true, false]) {
      const policy = securityHeaders({ nonce, isDev, isHttps: !isDev })["Referrer-Policy"];
      expect(policy).toBe("same-origin");
      expect(policy).not.toBe("no-referrer");
    }
  });

  it("sends HSTS outside development only", () => {
    expect(securityHeaders({ nonce, isDev: false, isHttps: true })["Strict-Transport-Security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(securityHeaders({ nonce, isDev: true, isHttps: false })).not.toHaveProperty("Strict-Transport-Security");
  });
});

describe("clientIp", () => {
  const from = (headers: Record<string, string>) => clientIp(new Headers(headers));

  it("takes the right-most X-Forwarded-For entry, the one the trusted proxy added", () => {
    expect(from({ "x-forwarded-for": "203.0.113.7" })).toBe("203.0.113.7");
    expect(from({ "x-forwarded-for": "1.2.3.4, 198.51.100.2,  203.0.113.7 " })).toBe("203.0.113.7");
  });

  it("ignores whatever the client put further left (a spoofed address cannot dodge the limit)", () => {
    const a = from({ "x-forwarded-for": "10.0.0.1, 203.0.113.7" });
    const b = from({ "x-forwarded-for": "10.9.9.9, 203.0.113.7" });
    expect(a).toBe(b);
  });

  it("skips empty entries and falls back to X-Real-IP, then to 'unknown'", () => {
    expect(from({ "x-forwarded-for": "203.0.113.7, , " })).toBe("203.0.113.7");
    expect(from({ "x-forwarded-for": " , ", "x-real-ip": " 198.51.100.9 " })).toBe("198.51.100.9");
    expect(from({ "x-real-ip": "2001:db8::1" })).toBe("2001:db8::1");
    expect(from({})).toBe("unknown");
  });
});
