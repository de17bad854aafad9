import {
  errorMessage,
  estimateTokens,
  isRecord,
  readMessages,
  startMockUpstream,
  type MockOptions,
  type MockUpstream,
  type ProviderSpec,
  type ReplyFraming,
} from "./mock-upstream";

// The `type` and `code` OpenAI sends with each status, so the SDK maps them to its real error classes.
const ERROR_KINDS: Record<number, { type: string; code: string }> = {
  400: { type: "invalid_request_error", code: "invalid_value" },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "request_forbidden", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: "server_error" },
  503: { type: "server_error", code: "service_unavailable" },
};

function errorBody({ status, message = errorMessage(status) }: { status: number; message?: string }): unknown {
  const kind = ERROR_KINDS[status] ?? { type: status >= 500 ? "server_error" : "invalid_request_error", code: `mock_status_${status}` };
  return { error: { message, type: kind.type, param: null, code: kind.code } };
}

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/** A string in two pieces, so the client must join streamed arguments. */
const splitInTwo = (text: string): string[] => (text.length < 2 ? [text] : [text.slice(0, text.length >> 1), text.slice(text.length >> 1)]);

function openAIFraming({ id, body }: { id: number; body: Record<string, unknown> }): ReplyFraming {
  const model = typeof body.model === "string" ? body.model : "gpt-4o-mini";
  const created = Math.floor(Date.now() / 1000);
  const messages = readMessages(body);
  const systemTexts = messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => m.text);
  const promptTokens = estimateTokens(messages.map((m) => m.text).join("\n"));
  const usage = (text: string) => {
    const completionTokens = estimateTokens(text);
    return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  };
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  // With include_usage the real API puts `usage: null` on every chunk but the last.
  const base = { id: `chatcmpl-mock-${id}`, object: "chat.completion.chunk", created, model, ...(includeUsage ? { usage: null } : {}) };
  const choice = (delta: Record<string, string>, finishReason: string | null) =>
    frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });

  return {
    headers: { "x-request-id": `req_mock_${id}` },
    system: systemTexts.length > 0 ? systemTexts.join("\n") : null,
    errorBody: (status) => errorBody({ status }),
    complete: (text) => ({
      id: `chatcmpl-mock-${id}`,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: usage(text),
    }),
    start: () => choice({ role: "assistant", content: "" }, null),
    delta: (text) => choice({ content: text }, null),
    finish: (text) => choice({}, "stop") + (includeUsage ? frame({ ...base, choices: [], usage: usage(text) }) : "") + "data: [DONE]\n\n",
    // Like the real API: each call's id and name first, then its arguments in pieces, then finish_reason tool_calls.
    toolCalls: (calls, text) =>
      calls
        .flatMap((call, index) => [
          frame({
            ...base,
            choices: [
              {
                index: 0,
                delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] },
                logprobs: null,
                finish_reason: null,
              },
            ],
          }),
          ...splitInTwo(call.argsJson).map((piece) =>
            frame({
              ...base,
              choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }],
            }),
          ),
        ])
        .join("") +
      frame({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "tool_calls" }] }) +
      (includeUsage ? frame({ ...base, choices: [], usage: usage(text + calls.map((c) => c.argsJson).join("")) }) : "") +
      "data: [DONE]\n\n",
  };
}

const MODELS = ["gpt-4o-mini", "gpt-4o"].map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "openai" }));

const OPENAI_SPEC: ProviderSpec = {
  name: "openai",
  basePath: "/v1",
  chatPath: "/v1/chat/completions",
  framing: openAIFraming,
  other: ({ method, path }) =>
    method === "GET" && path === "/v1/models"
      ? { status: 200, body: { object: "list", data: MODELS } }
      : { status: 404, body: errorBody({ status: 404, message: `Mock OpenAI has no route ${method} ${path}.` }) },
};

/**
 * Starts a mock of the OpenAI Chat Completions API on 127.0.0.1. Give `url` (which ends in /v1) to the
 * SDK as `baseURL`. Serves POST /v1/chat/completions (streaming or not), GET /v1/models, and /exfil/*.
 */
export function startMockOpenAI(options: MockOptions = {}): Promise<MockUpstream> {
  return startMockUpstream({ spec: OPENAI_SPEC, options });
}
