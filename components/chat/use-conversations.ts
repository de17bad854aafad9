"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiFailure } from "./api-client";
import { titleFromMessage } from "./conversation-title";
import { deleteConversation, listConversations, renameConversation } from "./conversations-api";
import type { ConversationSummary } from "./types";

export type ListStatus = { kind: "loading" } | { kind: "ready" } | { kind: "error"; message: string };

/**
 * The user's conversations, newest first: loaded from the server (unless the page rendered them),
 * then kept current by local updates as messages are sent, renamed and deleted, so the list never
 * waits on a refetch.
 */
export function useConversations({ initial }: { initial?: ConversationSummary[] }) {
  const [items, setItems] = useState<ConversationSummary[]>(() => initial ?? []);
  const [status, setStatus] = useState<ListStatus>(initial ? { kind: "ready" } : { kind: "loading" });
  // Ids touched locally while a load is in flight: the server's answer may predate them.
  const touched = useRef(new Set<string>());

  const load = useCallback(async (signal?: AbortSignal) => {
    touched.current.clear();
    setStatus({ kind: "loading" });
    const result = await listConversations({ signal });
    if (signal?.aborted) return;
    if (!result.ok) {
      setStatus({ kind: "error", message: result.message });
      return;
    }
    const fresh = new Set(result.data.map((c) => c.id));
    setItems((current) => [...current.filter((c) => touched.current.has(c.id) && !fresh.has(c.id)), ...result.data]);
    setStatus({ kind: "ready" });
  }, []);

  // Fetched once on mount, and only when the page did not render the list already.
  const rendered = initial !== undefined;
  useEffect(() => {
    if (rendered) return;
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [rendered, load]);

  /** A message went to `id`: it moves to the top, and a new conversation appears titled as the server titles it. */
  const noteActivity = useCallback(({ id, firstMessage }: { id: string; firstMessage: string }) => {
    touched.current.add(id);
    const now = new Date().toISOString();
    setItems((current) => {
      const existing = current.find((c) => c.id === id);
      const moved = existing ? { ...existing, updatedAt: now } : { id, title: titleFromMessage(firstMessage), createdAt: now, updatedAt: now, messageCount: 0 };
      return [moved, ...current.filter((c) => c.id !== id)];
    });
  }, []);

  /** Shows the new title at once and puts the old one back if the server refuses it. */
  const rename = useCallback(async ({ id, title, previous }: { id: string; title: string; previous: string }): Promise<ApiFailure | null> => {
    const wanted = title.trim();
    setItems((current) => current.map((c) => (c.id === id ? { ...c, title: wanted } : c)));
    const result = await renameConversation({ id, title: wanted });
    if (result.ok) {
      setItems((current) => current.map((c) => (c.id === id ? { ...c, title: result.data.title } : c)));
      return null;
    }
    // Only if nothing renamed it again meanwhile.
    setItems((current) => current.map((c) => (c.id === id && c.title === wanted ? { ...c, title: previous } : c)));
    return result;
  }, []);

  const forget = useCallback((id: string) => setItems((current) => current.filter((c) => c.id !== id)), []);

  /** Deletes on the server, then from the list; one that is already gone counts as deleted. */
  const remove = useCallback(
    async (id: string): Promise<ApiFailure | null> => {
      const result = await deleteConversation({ id });
      if (!result.ok && result.code !== "conversation_not_found") return result;
      forget(id);
      return null;
    },
    [forget],
  );

  const clear = useCallback(() => {
    touched.current.clear();
    setItems([]);
    setStatus({ kind: "ready" });
  }, []);

  const retry = useCallback(() => void load(), [load]);

  return { items, status, noteActivity, rename, remove, forget, clear, retry };
}
