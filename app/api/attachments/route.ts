import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { readCappedBytes } from "@/lib/http/body";
import { conversationStore } from "@/lib/conversations/store";
import { attachmentStore } from "@/lib/documents/store";
import { ingestDocument } from "@/lib/documents/ingest";
import { cleanFileName } from "@/lib/documents/names";
import { auditGuard } from "@/lib/audit/audit";
import { storeOp } from "@/lib/store/call";
import { log } from "@/lib/log/logger";
import { hashId } from "@/lib/log/hash-id";
import { userKey } from "@/lib/store/keys";
import { attachmentsEnabled, fileTooLarge, isUuid } from "./shared";

/** Room for the multipart framing and the conversation field around the file. */
const FRAMING_BYTES = 65_536;

// POST /api/attachments – upload one document (multipart/form-data: `file`, and `conversationId`
// when it is attached in an existing conversation). It is read, checked and stored encrypted as a
// draft of the signed-in user; sending it in a message (POST /api/chat `attachments`) ties it to
// that message's conversation. 201 with the document and what the checks found.
export const POST = withUser(
  async ({ req, user, requestId, limitHeaders }) => {
    const config = env();
    attachmentsEnabled(config);
    const { maxFileBytes } = config.documents;
    if (!/^multipart\/form-data\s*;/i.test(req.headers.get("content-type") ?? "")) {
      throw new ApiError("unsupported_media_type", "Send the file as multipart/form-data, in a field named file.");
    }
    const body = await readCappedBytes(req, { maxBytes: maxFileBytes + FRAMING_BYTES, tooLarge: () => fileTooLarge(maxFileBytes) });
    const form = await parseForm(body, req.headers.get("content-type") ?? "");
    const { file, conversationId } = uploadFields(form);
    if (file.size > maxFileBytes) throw fileTooLarge(maxFileBytes);
    if (file.size === 0) throw new ApiError("empty_file", "This file is empty. Attach a document with text in it.");

    if (conversationId) {
      const conversations = await storeOp("conversations.open", conversationStore);
      const conversation = await storeOp("conversations.get", () => conversations.get({ userId: user.id, conversationId }));
      if (!conversation) throw new ApiError("conversation_not_found", "That conversation does not exist. Start a new chat, then attach the file again.");
    }

    const name = cleanFileName(file.name);
    const started = performance.now();
    const bytes = new Uint8Array(await file.arrayBuffer());
    const ingested = await ingestDocument({ bytes, name, config });
    const audit = { userId: user.id, route: "/api/attachments", requestId };
    await Promise.all(ingested.audit.map((finding) => auditGuard(audit, finding)));

    const store = await storeOp("attachments.open", attachmentStore);
    const { maxPerMessage, maxPerConversation } = config.documents;
    const attachment = await storeOp("attachments.add", () =>
      store.add({
        userId: user.id,
        conversationId,
        meta: ingested.meta,
        bytes,
        text: ingested.text,
        caps: { maxPerConversation, maxDrafts: maxPerMessage },
      }),
    );
    log.info("attachment.added", {
      requestId,
      user: hashId(userKey(user.id)),
      type: attachment.type,
      bytes: attachment.size,
      pages: attachment.pages,
      chars: attachment.chars,
      findings: attachment.findings.map((f) => f.kind).join(",") || undefined,
      ms: Math.round(performance.now() - started),
    });
    return Response.json(attachment, { status: 201, headers: { ...API_HEADERS, ...limitHeaders, Location: `/api/attachments/${attachment.id}` } });
  },
  { limit: "upload" },
);

// GET /api/attachments?conversationId=… – your documents uploaded and not yet sent, in that
// conversation or (without the parameter) in a new chat: the composer shows them again after a reload,
// so nothing attached is lost and each can still be removed. Documents already sent are listed on
// their messages (GET /api/conversations/:id).
export const GET = withUser(
  async ({ req, user, limitHeaders }) => {
    attachmentsEnabled(env());
    const given = new URL(req.url).searchParams.getAll("conversationId");
    if (given.length > 1 || (given.length === 1 && !isUuid(given[0]))) {
      throw new ApiError("invalid_request", "The conversationId parameter must be the id of one of your conversations, given once.", {
        fields: { conversationId: "must be the id of one of your conversations" },
      });
    }
    const store = await storeOp("attachments.open", attachmentStore);
    const attachments = await storeOp("attachments.drafts", () => store.listDrafts({ userId: user.id, conversationId: given[0] ?? null }));
    return Response.json({ attachments }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);

async function parseForm(body: Uint8Array<ArrayBuffer>, contentType: string): Promise<FormData> {
  try {
    return await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new ApiError("invalid_request", "The upload is not valid multipart/form-data. Send the file in a field named file.");
  }
}

/** Exactly one file in `file`, and optionally the conversation's id; nothing else. */
function uploadFields(form: FormData): { file: File; conversationId: string | null } {
  const fields: Record<string, string> = {};
  for (const key of new Set(form.keys())) {
    if (key !== "file" && key !== "conversationId") fields[key] = "is not a field of an upload (only file and conversationId are)";
  }
  const files = form.getAll("file");
  const file = files[0];
  if (files.length !== 1 || !(file instanceof File)) fields.file = files.length > 1 ? "must be one file; upload each file on its own" : "must be a file";
  const conversations = form.getAll("conversationId");
  const conversationId = conversations[0] ?? null;
  if (conversations.length > 1 || (conversationId !== null && (typeof conversationId !== "string" || !isUuid(conversationId)))) {
    fields.conversationId = "must be the id of one of your conversations";
  }
  if (Object.keys(fields).length > 0 || !(file instanceof File)) {
    throw new ApiError("invalid_request", "The upload was not understood: send one file in a field named file.", { fields });
  }
  return { file, conversationId: conversationId as string | null };
}
