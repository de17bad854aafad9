import { requestJson, type ApiResult } from "./api-client";
import { isRecord, toListOf, toNote } from "./api-shapes";
import type { Note } from "./types";

// The notes the save_note tool wrote, after the person approved each. There is no call to write
// one: only an approved tool call does.

/** The user's notes, newest first. */
export function listNotes({ signal }: { signal?: AbortSignal } = {}): Promise<ApiResult<Note[]>> {
  return requestJson({ path: "/api/notes", read: (json) => (isRecord(json) ? toListOf(json.notes, toNote) : undefined), signal });
}

/** Deletes one note; 404 `not_found` when it is gone already. */
export function deleteNote({ id }: { id: string }): Promise<ApiResult<true>> {
  return requestJson({ path: `/api/notes/${encodeURIComponent(id)}`, method: "DELETE", read: () => true });
}
