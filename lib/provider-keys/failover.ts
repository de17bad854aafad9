import "server-only";
import type { ChatProvider, ChatRequest, StreamPart } from "../ai/types";
import { ProviderError } from "../ai/provider-error";
import { audit } from "../audit/audit";
import { alertKeyFailure } from "../alerts";
import { describeError, log } from "../log/logger";
import { storeOp } from "../store/call";
import { userKey } from "../store/keys";
import { keyFailureStore, type KeyPool } from "./pool";
import { keyFingerprint, maskedKey, type ProviderKey } from "../config/provider-keys";

/**
 * A provider over a key pool. A key the provider rejects (401 or 403) before the reply starts is
 * taken out of rotation, recorded (audit event, alert, the store's key status) and the next key is
 * tried within the same request, so a revoked or rotated key never fails anyone's chat while
 * another key works. Once text has streamed nothing is retried: a reply is never repeated.
 */
export function pooledProvider({ pool, clientFor }: { pool: KeyPool; clientFor: (key: ProviderKey) => Promise<ChatProvider> }): ChatProvider {
  return {
    async *stream(request: ChatRequest): AsyncIterable<StreamPart> {
      const tried = new Set<string>();
      let lastRejection: ProviderError | undefined;
      for (let key = pool.next(tried); key; key = pool.next(tried)) {
        tried.add(key.value);
        const client = await clientFor(key);
        let started = false;
        try {
          for await (const part of client.stream(request)) {
            started = true;
            yield part;
          }
          return;
        } catch (error) {
          if (started || !isKeyRejection(error)) throw error;
          lastRejection = error;
          pool.bench(key);
          // The secret manager may have rotated the key already: read the files again before the next try.
          pool.refresh();
          await recordRejection({ pool, key, status: error.status ?? 401, request, failedOver: pool.next(tried) !== undefined });
        }
      }
      throw lastRejection ?? new ProviderError("auth", 401);
    },
  };
}

function isKeyRejection(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.kind === "auth";
}

async function recordRejection({
  pool,
  key,
  status,
  request,
  failedOver,
}: {
  pool: KeyPool;
  key: ProviderKey;
  status: number;
  request: ChatRequest;
  failedOver: boolean;
}) {
  const fingerprint = keyFingerprint(key.value);
  log.warn("keys.rejected", { provider: pool.provider, key: fingerprint, status, failedOver });
  await Promise.all([
    storeOp("keys.record_failure", async () => (await keyFailureStore()).record(fingerprint, status)).catch((error: unknown) =>
      log.error("keys.failure_not_recorded", describeError(error)),
    ),
    audit({
      kind: "key.rejected",
      user: request.origin ? userKey(request.origin.userId) : undefined,
      route: request.origin?.route,
      requestId: request.origin?.requestId,
      reason: String(status),
      signals: [pool.provider, fingerprint, failedOver ? "failed_over" : "no_key_left"],
    }),
    alertKeyFailure({ provider: pool.provider, fingerprint, label: maskedKey(key.value), status }),
  ]);
}
