/**
 * Security headers for pages, set by proxy.ts on every page response. The CSP uses a fresh nonce per
 * request with 'strict-dynamic': only scripts that Next.js renders with the nonce (and what they
 * load) run; injected markup can run nothing. Images only from this origin (or data:/blob:), so a
 * reply cannot make the browser call an attacker's server; fetches only to this origin.
 */
export function contentSecurityPolicy({ nonce, isDev, isHttps }: { nonce: string; isDev: boolean; isHttps: boolean }): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // React's development build needs eval for its debugging aids; production never gets it.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(isDev ? ["'unsafe-eval'"] : [])],
    // The dev server injects style tags without a nonce; a nonce would make browsers ignore 'unsafe-inline'.
    "style-src": isDev ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(isDev ? ["ws:"] : [])],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "frame-src": ["'none'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
  };
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(" ")}`);
  if (isHttps && !isDev) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

export type SecurityHeaders = { "Content-Security-Policy": string } & Record<string, string>;

export function securityHeaders({ nonce, isDev, isHttps }: { nonce: string; isDev: boolean; isHttps: boolean }): SecurityHeaders {
  return {
    "Content-Security-Policy": contentSecurityPolicy({ nonce, isDev, isHttps }),
    "X-Content-Type-Options": "nosniff",
    // `same-origin`, not `no-referrer`: with no-referrer a browser sends `Origin: null` on POST,
    // which the same-origin check of the API routes would (rightly) refuse.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(isDev ? {} : { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" }),
  };
}
