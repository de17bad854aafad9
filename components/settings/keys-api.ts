import { requestJson, type ApiResult } from "@/components/chat/api-client";
import { toIssuedKey, toKeysOverview, toRolledKey } from "./key-shapes";
import type { IssuedKey, KeysOverview, NewKeyRequest, RelayKeyView } from "./types";

/** Where a 401 sends the user: back to this page once they have signed in. */
export const SETTINGS_SIGN_IN_URL = "/signin?callbackUrl=%2Fsettings%2Fapi-keys";

const keyPath = (id: string) => `/api/keys/${encodeURIComponent(id)}`;

/** The user's keys (never the keys themselves) and what a new one may be given. */
export function listKeys({ signal }: { signal?: AbortSignal } = {}): Promise<ApiResult<KeysOverview>> {
  return requestJson({ path: "/api/keys", read: toKeysOverview, signal });
}

/** Makes a key; the answer is the only time the key itself is seen. */
export function createKey(body: NewKeyRequest): Promise<ApiResult<IssuedKey>> {
  return requestJson({ path: "/api/keys", method: "POST", body, read: toIssuedKey });
}

/** A new key with the same settings; the old one keeps working for `graceHours`. */
export function rollKey({ id, graceHours }: { id: string; graceHours: number }): Promise<ApiResult<IssuedKey & { previous: RelayKeyView }>> {
  return requestJson({ path: `${keyPath(id)}/roll`, method: "POST", body: { graceHours }, read: toRolledKey });
}

export function revokeKey({ id }: { id: string }): Promise<ApiResult<true>> {
  return requestJson({ path: keyPath(id), method: "DELETE", read: () => true });
}
