import "server-only";
import { describeError, log } from "../log/logger";
import { storeOp } from "../store/call";
import { auditLog } from "../audit/store";
import type { ExportRange } from "./queries";

/** Lines are sent in batches of about this many bytes: few enough writes, never the whole log in memory. */
const BATCH_BYTES = 64 * 1024;

/**
 * The audit log between two days as JSON Lines (one event a line, oldest first), streamed as the
 * store's pages arrive. The first page is read before this returns, so a store that does not answer
 * is a clean 503 instead of a broken download; a failure later cuts the download, so a partial file
 * never looks complete.
 */
export async function auditExportStream({ sinceMs, untilMs }: ExportRange): Promise<ReadableStream<Uint8Array>> {
  const events = (await storeOp("audit.open", auditLog)).range({ since: sinceMs, until: untilMs })[Symbol.asyncIterator]();
  const next = () => storeOp("audit.export", () => events.next());
  let pending = await next();
  const encoder = new TextEncoder();

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let batch = "";
        while (!pending.done && batch.length < BATCH_BYTES) {
          batch += `${JSON.stringify(pending.value)}\n`;
          pending = await next();
        }
        if (batch) controller.enqueue(encoder.encode(batch));
        if (pending.done) controller.close();
      } catch (error) {
        log.error("admin.audit_export_failed", describeError(error));
        controller.error(error);
      }
    },
    async cancel() {
      await events.return?.();
    },
  });
}
