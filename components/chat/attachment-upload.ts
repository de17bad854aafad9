import { fileTooLargeMessage, tooManyDraftsMessage } from "@/lib/documents/messages";
import { deleteAttachment, listDrafts, uploadAttachment, type Upload } from "./attachments-api";
import type { Attachment, AttachmentChip } from "./types";
import type { ChipStore } from "./use-attachments";

// What the chips do: upload, retry, remove. Loaded on first use (see useAttachments).

/** The refusals that sending the same file again cannot cure: its chip offers no Retry. */
const FINAL = new Set([
  "unsupported_file_type",
  "ambiguous_file_type",
  "file_too_large",
  "document_too_long",
  "empty_file",
  "unreadable_file",
  "encrypted_pdf",
]);

// Uploads under way, by chip; a chip removed while the server was checking its file is remembered
// here, so the document is deleted once the server has stored it.
const uploads = new Map<string, Upload>();
const dropped = new Set<string>();

let lastKey = 0;
const nextKey = () => `a${++lastKey}`;

const patch = (store: ChipStore, key: string, change: Partial<AttachmentChip>) =>
  store.update((chips) => chips.map((chip) => (chip.key === key ? { ...chip, ...change } : chip)));

/**
 * Shows again, as ready chips, the documents attached and not yet sent in this conversation (or a
 * new chat) when the page was last closed: nothing attached is lost, and each can still be removed.
 * `stale` says the page has moved on to another conversation meanwhile.
 */
export async function restoreDrafts({
  store,
  conversationId,
  stale,
}: {
  store: ChipStore;
  conversationId: string | undefined;
  stale: () => boolean;
}): Promise<void> {
  const result = await listDrafts({ conversationId });
  if (stale() || !result.ok || result.data.length === 0) return;
  store.update((chips) => {
    const shown = new Set(chips.map((chip) => chip.attachment?.id));
    return [...result.data.filter((a) => !shown.has(a.id)).map(restoredChip), ...chips];
  });
}

/** A chip for a document the server already holds: ready, with its findings; its file stays on the server. */
function restoredChip(attachment: Attachment): AttachmentChip {
  return { key: nextKey(), file: new File([], attachment.name, { type: attachment.type }), status: "ready", attachment };
}

/** Adds a chip for each file and uploads those that pass the checks; the others fail at once. */
export function addFiles({ store, files }: { store: ChipStore; files: File[] }): void {
  const added = files.map((file): AttachmentChip => ({ key: nextKey(), file, status: "uploading", progress: 0 }));
  store.update((chips) => [...chips, ...added]);
  // Checked in the order chosen: the first ones fit the cap, the later ones fail.
  added.forEach((chip, index) => void upload({ store, key: chip.key, unchecked: new Set(added.slice(index + 1).map((c) => c.key)) }));
}

/** Sends the same file again: nothing the person chose is lost to a failure. */
export function retryChip({ store, key }: { store: ChipStore; key: string }): void {
  void upload({ store, key });
}

/** `unchecked`: chips added with this one, after it, whose own checks are still to come. */
async function upload({ store, key, unchecked }: { store: ChipStore; key: string; unchecked?: Set<string> }): Promise<void> {
  const chips = store.list();
  const chip = chips.find((c) => c.key === key);
  if (!chip) return;
  const { maxFileBytes, maxPerMessage } = store.config;
  // Every document waiting to be sent counts, as on the server.
  const others = chips.filter((c) => c.key !== key && c.status !== "failed" && !unchecked?.has(c.key)).length;
  const refusal =
    chip.file.size > maxFileBytes
      ? { error: fileTooLargeMessage(maxFileBytes), retry: false }
      : others >= maxPerMessage
        ? { error: tooManyDraftsMessage(maxPerMessage), retry: true }
        : null;
  if (refusal) {
    patch(store, key, { status: "failed", progress: undefined, ...refusal });
    return;
  }
  patch(store, key, { status: "uploading", progress: 0, error: undefined, retry: undefined });
  let shown = 0;
  const current = uploadAttachment({
    file: chip.file,
    conversationId: store.conversationId(),
    onProgress: (fraction) => {
      // A render per whole per cent at most.
      const percent = Math.floor(fraction * 100);
      if (percent > shown) patch(store, key, { progress: percent / 100 });
      shown = Math.max(shown, percent);
    },
    onSent: () => patch(store, key, { status: "checking", progress: undefined }),
  });
  uploads.set(key, current);
  const result = await current.done;
  uploads.delete(key);
  if (dropped.delete(key)) {
    if (result.ok) void deleteAttachment({ id: result.data.id });
    return;
  }
  if (result.ok) patch(store, key, { status: "ready", attachment: result.data });
  else if (result.code !== "aborted") patch(store, key, { status: "failed", progress: undefined, error: result.message, retry: !FINAL.has(result.code) });
}

/**
 * Takes a chip away, and deletes its document when the server has it. Answers false, with the
 * reason on the chip, when the server could not delete it (the chip stays, so it can be tried again).
 */
export async function removeChip({ store, key }: { store: ChipStore; key: string }): Promise<boolean> {
  const chip = store.list().find((c) => c.key === key);
  if (!chip) return true;
  const id = chip.attachment?.id;
  if (id) {
    patch(store, key, { removing: true, notice: undefined });
    const result = await deleteAttachment({ id });
    // Gone already (expired, another tab): it leaves all the same.
    if (!result.ok && result.code !== "attachment_not_found" && result.code !== "not_found") {
      patch(store, key, { removing: false, notice: `Could not remove it. ${result.message}` });
      return false;
    }
  } else stopUpload(chip);
  store.update((chips) => chips.filter((c) => c.key !== key));
  return true;
}

/** Chips taken away together (a new chat): uploads stop, and uploaded documents are deleted. */
export function forget(chips: AttachmentChip[]): void {
  for (const chip of chips) {
    if (chip.attachment) void deleteAttachment({ id: chip.attachment.id });
    else stopUpload(chip);
  }
}

function stopUpload(chip: AttachmentChip): void {
  const current = uploads.get(chip.key);
  if (!current) return;
  // Still sending: the server cannot have stored it. Being checked: it may be, so delete it after.
  if (chip.status === "uploading") current.abort();
  else dropped.add(chip.key);
}
