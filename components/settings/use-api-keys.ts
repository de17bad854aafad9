"use client";

import { useCallback, useEffect, useState } from "react";
import type { ApiFailure, ApiResult } from "@/components/chat/api-client";
import { rollNote } from "./key-format";
import { createKey, listKeys, revokeKey, rollKey, SETTINGS_SIGN_IN_URL } from "./keys-api";
import type { KeysOverview, NewKeyRequest, RelayKeyView, RevealedKey } from "./types";

const newestFirst = (keys: RelayKeyView[]) => [...keys].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));

/** A signed-out answer leaves the page; any other failure is handed back to be shown where it happened. */
function failureOf<T>(result: ApiResult<T>): ApiFailure | null {
  if (result.ok) return null;
  if (result.code === "unauthorized") window.location.assign(SETTINGS_SIGN_IN_URL);
  return result;
}

/**
 * The keys page's state: the list, the one key being shown, and the last result for the live
 * region. The key itself lives only in `revealed`, in memory, until `dismissKey` drops it.
 */
export function useApiKeys(initial: KeysOverview | undefined) {
  const [overview, setOverview] = useState<KeysOverview | undefined>(() => initial && { ...initial, keys: newestFirst(initial.keys) });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<RevealedKey | null>(null);
  const [status, setStatus] = useState("");

  const load = useCallback(async (signal?: AbortSignal) => {
    setLoadError(null);
    const result = await listKeys({ signal });
    if (result.ok) setOverview({ ...result.data, keys: newestFirst(result.data.keys) });
    else if (result.code !== "aborted") setLoadError(failureOf(result)?.message ?? null);
  }, []);

  // Rendered with the page when the store answered; otherwise loaded here, and the error says why not.
  useEffect(() => {
    if (initial) return;
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [initial, load]);

  const replaceKeys = (change: (keys: RelayKeyView[]) => RelayKeyView[]) =>
    setOverview((current) => current && { ...current, keys: newestFirst(change(current.keys)) });

  async function create(body: NewKeyRequest): Promise<ApiFailure | null> {
    const result = await createKey(body);
    if (!result.ok) return failureOf(result);
    const { key, view } = result.data;
    replaceKeys((keys) => [view, ...keys]);
    setRevealed({ key, name: view.name, note: null });
    setStatus(`Created the key “${view.name}”. Copy it now: it is shown only once.`);
    return null;
  }

  async function roll({ id, graceHours }: { id: string; graceHours: number }): Promise<ApiFailure | null> {
    const result = await rollKey({ id, graceHours });
    if (!result.ok) return failureOf(result);
    const { key, view, previous } = result.data;
    replaceKeys((keys) => [view, ...keys.map((k) => (k.id === previous.id ? previous : k))]);
    setRevealed({ key, name: view.name, note: rollNote(previous) });
    setStatus(`Rolled the key “${view.name}”. Copy the new key now: it is shown only once.`);
    return null;
  }

  async function revoke(target: RelayKeyView): Promise<ApiFailure | null> {
    const result = await revokeKey({ id: target.id });
    // Already gone (another tab, an admin) is what was asked for: the row goes either way.
    if (!result.ok && result.code !== "api_key_not_found") return failureOf(result);
    replaceKeys((keys) => keys.filter((k) => k.id !== target.id));
    setStatus(`Revoked the key “${target.name}”. It no longer works anywhere.`);
    return null;
  }

  // The "copy it now" status would be stale once the key is gone.
  function dismissKey() {
    setRevealed(null);
    setStatus("");
  }

  return { overview, loadError, load, revealed, dismissKey, status, create, roll, revoke };
}
