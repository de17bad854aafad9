import { env } from "@/lib/env";
import { ApiError } from "@/lib/errors";
import { API_HEADERS } from "@/lib/http/errors";
import { withApiKey } from "@/lib/http/with-api-key";
import { startReply } from "@/lib/chat/reply";
import { REPLY_BLOCKED, type ReplyOutcome } from "@/lib/ai/reply-stream";
import { toApiError } from "@/lib/ai/provider-error";
import { completionRequestSchema, type CompletionRequest } from "@/lib/relay/openai-schema";
import { completionBody, openAiChunkFormat, SILENT_FORMAT, type CompletionMeta } from "@/lib/relay/openai-format";
import { toConversation } from "@/lib/relay/conversation";

let schema: ReturnType<typeof completionRequestSchema> | undefined;
const bodySchema = () => (schema ??= completionRequestSchema({ maxMessageChars: env().chat.maxMessageChars }));

const PRINTABLE_MODEL = /^[A-Za-z0-9._:/@-]{1,128}$/;

// POST /api/v1/chat/completions – OpenAI's Chat Completions, streamed or whole, through the app's guards and limits
export const POST = withApiKey<CompletionRequest>(
  async ({ req, key, controls, body, requestId, limitHeaders }) => {
    const { ai } = env();
    const model = ai.models.find((m) => m.id === body.model);
    if (!model) {
      const named = PRINTABLE_MODEL.test(body.model) ? `"${body.model}"` : "that was asked for";
      throw new ApiError("model_not_found", `The model ${named} is not offered here. GET /api/v1/models lists the models this key can use.`, {
        fields: { model: "is not offered here" },
      });
    }
    if (key.models && !key.models.includes(model.id)) {
      throw new ApiError(
        "model_not_allowed",
        `This API key may not use ${model.id}; it may use ${key.models.join(", ")}. Create a key for that model in Settings → API keys.`,
        {
          fields: { model: "is outside this key's models" },
        },
      );
    }

    const { history, text } = toConversation(body.messages);
    const maxOutputTokens = Math.min(body.max_completion_tokens ?? body.max_tokens ?? ai.maxOutputTokens, ai.maxOutputTokens);
    const meta: CompletionMeta = { id: `chatcmpl-${requestId}`, created: Math.floor(Date.now() / 1000), model: model.id, maxOutputTokens };
    const headers = { ...limitHeaders, "X-Request-Id": requestId };
    let outcome: ReplyOutcome | undefined;
    const reply = await startReply({
      req,
      userId: key.ownerId,
      model,
      text,
      history,
      untrustedHistory: true,
      controls,
      where: { route: "/api/v1/chat/completions", requestId },
      apiKey: { id: key.id, dailyTokens: key.dailyTokenBudget },
      maxOutputTokens,
      format: body.stream ? openAiChunkFormat(meta, { includeUsage: body.stream_options?.include_usage === true }) : SILENT_FORMAT,
      headers,
      // The relay keeps no conversation: the client sends the history it wants each time.
      afterReply: async (ended) => {
        outcome = ended;
      },
    });
    if (body.stream) return reply;

    // Whole: the reply is written through the same stream, then answered at once or as an error.
    await reply.arrayBuffer();
    if (outcome?.status !== "completed") {
      if (outcome?.failure) throw toApiError(outcome.failure);
      // Cut by an output guard (the canary of the system prompt appeared), or ended without a cause.
      throw outcome?.status === "failed"
        ? new ApiError("reply_blocked", REPLY_BLOCKED.message)
        : new ApiError("provider_error", "The reply could not be completed. Please try again.");
    }
    return Response.json(completionBody(meta, outcome), { headers: { ...API_HEADERS, ...headers } });
  },
  { route: "/api/v1/chat/completions", limit: "chat", schema: bodySchema, maxBodyBytes: () => env().chat.maxBodyBytes },
);
