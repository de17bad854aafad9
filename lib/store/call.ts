import "server-only";
import { ApiError } from "../http/errors";
import { log } from "../log/logger";
import { STORE_TIMEOUT_MS } from "./backend";

/**
 * Runs one store operation with a deadline. Anything that goes wrong (no connection, a timeout, a
 * refused command) becomes a 503 that tells the person to retry in a few seconds: limits and
 * budgets fail closed, and no request hangs on a store that stopped answering. ApiErrors thrown
 * on purpose (a refusal) pass through unchanged.
 */
export async function storeOp<T>(op: string, run: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError()), STORE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    log.error("store.operation_failed", { op, errorName: error instanceof Error ? error.name : typeof error });
    throw storeUnavailable();
  } finally {
    clearTimeout(timer);
  }
}

export const storeUnavailable = () =>
  new ApiError("store_unavailable", "The service is briefly unable to check usage limits. Please try again in a few seconds.", { retryAfterSeconds: 5 });

class StoreTimeoutError extends Error {
  override readonly name = "StoreTimeoutError";
}
