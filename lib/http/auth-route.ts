import "server-only";
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { ApiError } from "../errors";
import { errorResponse } from "./errors";
import { readCappedText } from "./body";
import { log } from "../log/logger";
import { authOptions } from "../auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

/** Sign-in, sign-out and CSRF forms are a few hundred bytes; nothing next-auth takes comes near this. */
export const AUTH_MAX_BODY_BYTES = 16_384;

/** next-auth's error codes are words ("CredentialsSignin"); anything else is shown as the default error. */
const ERROR_CODE = /^[A-Za-z]{1,64}$/;
/** The cookie where next-auth keeps the callback URL between requests (plain, and on HTTPS). */
const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];

/**
 * next-auth's route handler behind the checks it lacks, so that no request to /api/auth/* can make it
 * answer a 500 or hold an unbounded body:
 * - a POST body is read here, never past AUTH_MAX_BODY_BYTES (413 when over), and JSON that does not
 *   parse is a 400 (next-auth would throw on it);
 * - the credentials callback takes POST only (a GET made next-auth throw);
 * - an `error` code that is not a plain word is replaced by "Default" (next-auth put it into a
 *   Location header as written, and a header cannot carry "✓");
 * - a `callbackUrl` query or callback-URL cookie that is not a path or an http(s) URL is dropped, or
 *   cleared with a 400 (next-auth answers either with a 500 "server configuration" error).
 * Other callback URLs are kept on this origin by the redirect callback (options.ts). Anything
 * next-auth still throws is a request it could not take: a 400, logged.
 */
export async function authRoute(req: NextRequest, context: Context): Promise<Response> {
  try {
    const [action, provider] = (await context.params).nextauth ?? [];
    if (action === "callback" && provider === "credentials" && req.method !== "POST") {
      throw new ApiError("method_not_allowed", "Sign in with the form on the sign-in page: this address takes the form's POST only.", {
        headers: { Allow: "POST" },
      });
    }
    const badCookies = CALLBACK_COOKIES.filter((name) => {
      const value = req.cookies.get(name)?.value;
      return value !== undefined && !isHttpUrl(value);
    });
    if (badCookies.length > 0) {
      const clear = badCookies.map((name) => `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`);
      const response = errorResponse(
        new ApiError("invalid_request", "A sign-in cookie of this browser was damaged and has been cleared. Reload the page and sign in again."),
      );
      for (const cookie of clear) response.headers.append("Set-Cookie", cookie);
      return response;
    }
    const url = new URL(req.url);
    const error = url.searchParams.get("error");
    if (error !== null && !ERROR_CODE.test(error)) url.searchParams.set("error", "Default");
    const callbackUrl = url.searchParams.get("callbackUrl");
    if (callbackUrl !== null && !isHttpUrl(callbackUrl)) url.searchParams.delete("callbackUrl");
    let body: string | undefined;
    if (req.method === "POST") {
      body = await readCappedText(req, {
        maxBytes: AUTH_MAX_BODY_BYTES,
        tooLarge: () => new ApiError("payload_too_large", `A sign-in request is at most ${AUTH_MAX_BODY_BYTES} bytes. Reload the sign-in page and try again.`),
      });
      if (/application\/json/i.test(req.headers.get("content-type") ?? "") && !isJsonObject(body)) {
        throw new ApiError("invalid_json", "The request body is not a JSON object.");
      }
    }
    const checked = new NextRequest(url, { method: req.method, headers: req.headers, body });
    return await NextAuth(checked, context, authOptions());
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    log.warn("auth.request_refused", { error: error instanceof Error ? error.name : typeof error });
    return errorResponse(new ApiError("invalid_request", "This sign-in request could not be processed. Go back to the sign-in page and try again."));
  }
}

/** What next-auth accepts as a callback URL: a path, or an absolute http(s) URL. */
function isHttpUrl(value: string): boolean {
  if (value.startsWith("/")) return true;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
