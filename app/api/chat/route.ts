import { env } from "@/lib/env";
import { withUser } from "@/lib/http/with-user";
import { ApiError } from "@/lib/http/errors";
import { conversationStore } from "@/lib/store/index";
import { historyOf } from "@/lib/store/conversations";
import { storeOp } from "@/lib/store/call";
import { admitChat } from "@/lib/chat/admission";
import { buildPrompt, newBoundary } from "@/lib/ai/prompt";
import { SYSTEM_PROMPT } from "@/lib/ai/system-prompt";
import { guardInput } from "@/lib/guard/input";
import { INJECTION_THRESHOLDS } from "@/lib/guard/injection/score";
import { findSecrets, PlaceholderRestorer } from "@/lib/guard/pii";
import { canaryInstruction, newCanary } from "@/lib/guard/output/canary";
import { createOutputGuard } from "@/lib/guard/output/pipeline";
import { auditGuard } from "@/lib/audit/audit";
import { countRefusal } from "@/lib/store/refusals";
import { alertCanaryLeak, noteInjectionBlock } from "@/lib/alerts/index";
import { providerFor } from "@/lib/ai/providers";
import { streamReply, type ReplyOutcome } from "@/lib/ai/reply-stream";
import { describeError, log } from "@/lib/log/logger";
import { hashId } from "@/lib/log/hash-id";
import { userKey } from "@/lib/store/keys";
import { chatRequestSchema, type ChatRequestBody } from "./schema";

let schema: ReturnType<typeof chatRequestSchema> | undefined;
const bodySchema = () => {
  const { ai, chat } = env();
  schema ??= chatRequestSchema({ modelIds: ai.models.map((m) => m.id), maxMessageChars: chat.maxMessageChars });
  return schema;
};

// POST /api/chat – stream a reply to the signed-in user's message
export const POST = withUser<ChatRequestBody>(
  async ({ req, user, body, requestId, limitHeaders, controls }) => {
    const { ai, chat, guards } = env();
    const audit = { userId: user.id, route: "/api/chat", requestId };
    const model = ai.models.find((m) => m.id === body.model) ?? ai.defaultModel;
    const store = await storeOp("conversations.open", conversationStore);

    const conversationId = body.conversationId ?? crypto.randomUUID();
    const conversation = body.conversationId ? await storeOp("conversations.get", () => store.get({ userId: user.id, conversationId })) : undefined;
    if (conversation === null) throw new ApiError("conversation_not_found", "That conversation does not exist. Start a new chat.");
    const history = conversation ? historyOf(conversation) : [];

    // Input guards: normalise, score for injection, personal data to placeholders (lib/guard/input.ts).
    const input = guardInput({
      text: body.message,
      history,
      config: {
        ...guards,
        injectionFlagAt: guards.injectionFlagAt ?? INJECTION_THRESHOLDS.flag,
        injectionBlockAt: guards.injectionBlockAt ?? INJECTION_THRESHOLDS.block,
      },
    });
    await Promise.all(input.findings.map((finding) => auditGuard(audit, finding)));
    if (input.findings.some((f) => f.stage === "injection" && f.action === "blocked")) await noteInjectionBlock(audit);
    // A guard's refusal counts in the user's usage records, as a limit's does (the dashboard shows both).
    if (input.rejected) await countRefusal(user.id, input.rejected);
    if (input.rejected === "prompt_rejected") {
      throw new ApiError("prompt_rejected", "This message looks like an attempt to override the assistant's instructions, so it was not sent. Please rephrase it.");
    }
    if (input.rejected === "personal_data_rejected") {
      throw new ApiError("personal_data_rejected", "This message contains personal data or a secret (such as an email address, a card number or a key), which this service does not send to the model. Please remove it and send again.");
    }

    // A fresh canary per request: if it ever appears in the output, the system prompt is leaking.
    const canary = guards.canary === "block" ? newCanary() : undefined;
    const messages = buildPrompt({
      history: input.providerHistory.slice(-chat.historyMaxMessages),
      userText: input.providerText,
      boundary: newBoundary(),
      systemPrompt: canary ? `${SYSTEM_PROMPT}\n\n${canaryInstruction(canary)}` : SYSTEM_PROMPT,
    });
    const outputGuard = createOutputGuard({
      canary,
      findSecrets: guards.outputSecrets === "redact" ? findSecrets : () => [],
      restore: input.placeholders ? new PlaceholderRestorer(input.placeholders) : undefined,
    });
    // Concurrency, token budget and spend cap: a refusal here never reaches the provider.
    const ticket = await admitChat({ userId: user.id, model, messages, dailyTokens: controls.dailyTokens, where: audit });
    const started = performance.now();
    const onSettled = async (outcome: ReplyOutcome) => {
      // Saved before `done` is sent, so a client that continues at once finds the conversation.
      const saved =
        outcome.text || outcome.status === "completed"
          ? storeOp("conversations.append", () =>
              store.appendTurns({ userId: user.id, conversationId, turns: [{ role: "user", content: input.userText }, { role: "assistant", content: outcome.text }] }),
            ).catch((error: unknown) => log.error("chat.history_not_saved", { requestId, ...describeError(error) }))
          : undefined;
      log.info("chat.reply", {
        requestId,
        user: hashId(userKey(user.id)),
        model: model.id,
        outcome: outcome.status,
        failure: outcome.failure?.kind,
        providerStatus: outcome.failure?.status,
        inputTokens: outcome.usage.inputTokens,
        outputTokens: outcome.usage.outputTokens,
        usageReported: outcome.usageReported,
        historyTurns: history.length,
        firstTokenMs: outcome.firstTokenMs === undefined ? undefined : Math.round(outcome.firstTokenMs),
        totalMs: Math.round(performance.now() - started),
      });
      const findings = outputGuard.summary();
      const audited = Promise.all([...findings.map((finding) => auditGuard(audit, finding)), findings.some((f) => f.stage === "canary") ? alertCanaryLeak(audit) : undefined]);
      const [budget] = await Promise.all([ticket.settle(outcome), saved, audited]);
      return budget ? { budget } : undefined;
    };

    try {
      return await streamReply({
        provider: await providerFor(model),
        request: { model: model.model, messages, maxOutputTokens: ai.maxOutputTokens, origin: { userId: user.id, route: "/api/chat", requestId } },
        conversationId,
        timeoutMs: ai.timeoutMs,
        clientSignal: req.signal,
        // The id comes first, in a header, so a client that stops or loses the stream can still continue the conversation.
        headers: { ...limitHeaders, "X-Request-Id": requestId, "X-Conversation-Id": conversationId },
        onSettled,
        guard: outputGuard,
      });
    } catch (error) {
      // A reply that failed to start has settled already (settle is idempotent); this covers a
      // failure before the provider was called, so the reservation and the stream slot are freed.
      await ticket.settle({ status: "failed", usage: { inputTokens: 0, outputTokens: 0 }, usageReported: false, text: "" });
      throw error;
    }
  },
  { schema: bodySchema, limit: "chat", maxBodyBytes: () => env().chat.maxBodyBytes },
);
