import type { ChatProvider, ChatRequest, StreamPart } from "../ai/types";
import { failureForStatus, ProviderError } from "../ai/provider-error";

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes both official SDKs export (they are generated from the same template). */
export type SdkErrorClasses = {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: ErrorClass;
};

/**
 * A provider over an official SDK: `run` streams, and whatever it throws leaves as a ProviderError,
 * so the SDK's message (which can echo parts of a key), the raw body and the stack stay behind.
 */
export function sdkProvider({ run, errors }: { run: (request: ChatRequest) => AsyncIterable<StreamPart>; errors: SdkErrorClasses }): ChatProvider {
  return {
    async *stream(request: ChatRequest): AsyncIterable<StreamPart> {
      try {
        yield* run(request);
      } catch (error) {
        throw normalise(error, errors);
      }
    },
  };
}

function normalise(error: unknown, errors: SdkErrorClasses): ProviderError {
  // Subclasses first: the abort and connection errors are APIErrors too.
  if (error instanceof errors.APIUserAbortError) return new ProviderError("aborted", undefined);
  if (error instanceof errors.APIConnectionTimeoutError) return new ProviderError("timeout", undefined);
  if (error instanceof errors.APIConnectionError) return new ProviderError("connection", undefined);
  const status = error instanceof errors.APIError ? (error as { status?: unknown }).status : undefined;
  if (typeof status === "number") return new ProviderError(failureForStatus(status), status);
  return new ProviderError("connection", undefined);
}
