"use client";

import { useRef, useState } from "react";
import { ChatHeader } from "./chat-header";
import { Composer } from "./composer";
import { EmptyState } from "./empty-state";
import { ErrorBanner } from "./error-banner";
import { MessageList } from "./message-list";
import type { ChatUser, ModelOption } from "./types";
import { useChatStream } from "./use-chat-stream";

export type ChatProps = { models: ModelOption[]; defaultModel: string; maxMessageChars: number; user: ChatUser };

/** The chat screen: owns the draft and the chosen model, and wires the stream to the views. */
export function Chat({ models, defaultModel, maxMessageChars, user }: ChatProps) {
  const { messages, streaming, error, send, stop, reset, dismissError } = useChatStream();
  const [draft, setDraft] = useState("");
  const [model, setModel] = useState(defaultModel);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const focusComposer = () => composerRef.current?.focus();

  async function onSend() {
    const sent = draft;
    const text = sent.trim();
    if (!text || text.length > maxMessageChars || streaming) return;
    setDraft("");
    focusComposer();
    const { restore } = await send({ text, model });
    if (restore === undefined) return;
    // Put the message back so it can be retried; keep anything typed since, after it.
    setDraft((current) => (current.trim() ? `${sent}\n${current}` : sent));
    focusComposer();
  }

  function onStop() {
    stop();
    focusComposer();
  }

  function onNewChat() {
    reset();
    focusComposer();
  }

  function onPick(prompt: string) {
    setDraft(prompt);
    focusComposer();
  }

  return (
    <div className="chat-app">
      <ChatHeader
        models={models}
        model={model}
        onModelChange={setModel}
        onNewChat={onNewChat}
        canStartNew={messages.length > 0 || streaming}
        user={user}
      />
      <main className="chat-main">
        <h1 className="visually-hidden">Chat with Bulwark</h1>
        {messages.length === 0 ? <EmptyState onPick={onPick} /> : <MessageList messages={messages} />}
      </main>
      <footer className="composer-dock">
        <div className="composer-dock__inner">
          {error ? <ErrorBanner key={error.id} error={error} onDismiss={dismissError} /> : null}
          <Composer
            value={draft}
            onChange={setDraft}
            onSend={() => void onSend()}
            onStop={onStop}
            streaming={streaming}
            paused={error?.retryAt !== undefined}
            maxChars={maxMessageChars}
            inputRef={composerRef}
          />
        </div>
      </footer>
    </div>
  );
}
