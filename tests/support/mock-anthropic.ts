import {
  contentText,
  errorMessage,
  estimateTokens,
  readMessages,
  startMockUpstream,
  type MockOptions,
  type MockUpstream,
  type ProviderSpec,
  type ReplyFraming,
} from "./mock-upstream";

// The error `type` Anthropic sends with each status, so the SDK maps them to its real error classes.
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  503: "overloaded_error",
  529: "overloaded_error",
};

function errorBody({ status, requestId, message = errorMessage(status) }: { status: number; requestId: string; message?: string }): unknown {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
  return { type: "error", error: { type, message }, request_id: requestId };
}

const event = (data: { type: string } & Record<string, unknown>): string => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

function anthropicFraming({ id, body }: { id: number; body: Record<string, unknown> }): ReplyFraming {
  const model = typeof body.model === "string" ? body.model : "claude-sonnet-4-6";
  const requestId = `req_mock_${id}`;
  // The Messages API takes the system prompt as a top-level field, a string or text blocks.
  const system = contentText(body.system) || null;
  const inputTokens = estimateTokens([system ?? "", ...readMessages(body).map((m) => m.text)].join("\n"));
  const message = { id: `msg_mock_${id}`, type: "message", role: "assistant", model };

  return {
    headers: { "request-id": requestId },
    system,
    errorBody: (status) => errorBody({ status, requestId }),
    complete: (text) => ({
      ...message,
      content: [{ type: "text", text }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: estimateTokens(text) },
    }),
    start: () =>
      event({
        type: "message_start",
        message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 1 } },
      }) +
      event({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
      event({ type: "ping" }),
    delta: (text) => event({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }),
    finish: (text) =>
      event({ type: "content_block_stop", index: 0 }) +
      event({
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: estimateTokens(text) },
      }) +
      event({ type: "message_stop" }),
    // Like the real API: the text block closes, then one tool_use block per call, its input as JSON in pieces.
    toolCalls: (calls, text) =>
      event({ type: "content_block_stop", index: 0 }) +
      calls
        .map((call, i) => {
          const index = i + 1;
          const half = call.argsJson.length >> 1;
          return (
            event({ type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } }) +
            [call.argsJson.slice(0, half), call.argsJson.slice(half)]
              .map((partial_json) => event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } }))
              .join("") +
            event({ type: "content_block_stop", index })
          );
        })
        .join("") +
      event({
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: estimateTokens(text + calls.map((c) => c.argsJson).join("")) },
      }) +
      event({ type: "message_stop" }),
  };
}

const MODELS = ["claude-sonnet-4-6", "claude-haiku-4-5"].map((id) => ({
  type: "model",
  id,
  display_name: id,
  created_at: "2025-01-01T00:00:00Z",
}));

const ANTHROPIC_SPEC: ProviderSpec = {
  name: "anthropic",
  basePath: "",
  chatPath: "/v1/messages",
  framing: anthropicFraming,
  other: ({ method, path }) =>
    method === "GET" && path === "/v1/models"
      ? { status: 200, body: { data: MODELS, has_more: false, first_id: MODELS[0]?.id, last_id: MODELS.at(-1)?.id } }
      : { status: 404, body: errorBody({ status: 404, requestId: "req_mock_route", message: `Mock Anthropic has no route ${method} ${path}.` }) },
};

/**
 * Starts a mock of the Anthropic Messages API on 127.0.0.1. Give `url` (the bare origin; the SDK adds
 * /v1/messages) to the SDK as `baseURL`. Serves POST /v1/messages (streaming or not), GET /v1/models, /exfil/*.
 */
export function startMockAnthropic(options: MockOptions = {}): Promise<MockUpstream> {
  return startMockUpstream({ spec: ANTHROPIC_SPEC, options });
}
