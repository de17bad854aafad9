import { ApiError } from "../errors";

/**
 * A provider failure reduced to what the app may act on. Each provider turns its SDK's errors into
 * this; the raw body, the message (which can echo parts of a key) and the stack stay behind.
 */
export type ProviderFailure = "auth" | "rate_limited" | "rejected" | "server" | "timeout" | "connection" | "aborted";

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  constructor(
    readonly kind: ProviderFailure,
    readonly status: number | undefined,
  ) {
    super(`provider failure: ${kind}${status ? ` (HTTP ${status})` : ""}`);
  }
}

export function failureForStatus(status: number): ProviderFailure {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return "rejected";
}

/** What the person in the chat is told. Nothing here comes from the provider's answer. */
export function toApiError(error: ProviderError): ApiError {
  switch (error.kind) {
    case "auth":
      return new ApiError("provider_auth", "The AI provider refused this server's credentials. An administrator needs to check the provider key.");
    case "rate_limited":
      return new ApiError("provider_busy", "The AI provider is busy right now. Please try again in a minute.");
    case "rejected":
      return new ApiError("provider_rejected", "The AI provider could not handle this request. Try a shorter message or another model.");
    case "timeout":
      return new ApiError("provider_timeout", "The AI provider took too long to answer. Please try again.");
    case "server":
    case "connection":
    case "aborted":
      return new ApiError("provider_error", "The AI provider is unavailable right now. Please try again shortly.");
  }
}
