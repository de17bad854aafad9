"use client";

import { memo, type RefObject } from "react";
import { BrandMark } from "@/components/brand-mark";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { AccountMenu } from "./account-menu";
import { BudgetMeter } from "./budget-meter";
import { ModelPicker } from "./model-picker";
import { SidebarToggle } from "./sidebar-toggle";
import type { ChatUser, ModelOption, TokenBudget } from "./types";
import { buttonClass } from "@/components/ui/button";
import styles from "./chat-header.module.css";

type ChatHeaderProps = {
  models: ModelOption[];
  model: string;
  onModelChange: (id: string) => void;
  onNewChat: () => void;
  canStartNew: boolean;
  user: ChatUser;
  budget: TokenBudget | null;
  onDataDeleted: (count: number) => void;
  drawer: { open: boolean; onToggle: () => void; toggleRef: RefObject<HTMLButtonElement | null> };
  /** True while the phone drawer is open: the page behind it takes no focus or clicks. */
  inert: boolean;
};

/** The top bar: drawer toggle, model, New chat, budget and account. Memoized: nothing it shows changes while a reply streams. */
export const ChatHeader = memo(function ChatHeader({
  models,
  model,
  onModelChange,
  onNewChat,
  canStartNew,
  user,
  budget,
  onDataDeleted,
  drawer,
  inert,
}: ChatHeaderProps) {
  const who = user.email ?? user.name ?? "Signed in";
  return (
    <header className={styles.header} inert={inert}>
      <div className={styles.brand}>
        <SidebarToggle expanded={drawer.open} onToggle={drawer.onToggle} buttonRef={drawer.toggleRef} />
        <BrandMark className={styles.mark} />
        <span className={styles.name}>Bulwark</span>
      </div>
      <div className={styles.controls}>
        <ModelPicker models={models} value={model} onChange={onModelChange} />
        <button type="button" className={buttonClass({ tone: "secondary" })} onClick={onNewChat} disabled={!canStartNew}>
          New chat
        </button>
      </div>
      <div className={styles.budget}>
        <BudgetMeter budget={budget} />
      </div>
      <div className={styles.account}>
        <span className={styles.user} title={who} data-testid="user-email">
          {who}
        </span>
        <AccountMenu who={who} isAdmin={user.isAdmin ?? false} onDataDeleted={onDataDeleted} />
        <SignOutButton />
      </div>
    </header>
  );
});
