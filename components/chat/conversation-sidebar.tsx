"use client";

import { memo, useRef, type RefObject } from "react";
import { ConversationItem, type ConversationActions } from "./conversation-item";
import { Icon } from "./icons";
import type { ConversationSummary } from "./types";
import type { ListStatus } from "./use-conversations";
import type { DrawerFocus } from "./use-drawer";
import { buttonClass, iconButtonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import styles from "./conversation-sidebar.module.css";

type ConversationSidebarProps = ConversationActions & {
  items: ConversationSummary[];
  status: ListStatus;
  onRetry: () => void;
  currentId: string | undefined;
  openingId: string | null;
  /** The phone drawer: `open` only on a narrow screen, where the sidebar becomes a modal panel. */
  drawer: { open: boolean; onClose: (options: { focus: DrawerFocus }) => void; panelRef: RefObject<HTMLDivElement | null> };
};

export const SIDEBAR_ID = "conversation-sidebar";

/**
 * The conversation list: a sidebar on wide screens, a drawer on phones (see useDrawer). Memoized:
 * its props stay the same while a reply streams, and every item formats its dates when rendered.
 */
export const ConversationSidebar = memo(function ConversationSidebar({
  items,
  status,
  onRetry,
  currentId,
  openingId,
  drawer,
  onOpen,
  onRename,
  onDelete,
}: ConversationSidebarProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);

  // The deleted item took focus with it: the list's heading is the nearest sensible place.
  async function deleteAndRefocus(id: string) {
    const failure = await onDelete(id);
    if (!failure) headingRef.current?.focus();
    return failure;
  }

  return (
    <>
      {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: aria-modal is set only while the role is dialog (undefined, so absent, as a region). */}
      <div
        id={SIDEBAR_ID}
        ref={drawer.panelRef}
        className={cx(styles.sidebar, drawer.open && styles.sidebarOpen)}
        role={drawer.open ? "dialog" : "region"}
        aria-modal={drawer.open || undefined}
        aria-labelledby="sidebar-title"
        tabIndex={-1}
      >
        <div className={styles.head}>
          <h2 id="sidebar-title" ref={headingRef} className={styles.heading} tabIndex={-1}>
            Conversations
          </h2>
          <button
            type="button"
            className={cx(iconButtonClass(), styles.close)}
            aria-label="Close conversations"
            onClick={() => drawer.onClose({ focus: "toggle" })}
          >
            <Icon name="close" />
          </button>
        </div>
        <div className={styles.body} data-testid="conversation-list" aria-busy={status.kind === "loading"}>
          <ListStatusLine items={items} status={status} onRetry={onRetry} />
          {items.length > 0 ? (
            <ul className={styles.list}>
              {items.map((conversation) => (
                <ConversationItem
                  key={conversation.id}
                  conversation={conversation}
                  current={conversation.id === currentId}
                  opening={conversation.id === openingId}
                  onOpen={onOpen}
                  onRename={onRename}
                  onDelete={deleteAndRefocus}
                />
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      {/* A pointer convenience only: keyboard users have Escape and the close button. */}
      {drawer.open ? <div className={styles.backdrop} aria-hidden="true" onClick={() => drawer.onClose({ focus: "toggle" })} /> : null}
    </>
  );
});

/** Loading, empty and error states; a failed refresh keeps the list it already has and says so above it. */
function ListStatusLine({ items, status, onRetry }: { items: ConversationSummary[]; status: ListStatus; onRetry: () => void }) {
  if (status.kind === "error") {
    return (
      <div className={cx(styles.state, styles.stateError)} role="alert" data-testid="conversation-list-error">
        <p>Could not load your conversations. {status.message}</p>
        <button type="button" className={buttonClass({ tone: "secondary", small: true })} onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (items.length > 0) return null;
  if (status.kind === "loading") return <p className={cx(styles.state, styles.stateLoading)}>Loading conversations…</p>;
  return <p className={styles.state}>No conversations yet</p>;
}
