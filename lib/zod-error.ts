import type { z } from "zod";
import { ApiError } from "./errors";

/**
 * A zod failure as a 400 that names each bad field with a sentence. The issue list itself, and the
 * values it may quote, never reach the client.
 */
export function zodToApiError(error: z.ZodError): ApiError {
  // No prototype: a client's key "__proto__" must become a field name, not hit Object.prototype's setter.
  const fields = Object.create(null) as Record<string, string>;
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) fields[[...issue.path, key].join(".")] = "is not an accepted field";
    } else {
      const path = issue.path.join(".") || "body";
      fields[path] ??= issue.message;
    }
  }
  const summary = Object.entries(fields)
    .map(([name, problem]) => `"${name}" ${problem}`)
    .join("; ");
  return new ApiError("invalid_request", `The request was not accepted: ${summary}.`, { fields });
}
