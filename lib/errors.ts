/**
 * The closed set of errors the app answers with, their HTTP status, and the one body shape
 * `{ error: { code, message, ... } }`. Messages are written for the person using the app: they say
 * what happened and what to do, and never carry internal detail. Any layer throws an ApiError; the
 * HTTP wrappers (lib/http/errors.ts) turn it into a response.
 */
export const ERROR_STATUS = {
  cross_site: 403,
  unauthorized: 401,
  invalid_api_key: 401,
  expired_api_key: 401,
  forbidden: 403,
  account_blocked: 403,
  model_not_allowed: 403,
  unsupported_media_type: 415,
  payload_too_large: 413,
  method_not_allowed: 405,
  invalid_path: 400,
  invalid_json: 400,
  invalid_request: 400,
  prompt_rejected: 400,
  reply_blocked: 422,
  personal_data_rejected: 400,
  not_found: 404,
  conversation_not_found: 404,
  approval_not_found: 404,
  api_key_not_found: 404,
  model_not_found: 404,
  api_keys_disabled: 404,
  too_many_api_keys: 409,
  note_limit_reached: 409,
  too_many_attachments: 409,
  attachment_not_found: 404,
  attachments_disabled: 404,
  file_too_large: 413,
  document_too_long: 413,
  unsupported_file_type: 415,
  ambiguous_file_type: 415,
  empty_file: 400,
  unreadable_file: 422,
  encrypted_pdf: 422,
  rate_limited: 429,
  too_many_streams: 429,
  token_budget_exhausted: 429,
  spend_cap_reached: 429,
  provider_auth: 502,
  provider_error: 502,
  provider_rejected: 502,
  provider_busy: 503,
  provider_timeout: 504,
  store_unavailable: 503,
  guard_unavailable: 503,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, string>;
    retryAfterSeconds?: number;
    limit?: string;
    resetsAt?: string;
    /** what a guard's refusal rests on: signal names (`prompt_rejected`) */
    signals?: string[];
  };
};

/** What a refusal by a limit adds to the body: which limit, and when it resets (ISO time). */
type LimitDetail = { limit?: string; resetsAt?: string };

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { fields?: Record<string, string>; retryAfterSeconds?: number; headers?: Record<string, string>; signals?: string[] } & LimitDetail = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    const { fields, retryAfterSeconds, limit, resetsAt, signals } = this.extra;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(fields && { fields }),
        ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
        ...(limit && { limit }),
        ...(resetsAt && { resetsAt }),
        ...(signals && { signals }),
      },
    };
  }
}

export const internalError = () => new ApiError("internal_error", "Something went wrong on our side. Your message was not sent; please try again.");
