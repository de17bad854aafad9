"use client";

import { BrandMark } from "@/components/brand-mark";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { ModelPicker } from "./model-picker";
import type { ChatUser, ModelOption } from "./types";

type ChatHeaderProps = {
  models: ModelOption[];
  model: string;
  onModelChange: (id: string) => void;
  onNewChat: () => void;
  canStartNew: boolean;
  user: ChatUser;
};

export function ChatHeader({ models, model, onModelChange, onNewChat, canStartNew, user }: ChatHeaderProps) {
  const who = user.email ?? user.name ?? "Signed in";
  return (
    <header className="chat-header">
      <div className="chat-header__brand">
        <BrandMark />
        <span className="chat-header__name">Bulwark</span>
      </div>
      <div className="chat-header__controls">
        <ModelPicker models={models} value={model} onChange={onModelChange} />
        <button type="button" className="button button--secondary" onClick={onNewChat} disabled={!canStartNew}>
          New chat
        </button>
      </div>
      <div className="chat-header__account">
        <span className="chat-header__user" title={who} data-testid="user-email">
          {who}
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}
