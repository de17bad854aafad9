import type { Env } from "@/lib/config/schema";
import { ApiError } from "@/lib/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);

/** ATTACHMENTS=off: every attachment route answers as if it did not exist, and says why. */
export function attachmentsEnabled(config: Pick<Env, "documents">): void {
  if (!config.documents.enabled) {
    throw new ApiError("attachments_disabled", "Attaching documents is turned off on this server (ATTACHMENTS=off).");
  }
}

export function fileTooLarge(maxBytes: number): ApiError {
  return new ApiError(
    "file_too_large",
    `This file is larger than ${megabytes(maxBytes)}, the most that can be attached. Attach a smaller file, or the part you need.`,
    {
      limit: "attachment_bytes",
    },
  );
}

/** 2097152 → "2 MB"; 1536000 → "1.5 MB" (binary megabytes, as file managers count). */
export function megabytes(bytes: number): string {
  const mb = bytes / 1_048_576;
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
