"use client";

import type { RefObject } from "react";
import { Icon } from "./icons";
import { SIDEBAR_ID } from "./conversation-sidebar";
import { iconButtonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import styles from "./sidebar-toggle.module.css";

type SidebarToggleProps = { expanded: boolean; onToggle: () => void; buttonRef: RefObject<HTMLButtonElement | null> };

/** Opens the conversation drawer on a phone; hidden on wider screens, where the list is always shown. */
export function SidebarToggle({ expanded, onToggle, buttonRef }: SidebarToggleProps) {
  return (
    <button
      ref={buttonRef}
      type="button"
      className={cx(iconButtonClass(), styles.toggle)}
      aria-label="Conversations"
      aria-expanded={expanded}
      aria-controls={SIDEBAR_ID}
      onClick={onToggle}
      data-testid="sidebar-toggle"
    >
      <Icon name="menu" />
    </button>
  );
}
