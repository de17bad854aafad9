import type { Env } from "@/lib/config/schema";
import { ApiError } from "@/lib/errors";
import { fileTooLargeMessage } from "@/lib/documents/messages";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);

/** ATTACHMENTS=off: every attachment route answers as if it did not exist, and says why. */
export function attachmentsEnabled(config: Pick<Env, "documents">): void {
  if (!config.documents.enabled) {
    throw new ApiError("attachments_disabled", "Attaching documents is turned off on this server (ATTACHMENTS=off).");
  }
}

export function fileTooLarge(maxBytes: number): ApiError {
  return new ApiError("file_too_large", fileTooLargeMessage(maxBytes), { limit: "attachment_bytes" });
}
