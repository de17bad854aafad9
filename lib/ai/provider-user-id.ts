import "server-only";
import { createHmac } from "node:crypto";
import { env } from "../env";

/**
 * The id a provider is told for the person behind a request: OpenAI's `safety_identifier` and
 * Anthropic's `metadata.user_id`. Both providers use it to act on one abusive account instead of the
 * whole deployment's key, and both ask that it identify no one.
 *
 * An HMAC-SHA256 under NEXTAUTH_SECRET with its own prefix (`provider:`): stable for a user within a
 * deployment, the same through the chat UI and through their relay keys; not the log hash
 * (lib/log/hash-id.ts, `log:`) nor the store's unkeyed hash (lib/store/keys.ts), so the id a provider
 * holds links to no log line or store key; and, being keyed, no use to anyone testing a guessed email
 * address against it (a session's user id is `credentials:<email>` for a local account). Rotating
 * NEXTAUTH_SECRET gives every user a new id: the provider then sees new users.
 *
 * The whole digest in base64url, 43 characters of [A-Za-z0-9_-]: within OpenAI's limit for
 * `safety_identifier` (64) and Anthropic's for `metadata.user_id` (256).
 */
export function providerUserId(userId: string): string {
  return createHmac("sha256", env().auth.secret).update(`provider:${userId}`).digest("base64url");
}
