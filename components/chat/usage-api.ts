import { requestJson, type ApiResult } from "./api-client";
import { isRecord, toTokenBudget } from "./api-shapes";
import type { TokenBudget } from "./types";

/** The user's daily token budget as it stands now. */
export function getUsage({ signal }: { signal?: AbortSignal } = {}): Promise<ApiResult<TokenBudget>> {
  return requestJson({ path: "/api/usage", read: (json) => (isRecord(json) ? toTokenBudget(json.tokens) : undefined), signal });
}
