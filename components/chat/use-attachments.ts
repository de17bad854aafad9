"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AttachmentChip, AttachmentsConfig } from "./types";

/**
 * What the upload code (./attachment-upload, loaded on first use) works on: the latest chips, a way
 * to change them, the caps, and the conversation open now (an upload is bound to it).
 */
export type ChipStore = {
  config: AttachmentsConfig;
  list: () => AttachmentChip[];
  update: (change: (chips: AttachmentChip[]) => AttachmentChip[]) => void;
  conversationId: () => string | undefined;
};

// Not in the first load: the chat page's budget has no room for code that only a file needs.
const loadUploads = () => import("./attachment-upload");

/**
 * The documents in the composer. Only the state lives here; uploading, retrying and removing are
 * fetched the first time a file is added. `onLoadFailed` hears when that code cannot be fetched.
 */
export function useAttachments({
  config,
  conversationId,
  onLoadFailed,
}: {
  config: AttachmentsConfig;
  conversationId: string | undefined;
  onLoadFailed: () => void;
}) {
  const [chips, setChips] = useState<AttachmentChip[]>([]);
  // The source of truth, changed at once, so two quick changes both see the other; the state follows it.
  const current = useRef(chips);
  const conversation = useRef(conversationId);
  useEffect(() => {
    conversation.current = conversationId;
  }, [conversationId]);

  const store = useMemo<ChipStore>(
    () => ({
      config,
      list: () => current.current,
      update: (change) => {
        current.current = change(current.current);
        setChips(current.current);
      },
      conversationId: () => conversation.current,
    }),
    [config],
  );

  // What was attached and not yet sent here when the page was last closed comes back (./attachment-upload).
  useEffect(() => {
    if (!config.enabled) return;
    let stale = false;
    loadUploads().then(({ restoreDrafts }) => restoreDrafts({ store, conversationId, stale: () => stale }), onLoadFailed);
    return () => {
      stale = true;
    };
  }, [config.enabled, conversationId, store, onLoadFailed]);

  const add = useCallback(
    (files: File[]) => {
      if (files.length > 0) loadUploads().then(({ addFiles }) => addFiles({ store, files }), onLoadFailed);
    },
    [store, onLoadFailed],
  );

  /** Takes every chip away, deleting what was uploaded (a new chat, another conversation). */
  const discard = useCallback(() => {
    const gone = current.current;
    if (gone.length === 0) return;
    store.update(() => []);
    void loadUploads().then(({ forget }) => forget(gone), onLoadFailed);
  }, [store, onLoadFailed]);

  return { chips, store, add, discard };
}
