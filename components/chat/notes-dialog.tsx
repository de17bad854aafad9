"use client";

import { useEffect, useRef, useState } from "react";
import { deleteNote, listNotes } from "./notes-api";
import { RelativeTime } from "./relative-time";
import type { Note } from "./types";
import alert from "@/components/ui/alert.module.css";
import { buttonClass } from "@/components/ui/button";
import styles from "./notes-dialog.module.css";

export const NO_NOTES = "No notes yet. Ask the assistant to save one; you approve each note before it is saved.";

type Listing = { kind: "loading" } | { kind: "ready"; notes: Note[] } | { kind: "error"; message: string };

/**
 * The notes the assistant saved with the person's approval: each with its date and a Delete
 * button. Mount it to open it; a native modal dialog keeps focus inside and closes on Escape.
 */
export function NotesDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [listing, setListing] = useState<Listing>({ kind: "loading" });
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const controller = new AbortController();
    void listNotes({ signal: controller.signal }).then((result) => {
      if (result.ok) setListing({ kind: "ready", notes: result.data });
      else if (result.code !== "aborted") setListing({ kind: "error", message: result.message });
    });
    return () => controller.abort();
  }, []);

  async function remove(id: string) {
    setDeleting(id);
    setError(null);
    const result = await deleteNote({ id });
    setDeleting(null);
    // Gone already (another tab): it leaves the list all the same.
    if (result.ok || result.code === "not_found") {
      setListing((current) => (current.kind === "ready" ? { kind: "ready", notes: current.notes.filter((n) => n.id !== id) } : current));
      // The deleted note's button took focus with it.
      headingRef.current?.focus();
    } else setError(result.message);
  }

  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby="notes-title" data-testid="notes-dialog" onClose={onClose}>
      <div className={styles.head}>
        <h2 id="notes-title" ref={headingRef} className={styles.title} tabIndex={-1}>
          Notes
        </h2>
        <button type="button" className={buttonClass({ tone: "secondary", small: true })} onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      {error ? (
        <p className={alert.alert} role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.body} aria-busy={listing.kind === "loading"}>
        {listing.kind === "loading" ? <p className={styles.state}>Loading notes…</p> : null}
        {listing.kind === "error" ? (
          <p className={alert.alert} role="alert">
            Could not load your notes. {listing.message}
          </p>
        ) : null}
        {listing.kind === "ready" && listing.notes.length === 0 ? <p className={styles.state}>{NO_NOTES}</p> : null}
        {listing.kind === "ready" && listing.notes.length > 0 ? (
          <ul className={styles.list} aria-label="Your notes">
            {listing.notes.map((note) => (
              <li key={note.id} className={styles.note} data-testid="note">
                <div className={styles.noteHead}>
                  <h3 className={styles.noteTitle}>{note.title}</h3>
                  <RelativeTime iso={note.createdAt} className={styles.date} />
                </div>
                <p className={styles.noteBody}>{note.body}</p>
                <button
                  type="button"
                  className={buttonClass({ tone: "danger", small: true })}
                  onClick={() => void remove(note.id)}
                  disabled={deleting !== null}
                  aria-label={`Delete note: ${note.title}`}
                >
                  {deleting === note.id ? "Deleting…" : "Delete"}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </dialog>
  );
}
