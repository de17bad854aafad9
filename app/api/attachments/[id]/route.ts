import { env } from "@/lib/env";
import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { attachmentNotFound, attachmentStore } from "@/lib/documents/store";
import { downloadName } from "@/lib/documents/names";
import { storeOp } from "@/lib/store/call";
import { attachmentsEnabled, isUuid } from "../shared";

function attachmentId(params: Record<string, string>): string {
  // Not a UUID: the same 404 as an id that does not exist, or is someone else's.
  if (!isUuid(params.id)) throw attachmentNotFound();
  return params.id;
}

// GET /api/attachments/:id – the file as uploaded, for its owner only, always as a download: never
// rendered by the app, never sniffed into another type, and sandboxed should a browser open it.
export const GET = withUser(
  async ({ user, params, limitHeaders }) => {
    attachmentsEnabled(env());
    const id = attachmentId(params);
    const store = await storeOp("attachments.open", attachmentStore);
    const found = await storeOp("attachments.file", () => store.file({ userId: user.id, attachmentId: id }));
    if (!found) throw attachmentNotFound();
    const { attachment, bytes } = found;
    return new Response(Buffer.from(bytes), {
      status: 200,
      headers: {
        ...API_HEADERS,
        ...limitHeaders,
        "Content-Type": attachment.type.startsWith("text/") ? `${attachment.type}; charset=utf-8` : attachment.type,
        "Content-Length": String(bytes.byteLength),
        "Content-Disposition": contentDisposition(downloadName(attachment.name, attachment.type)),
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": "private, no-store",
      },
    });
  },
  { limit: "api" },
);

// DELETE /api/attachments/:id – remove one of your documents (a chip before sending, or a document
// sent earlier: later messages no longer read it). Someone else's id is the same 404 as an unknown one.
export const DELETE = withUser(
  async ({ user, params, limitHeaders }) => {
    attachmentsEnabled(env());
    const id = attachmentId(params);
    const store = await storeOp("attachments.open", attachmentStore);
    if (!(await storeOp("attachments.remove", () => store.remove({ userId: user.id, attachmentId: id })))) throw attachmentNotFound();
    return new Response(null, { status: 204, headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);

/**
 * `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback with quotes and
 * backslashes replaced, and the exact name percent-encoded for browsers that read filename*.
 */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
