"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ApiFailure } from "./api-client";
import { getConversation } from "./conversations-api";
import type { Conversation } from "./types";

type Handlers = {
  onOpened: (conversation: Conversation) => void;
  onFailed: (failed: { id: string; failure: ApiFailure }) => void;
};

/**
 * Fetches a stored conversation to show it. Only the last one asked for counts: a click on another
 * (or `cancel`, for a new chat) drops an answer still on its way.
 */
export function useOpenConversation({ onOpened, onFailed }: Handlers) {
  const [openingId, setOpeningId] = useState<string | null>(null);
  const pending = useRef<AbortController | null>(null);
  // The latest handlers, so an answer is handled with the page as it is when it arrives.
  const handlers = useRef<Handlers>({ onOpened, onFailed });
  useEffect(() => {
    handlers.current = { onOpened, onFailed };
  });

  useEffect(() => () => pending.current?.abort(), []);

  const cancel = useCallback(() => {
    pending.current?.abort();
    pending.current = null;
    setOpeningId(null);
  }, []);

  const open = useCallback(
    async (id: string) => {
      cancel();
      const controller = new AbortController();
      pending.current = controller;
      setOpeningId(id);
      const result = await getConversation({ id, signal: controller.signal });
      if (controller.signal.aborted) return;
      pending.current = null;
      setOpeningId(null);
      if (result.ok) handlers.current.onOpened(result.data);
      else handlers.current.onFailed({ id, failure: result });
    },
    [cancel],
  );

  return { openingId, open, cancel };
}
