"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import type { OnAnswer } from "./approval-card";
import { OFFLINE } from "./api-client";
import { ChatHeader } from "./chat-header";
import { Composer, type ComposerAttachments } from "./composer";
import { ConversationSidebar } from "./conversation-sidebar";
import { EmptyState } from "./empty-state";
import { ErrorBanner } from "./error-banner";
import { MessageList } from "./message-list";
import { StatusNotice } from "./status-notice";
import type { AttachmentsConfig, ChatUser, ConversationSummary, ModelOption, TokenBudget } from "./types";
import { useAttachments } from "./use-attachments";
import { useChatStream } from "./use-chat-stream";
import { useConversations } from "./use-conversations";
import { useDrawer } from "./use-drawer";
import { useFileDrop } from "./use-file-drop";
import { useOpenConversation } from "./use-open-conversation";
import { useTokenBudget } from "./use-token-budget";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./chat.module.css";

export type ChatProps = {
  models: ModelOption[];
  defaultModel: string;
  maxMessageChars: number;
  user: ChatUser;
  /** The user's conversations, newest first, when the page loaded them; otherwise fetched on mount. */
  initialConversations?: ConversationSummary[];
  /** Today's token budget, when the page loaded it; otherwise fetched on mount. */
  initialBudget?: TokenBudget;
  /** Whether documents may be attached to messages, and their caps. */
  attachments: AttachmentsConfig;
};

/** The chat screen: owns the draft and the chosen model, and wires the stream, the list and the budget to the views. */
export function Chat({ models, defaultModel, maxMessageChars, user, initialConversations, initialBudget, attachments }: ChatProps) {
  const chat = useChatStream();
  const conversations = useConversations({ initial: initialConversations });
  const tokens = useTokenBudget({ initial: initialBudget });
  const drawer = useDrawer();
  const [draft, setDraft] = useState("");
  const [model, setModel] = useState(defaultModel);
  const [notice, setNotice] = useState<string | null>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const focusComposer = useCallback(() => composerRef.current?.focus(), []);

  // Every callback below is stable while a reply streams, and so are the props built from them:
  // the header, the sidebar and the composer are memoized and skip the many renders of a stream.
  const { load, showError, reset, stop, send, answer, streaming, conversationId } = chat;
  const { noteActivity, forget, remove, clear } = conversations;
  const { update: updateBudget, reload: reloadBudget, exhaust: exhaustBudget } = tokens;
  const { close: closeDrawer } = drawer;

  const onAttachLoadFailed = useCallback(() => showError({ message: OFFLINE }), [showError]);
  const documents = useAttachments({ config: attachments, conversationId, onLoadFailed: onAttachLoadFailed });
  const { chips, store: chipStore, add: addFiles, discard: discardChips } = documents;
  const drop = useFileDrop(attachments.enabled ? addFiles : undefined);

  const opener = useOpenConversation({
    onOpened: (conversation) => {
      // Documents are uploaded into the conversation that was open: they cannot go to another.
      discardChips();
      load(conversation);
      focusComposer();
    },
    onFailed: ({ id, failure }) => {
      // Deleted elsewhere (another tab, or it expired): it should not stay in the list.
      if (failure.code === "conversation_not_found") forget(id);
      showError({ message: failure.message });
    },
  });
  const { cancel: cancelOpening, open: openConversation } = opener;

  const onSend = useCallback(async () => {
    const sent = draft;
    const text = sent.trim();
    if (!text || text.length > maxMessageChars || streaming) return;
    if (chips.some((c) => c.status === "uploading" || c.status === "checking")) return;
    cancelOpening();
    setNotice(null);
    setDraft("");
    focusComposer();
    const continuing = conversationId;
    // The ready documents go with the message and move onto it; failed ones stay, to retry or remove.
    const sending = chips.filter((c) => c.status === "ready" && c.attachment);
    const sendingKeys = new Set(sending.map((c) => c.key));
    if (sending.length > 0) chipStore.update((list) => list.filter((c) => !sendingKeys.has(c.key)));
    const { restore } = await send({
      text,
      model,
      attachments: sending.flatMap((c) => (c.attachment ? [c.attachment] : [])),
      hooks: {
        onAccepted: (id) => noteActivity({ id, firstMessage: text }),
        onDone: ({ conversationId: id, budget }) => {
          noteActivity({ id, firstMessage: text });
          if (budget) updateBudget(budget);
          else void reloadBudget();
        },
        onRefused: (failure) => {
          if (failure.code === "token_budget_exhausted") exhaustBudget(failure.resetsAt);
          // Deleted in another tab or expired: the retry starts a new conversation, so drop this one.
          if (failure.code === "conversation_not_found" && continuing) forget(continuing);
        },
      },
    });
    if (restore === undefined) return;
    // Put the message back so it can be retried; keep anything typed since, after it. Its documents too.
    setDraft((current) => (current.trim() ? `${sent}\n${current}` : sent));
    if (sending.length > 0) chipStore.update((list) => [...sending, ...list.filter((c) => !sendingKeys.has(c.key))]);
    focusComposer();
  }, [
    draft,
    maxMessageChars,
    streaming,
    chips,
    chipStore,
    cancelOpening,
    focusComposer,
    conversationId,
    send,
    model,
    noteActivity,
    updateBudget,
    reloadBudget,
    exhaustBudget,
    forget,
  ]);

  const onSubmit = useCallback(() => void onSend(), [onSend]);

  // The person answered a tool call that waited for approval: the reply carries on below it.
  const onAnswer = useCallback<OnAnswer>(
    ({ call, approve }) =>
      void answer({
        call,
        approve,
        hooks: {
          onDone: ({ conversationId: done, budget }) => {
            noteActivity({ id: done, firstMessage: "" });
            if (budget) updateBudget(budget);
            else void reloadBudget();
          },
          onRefused: (failure) => {
            if (failure.code === "token_budget_exhausted") exhaustBudget(failure.resetsAt);
          },
        },
      }),
    [answer, noteActivity, updateBudget, reloadBudget, exhaustBudget],
  );

  const onStop = useCallback(() => {
    stop();
    focusComposer();
  }, [stop, focusComposer]);

  const onNewChat = useCallback(() => {
    cancelOpening();
    reset();
    discardChips();
    focusComposer();
  }, [cancelOpening, reset, discardChips, focusComposer]);

  const onPick = useCallback(
    (prompt: string) => {
      setDraft(prompt);
      focusComposer();
    },
    [focusComposer],
  );

  const onOpen = useCallback(
    (id: string) => {
      closeDrawer({ focus: composerRef });
      // Already on screen (perhaps still streaming): reloading it would only cut the reply short.
      if (id !== conversationId) void openConversation(id);
    },
    [closeDrawer, conversationId, openConversation],
  );

  const onDelete = useCallback(
    async (id: string) => {
      const failure = await remove(id);
      if (!failure && id === conversationId) {
        reset();
        discardChips();
      }
      return failure;
    },
    [remove, conversationId, reset, discardChips],
  );

  const onDataDeleted = useCallback(
    (count: number) => {
      cancelOpening();
      reset();
      clear();
      discardChips();
      setNotice(`Deleted ${count.toLocaleString("en")} ${count === 1 ? "conversation" : "conversations"}.`);
      focusComposer();
    },
    [cancelOpening, reset, clear, discardChips, focusComposer],
  );

  const onDismissNotice = useCallback(() => setNotice(null), []);

  // Objects as props, so made once per change: a new one each render would defeat the memo.
  const headerDrawer = useMemo(
    () => ({ open: drawer.open, onToggle: drawer.toggle, toggleRef: drawer.toggleRef }),
    [drawer.open, drawer.toggle, drawer.toggleRef],
  );
  const composerAttachments = useMemo<ComposerAttachments | undefined>(
    () => (attachments.enabled ? { chips, store: chipStore, onFiles: addFiles } : undefined),
    [attachments.enabled, chips, chipStore, addFiles],
  );
  const sidebarDrawer = useMemo(() => ({ open: drawer.open, onClose: drawer.close, panelRef: drawer.panelRef }), [drawer.open, drawer.close, drawer.panelRef]);

  return (
    <div className={styles.app} {...drop.handlers}>
      <ChatHeader
        models={models}
        model={model}
        onModelChange={setModel}
        onNewChat={onNewChat}
        canStartNew={chat.messages.length > 0 || streaming}
        user={user}
        budget={tokens.budget}
        onDataDeleted={onDataDeleted}
        drawer={headerDrawer}
        inert={drawer.open}
      />
      <div className={styles.body}>
        <ConversationSidebar
          items={conversations.items}
          status={conversations.status}
          onRetry={conversations.retry}
          currentId={conversationId}
          openingId={opener.openingId}
          drawer={sidebarDrawer}
          onOpen={onOpen}
          onRename={conversations.rename}
          onDelete={onDelete}
        />
        <div className={styles.column} inert={drawer.open}>
          <main className={styles.main}>
            <h1 className={hidden.visuallyHidden}>Chat with Bulwark</h1>
            {chat.messages.length === 0 ? <EmptyState onPick={onPick} /> : <MessageList messages={chat.messages} onAnswer={onAnswer} busy={streaming} />}
          </main>
          <footer className={styles.dock}>
            <div className={styles.dockInner}>
              <StatusNotice message={notice} onDismiss={onDismissNotice} />
              {chat.error ? <ErrorBanner key={chat.error.id} error={chat.error} onDismiss={chat.dismissError} /> : null}
              <Composer
                value={draft}
                onChange={setDraft}
                onSend={onSubmit}
                onStop={onStop}
                streaming={streaming}
                paused={chat.error?.retryAt !== undefined}
                maxChars={maxMessageChars}
                inputRef={composerRef}
                attachments={composerAttachments}
              />
            </div>
          </footer>
        </div>
      </div>
      {drop.dragging ? (
        <div className={styles.dropOverlay} aria-hidden="true">
          <p className={styles.dropText}>Drop to attach to your message</p>
        </div>
      ) : null}
    </div>
  );
}
