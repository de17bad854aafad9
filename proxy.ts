import { NextResponse, type NextRequest } from "next/server";
import { refuseMalformedRequest } from "./lib/http/request-guard";
import { securityHeaders } from "./lib/http/security-headers";

/**
 * Runs before every page and API route. For all of them it refuses what no route should see (a path
 * that does not decode, a body over the largest any route takes: lib/http/request-guard.ts). For
 * pages it adds a fresh CSP nonce and the security headers, and makes a cheap, optimistic redirect to
 * the sign-in page when there is no session cookie at all. It authorizes nothing: every page and
 * route handler checks the session itself (a matcher change must never open a hole).
 */
const PUBLIC_PAGES = ["/signin"];

export async function proxy(request: NextRequest): Promise<NextResponse | Response> {
  const refused = await refuseMalformedRequest(request);
  if (refused) return refused;
  // API routes set their own headers and answer 401 JSON instead of redirecting.
  if (request.nextUrl.pathname.startsWith("/api/")) return NextResponse.next();

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const isHttps = request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  const headers = securityHeaders({ nonce, isDev: process.env.NODE_ENV === "development", isHttps });

  const { pathname, search } = request.nextUrl;
  const hasSessionCookie = request.cookies.getAll().some((c) => c.name.includes("next-auth.session-token"));
  let response: NextResponse;
  if (!hasSessionCookie && !PUBLIC_PAGES.includes(pathname)) {
    const target = new URL("/signin", request.url);
    target.searchParams.set("callbackUrl", `${pathname}${search}`);
    response = NextResponse.redirect(target);
  } else {
    // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]);
    requestHeaders.set("x-nonce", nonce);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Pages and API routes; files (a dot in the last segment: /icon.svg, /robots.txt) are served to
  // anyone. Prefetches are not skipped (Next.js's example skips them to save a nonce): a request that
  // only claims to be one would get a whole page without its CSP, HSTS or framing protection.
  // One route is left out: uploads to POST /api/attachments. Next.js copies every body the proxy
  // sees (up to PROXY_BODY_COPY_BYTES, and silently cuts a longer one short for the route), and the
  // proxy refuses anything over 1 MiB; that route checks the origin and the session before it reads
  // a byte, then reads at most the file cap and its framing (app/api/attachments/route.ts). So no
  // body larger than 1 MiB is ever held for someone who is not signed in.
  matcher: ["/((?!_next/static|_next/image|api/attachments$|.*\\.[A-Za-z0-9]+$).*)"],
};
