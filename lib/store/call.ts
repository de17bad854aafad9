import "server-only";
import { ApiError } from "../errors";
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

/**
 * storeOp for an operation that takes something on the store (a stream slot, a reservation). When
 * the store is only slow, the request is answered 503 at the deadline, but the command may still be
 * carried out once the store catches up, and then nobody would give back what it took. So if `run`
 * finishes after the deadline has passed, `undo` is called with what it returned (errors logged):
 * a request answered 503 leaves nothing held.
 */
export async function storeOpUndoingLate<T>(op: string, run: () => Promise<T>, undo: (late: T) => Promise<unknown>): Promise<T> {
  const running = run();
  try {
    return await storeOp(op, () => running);
  } catch (error) {
    if (error instanceof ApiError && error.code !== "store_unavailable") throw error;
    void running
      .then(
        async (late) => {
          log.warn("store.late_result_undone", { op });
          await undo(late);
        },
        () => undefined,
      )
      .catch((undoError: unknown) => log.error("store.undo_failed", { op, errorName: undoError instanceof Error ? undoError.name : typeof undoError }));
    throw error;
  }
}

export const storeUnavailable = () =>
  new ApiError("store_unavailable", "The service is briefly unable to check usage limits. Please try again in a few seconds.", { retryAfterSeconds: 5 });

class StoreTimeoutError extends Error {
  override readonly name = "StoreTimeoutError";
}
