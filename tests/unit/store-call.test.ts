import { afterEach, describe, expect, it, vi } from "vitest";
import { storeOpUndoingLate } from "@/lib/store/call";
import { STORE_TIMEOUT_MS } from "@/lib/store/backend";
import { ApiError } from "@/lib/errors";

afterEach(() => vi.useRealTimers());

/** A store command that finishes when the test says so. */
function slowCommand<T>() {
  let finish!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { promise, finish, fail };
}

describe("storeOpUndoingLate (a store that answers after the request got its 503)", () => {
  it("answers 503 at the deadline, and gives back what the command took once it finishes after all", async () => {
    vi.useFakeTimers();
    const command = slowCommand<{ ok: boolean; slot: string }>();
    const undo = vi.fn(async (_late: { ok: boolean; slot: string }) => {});
    const answered = storeOpUndoingLate("budget.admit", () => command.promise, undo).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(STORE_TIMEOUT_MS + 1);
    const error = await answered;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("store_unavailable");
    expect(undo).not.toHaveBeenCalled();
    // The store catches up: the admission it carried out is undone, not left holding a slot.
    command.finish({ ok: true, slot: "lease-1" });
    await vi.runAllTimersAsync();
    expect(undo).toHaveBeenCalledWith({ ok: true, slot: "lease-1" });
  });

  it("undoes nothing when the command answers in time, or fails late", async () => {
    const undo = vi.fn(async () => {});
    await expect(storeOpUndoingLate("budget.admit", async () => "held", undo)).resolves.toBe("held");
    vi.useFakeTimers();
    const command = slowCommand<string>();
    const answered = storeOpUndoingLate("budget.admit", () => command.promise, undo).catch(() => "503");
    await vi.advanceTimersByTimeAsync(STORE_TIMEOUT_MS + 1);
    expect(await answered).toBe("503");
    command.fail(new Error("connection reset"));
    await vi.runAllTimersAsync();
    expect(undo).not.toHaveBeenCalled();
  });

  it("passes a refusal through unchanged, with nothing to undo", async () => {
    const undo = vi.fn(async () => {});
    const refusal = new ApiError("too_many_streams", "Wait for a reply to finish.");
    await expect(storeOpUndoingLate("budget.admit", async () => Promise.reject(refusal), undo)).rejects.toBe(refusal);
    expect(undo).not.toHaveBeenCalled();
  });
});
