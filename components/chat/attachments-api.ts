import { OFFLINE, readFailure, requestJson, SIGNED_OUT, type ApiFailure, type ApiResult } from "./api-client";
import { isRecord, toAttachmentRef } from "./api-shapes";
import type { Attachment, AttachmentFinding } from "./types";

// The calls behind the attachment chips. Loaded with them, on first use: not in the chat's first load.

const path = (id: string) => `/api/attachments/${encodeURIComponent(id)}`;

/** Where a document is downloaded from (`Content-Disposition: attachment`: never shown in the page). */
export const attachmentUrl = path;

/** An upload under way: `abort` ends it; the promise then answers code "aborted". */
export type Upload = { done: Promise<ApiResult<Attachment>>; abort: () => void };

/**
 * Uploads one file (`POST /api/attachments`, multipart). XMLHttpRequest rather than fetch, because
 * only it reports how much of the body has gone (`onProgress`, 0 to 1); `onSent` hears when all of
 * it has, and the server is reading and checking it.
 */
export function uploadAttachment({
  file,
  conversationId,
  onProgress,
  onSent,
}: {
  file: File;
  conversationId: string | undefined;
  onProgress: (fraction: number) => void;
  onSent: () => void;
}): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<ApiResult<Attachment>>((resolve) => {
    const form = new FormData();
    form.append("file", file, file.name);
    if (conversationId) form.append("conversationId", conversationId);
    xhr.open("POST", "/api/attachments");
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.upload.onload = onSent;
    xhr.onload = () => void readUpload(xhr).then(resolve);
    xhr.onerror = () => resolve({ ok: false, code: "network", message: OFFLINE });
    xhr.onabort = () => resolve({ ok: false, code: "aborted", message: "" });
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/**
 * The documents uploaded and not yet sent in this conversation, or in a new chat: what the composer
 * had attached before the page was reloaded (`GET /api/attachments`).
 */
export function listDrafts({ conversationId }: { conversationId: string | undefined }): Promise<ApiResult<Attachment[]>> {
  const query = conversationId ? `?conversationId=${encodeURIComponent(conversationId)}` : "";
  return requestJson({
    path: `/api/attachments${query}`,
    read: (json) => {
      if (!isRecord(json) || !Array.isArray(json.attachments)) return undefined;
      const attachments = json.attachments.map(toAttachment);
      return attachments.every((a): a is Attachment => a !== undefined) ? attachments : undefined;
    },
  });
}

/** Deletes a document not yet sent; 404 `attachment_not_found` when it is gone already. */
export function deleteAttachment({ id }: { id: string }): Promise<ApiResult<true>> {
  return requestJson({ path: path(id), method: "DELETE", read: () => true });
}

async function readUpload(xhr: XMLHttpRequest): Promise<ApiResult<Attachment>> {
  if (xhr.status === 401) return { ok: false, ...SIGNED_OUT };
  // A Response around the answer, so a refusal is read exactly as every other call's is.
  const res = new Response(xhr.responseText || null, { status: xhr.status, headers: { "retry-after": xhr.getResponseHeader("retry-after") ?? "" } });
  if (!res.ok) return { ok: false, ...(await readFailure({ res, fallback: uploadFailure })) };
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  const attachment = toAttachment(json);
  return attachment ? { ok: true, data: attachment } : { ok: false, ...uploadFailure(0) };
}

function uploadFailure(status: number): ApiFailure {
  if (status === 413) return { code: "payload_too_large", message: "This file is too large to attach. Attach a smaller one." };
  if (status === 429) return { code: "rate_limited", message: "Too many uploads: please wait a moment and try again." };
  return { code: "upload_failed", message: "The document could not be attached. Please try again." };
}

const isFinding = (value: unknown): value is AttachmentFinding => isRecord(value) && typeof value.kind === "string" && typeof value.message === "string";

export function toAttachment(value: unknown): Attachment | undefined {
  const ref = toAttachmentRef(value);
  if (!ref || !isRecord(value)) return undefined;
  const { pages, chars, findings, conversationId, createdAt } = value;
  if (typeof chars !== "number" || !Array.isArray(findings) || typeof createdAt !== "string") return undefined;
  if (conversationId !== null && typeof conversationId !== "string") return undefined;
  return {
    ...ref,
    ...(typeof pages === "number" ? { pages } : {}),
    chars,
    // A kind this page does not know yet is still shown: its message is written for the person.
    findings: findings.filter(isFinding),
    conversationId,
    createdAt,
  };
}
