"use client";

import { useRef, useState } from "react";
import { ChatHeader } from "./chat-header";
import { Composer } from "./composer";
import { ConversationSidebar } from "./conversation-sidebar";
import { EmptyState } from "./empty-state";
import { ErrorBanner } from "./error-banner";
import { MessageList } from "./message-list";
import { StatusNotice } from "./status-notice";
import type { ChatUser, ConversationSummary, ModelOption, TokenBudget } from "./types";
import { useChatStream } from "./use-chat-stream";
import { useConversations } from "./use-conversations";
import { useDrawer } from "./use-drawer";
import { useOpenConversation } from "./use-open-conversation";
import { useTokenBudget } from "./use-token-budget";

export type ChatProps = {
  models: ModelOption[];
  defaultModel: string;
  maxMessageChars: number;
  user: ChatUser;
  /** The user's conversations, newest first, when the page loaded them; otherwise fetched on mount. */
  initialConversations?: ConversationSummary[];
  /** Today's token budget, when the page loaded it; otherwise fetched on mount. */
  initialBudget?: TokenBudget;
};

/** The chat screen: owns the draft and the chosen model, and wires the stream, the list and the budget to the views. */
export function Chat({ models, defaultModel, maxMessageChars, user, initialConversations, initialBudget }: ChatProps) {
  const chat = useChatStream();
  const conversations = useConversations({ initial: initialConversations });
  const tokens = useTokenBudget({ initial: initialBudget });
  const drawer = useDrawer();
  const [draft, setDraft] = useState("");
  const [model, setModel] = useState(defaultModel);
  const [notice, setNotice] = useState<string | null>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const focusComposer = () => composerRef.current?.focus();

  const opener = useOpenConversation({
    onOpened: (conversation) => {
      chat.load(conversation);
      focusComposer();
    },
    onFailed: ({ id, failure }) => {
      // Deleted elsewhere (another tab, or it expired): it should not stay in the list.
      if (failure.code === "conversation_not_found") conversations.forget(id);
      chat.showError({ message: failure.message });
    },
  });

  async function onSend() {
    const sent = draft;
    const text = sent.trim();
    if (!text || text.length > maxMessageChars || chat.streaming) return;
    opener.cancel();
    setNotice(null);
    setDraft("");
    focusComposer();
    const continuing = chat.conversationId;
    const { restore } = await chat.send({
      text,
      model,
      hooks: {
        onAccepted: (id) => conversations.noteActivity({ id, firstMessage: text }),
        onDone: ({ conversationId, budget }) => {
          conversations.noteActivity({ id: conversationId, firstMessage: text });
          if (budget) tokens.update(budget);
          else void tokens.reload();
        },
        onRefused: (failure) => {
          if (failure.code === "token_budget_exhausted") tokens.exhaust(failure.resetsAt);
          // Deleted in another tab or expired: the retry starts a new conversation, so drop this one.
          if (failure.code === "conversation_not_found" && continuing) conversations.forget(continuing);
        },
      },
    });
    if (restore === undefined) return;
    // Put the message back so it can be retried; keep anything typed since, after it.
    setDraft((current) => (current.trim() ? `${sent}\n${current}` : sent));
    focusComposer();
  }

  function onStop() {
    chat.stop();
    focusComposer();
  }

  function onNewChat() {
    opener.cancel();
    chat.reset();
    focusComposer();
  }

  function onPick(prompt: string) {
    setDraft(prompt);
    focusComposer();
  }

  function onOpen(id: string) {
    drawer.close({ focus: composerRef });
    // Already on screen (perhaps still streaming): reloading it would only cut the reply short.
    if (id !== chat.conversationId) void opener.open(id);
  }

  async function onDelete(id: string) {
    const failure = await conversations.remove(id);
    if (!failure && id === chat.conversationId) chat.reset();
    return failure;
  }

  function onDataDeleted(count: number) {
    opener.cancel();
    chat.reset();
    conversations.clear();
    setNotice(`Deleted ${count.toLocaleString("en")} ${count === 1 ? "conversation" : "conversations"}.`);
    focusComposer();
  }

  return (
    <div className="chat-app">
      <ChatHeader
        models={models}
        model={model}
        onModelChange={setModel}
        onNewChat={onNewChat}
        canStartNew={chat.messages.length > 0 || chat.streaming}
        user={user}
        budget={tokens.budget}
        onDataDeleted={onDataDeleted}
        drawer={{ open: drawer.open, onToggle: drawer.toggle, toggleRef: drawer.toggleRef }}
        inert={drawer.open}
      />
      <div className="chat-body">
        <ConversationSidebar
          items={conversations.items}
          status={conversations.status}
          onRetry={conversations.retry}
          currentId={chat.conversationId}
          openingId={opener.openingId}
          drawer={{ open: drawer.open, onClose: drawer.close, panelRef: drawer.panelRef }}
          onOpen={onOpen}
          onRename={conversations.rename}
          onDelete={onDelete}
        />
        <div className="chat-column" inert={drawer.open}>
          <main className="chat-main">
            <h1 className="visually-hidden">Chat with Bulwark</h1>
            {chat.messages.length === 0 ? <EmptyState onPick={onPick} /> : <MessageList messages={chat.messages} />}
          </main>
          <footer className="composer-dock">
            <div className="composer-dock__inner">
              <StatusNotice message={notice} onDismiss={() => setNotice(null)} />
              {chat.error ? <ErrorBanner key={chat.error.id} error={chat.error} onDismiss={chat.dismissError} /> : null}
              <Composer
                value={draft}
                onChange={setDraft}
                onSend={() => void onSend()}
                onStop={onStop}
                streaming={chat.streaming}
                paused={chat.error?.retryAt !== undefined}
                maxChars={maxMessageChars}
                inputRef={composerRef}
              />
            </div>
          </footer>
        </div>
      </div>
    </div>
  );
}
