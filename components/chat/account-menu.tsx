"use client";

import { Suspense, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { Icon } from "./icons";
import { lazyPart } from "./lazy-part";
import { iconButtonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import styles from "./account-menu.module.css";

// Not in the chat's first load, whose budget is spent: fetched when the menu opens, before either is asked for.
const loadNotes = () => import("./notes-dialog");
const loadDeleteData = () => import("./delete-data-dialog");
const NotesDialog = lazyPart(() => loadNotes().then((m) => m.NotesDialog));
const DeleteDataDialog = lazyPart(() => loadDeleteData().then((m) => m.DeleteDataDialog));

type AccountMenuProps = { who: string; isAdmin: boolean; onDataDeleted: (count: number) => void };

/**
 * Account settings beside Sign out: who is signed in, the notes the assistant saved, the API keys
 * page (and the dashboard for admins), and "Delete all my data". A disclosure (a button that shows a panel), closed by Escape,
 * by a click outside, or by focus leaving it.
 */
export function AccountMenu({ who, isAdmin, onDataDeleted }: AccountMenuProps) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [notesOpen, setNotesOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    // Fetched now so that they open at once; a failure here is met again, and handled, when one is asked for.
    loadNotes().catch(() => undefined);
    loadDeleteData().catch(() => undefined);
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "Escape" || !open) return;
    event.preventDefault();
    setOpen(false);
    buttonRef.current?.focus();
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape and focus leaving the menu bubble up here from its button and items, which are the interactive elements.
    <div
      ref={rootRef}
      className={styles.menu}
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setOpen(false);
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className={iconButtonClass()}
        aria-label="Account settings"
        aria-expanded={open}
        aria-controls="account-menu-panel"
        onClick={() => setOpen((current) => !current)}
        data-testid="account-menu"
      >
        <Icon name="settings" />
      </button>
      <div id="account-menu-panel" className={styles.panel} hidden={!open}>
        <p className={styles.who}>
          Signed in as <strong>{who}</strong>
        </p>
        <button
          type="button"
          className={styles.item}
          onClick={() => {
            setOpen(false);
            setNotesOpen(true);
          }}
          data-testid="notes-link"
        >
          Notes
        </button>
        <a className={styles.item} href="/settings/api-keys" data-testid="api-keys-link">
          API keys
        </a>
        {isAdmin ? (
          <a className={styles.item} href="/admin" data-testid="admin-link">
            Admin dashboard
          </a>
        ) : null}
        <button
          type="button"
          className={cx(styles.item, styles.danger)}
          onClick={() => {
            setOpen(false);
            setConfirming(true);
          }}
          data-testid="delete-all-data"
        >
          Delete all my data…
        </button>
      </div>
      <Suspense fallback={null}>
        {notesOpen ? (
          <NotesDialog
            onClose={() => {
              setNotesOpen(false);
              buttonRef.current?.focus();
            }}
          />
        ) : null}
        {confirming ? (
          <DeleteDataDialog
            onClose={() => {
              setConfirming(false);
              buttonRef.current?.focus();
            }}
            onDeleted={(count) => {
              setConfirming(false);
              onDataDeleted(count);
            }}
          />
        ) : null}
      </Suspense>
    </div>
  );
}
