import "server-only";
import { env } from "../env";
import { ApiError } from "../errors";
import type { ModelRef } from "../config/models";
import { buildPrompt, newBoundary, type HistoryTurn } from "../ai/prompt";
import { SYSTEM_PROMPT, toolInstructions } from "../ai/system-prompt";
import type { PromptMessage, StreamPart } from "../ai/types";
import { providerFor } from "../providers";
import { providerUserId } from "../ai/provider-user-id";
import { streamReply, type ReplyOutcome } from "../ai/reply-stream";
import type { DoneExtra, ReplyFormat } from "../ai/stream-format";
import { guardInput, inputGuardConfig } from "../guard/input";
import { refusalMessage } from "../guard/injection/reasons";
import { findSecrets, PlaceholderMap, PlaceholderRestorer, secretHoldStart } from "../guard/pii";
import { guardToolOutput } from "../guard/tool-output";
import { guardDocumentForPrompt } from "../guard/document";
import { selectPassages, type DocumentText } from "../documents/context";
import { documentInstructions, fenceDocument } from "../ai/documents";
import { enabledTools } from "../tools/catalogue";
import type { Tool } from "../tools/registry";
import { type ToolRun, withTools } from "./tool-loop";
import { canaryInstruction, newCanary } from "../guard/output/canary";
import { createOutputGuard } from "../guard/output/pipeline";
import { auditGuard, type AuditContext } from "../audit/audit";
import { alertCanaryLeak, noteInjectionBlock } from "../alerts/index";
import { countRefusal } from "../audit/refusals";
import type { UserControls } from "../accounts/controls";
import { describeError, log } from "../log/logger";
import { hashId } from "../log/hash-id";
import { userKey } from "../store/keys";
import { admitChat, type ApiKeyBudget } from "./admission";
import { secondOpinion } from "./second-opinion";

/**
 * One reply, from a person's text to the stream they read, whichever door the request came in by
 * (the chat UI with a session, or the relay API with a key): the input guards, the server's system
 * prompt with its canary, the limits and budgets, the provider call, the output guards, and after
 * it the usage, audit and log records. The caller brings what differs: where the history comes
 * from, the wire format, and what to keep afterwards (the UI stores the conversation).
 */
export type ReplyInput = {
  req: Request;
  userId: string;
  model: ModelRef;
  /** The new user message, as sent. */
  text: string;
  history: HistoryTurn[];
  /** The history came from the client, not the store: its user turns are guarded too. */
  untrustedHistory?: boolean;
  controls: UserControls;
  where: { route: string; requestId: string };
  /** The relay key the request came with: its budget and its name on every record. */
  apiKey?: ApiKeyBudget;
  /** Lower than AI_MAX_OUTPUT_TOKENS when the client asks for less. */
  maxOutputTokens?: number;
  format?: ReplyFormat;
  headers: Record<string, string>;
  /** The app's event stream names its conversation. */
  conversationId?: string;
  /** Runs once the reply has ended, beside the records; `userText` is the guarded, normalised input. */
  afterReply?: (outcome: ReplyOutcome, userText: string) => Promise<void>;
  /** Offer the model the tools this deployment enabled (TOOLS): the chat UI does, the relay API never. */
  tools?: boolean;
  /** Documents the message reads (lib/chat/documents.ts): the chat UI's attachments; the relay API has none. */
  documents?: DocumentText[];
};

export async function startReply(input: ReplyInput): Promise<Response> {
  const { ai, chat, guards } = env();
  const { userId, where, apiKey } = input;
  const audit: AuditContext = { userId, route: where.route, requestId: where.requestId, apiKey: apiKey?.id };

  const guarded = guardInput({
    text: input.text,
    history: input.history,
    untrustedHistory: input.untrustedHistory,
    config: inputGuardConfig(guards),
  });
  await Promise.all(guarded.findings.map((finding) => auditGuard(audit, finding)));
  if (guarded.findings.some((f) => f.stage === "injection" && f.action === "blocked")) await noteInjectionBlock(audit);
  // A guard's refusal counts in the user's usage records, as a limit's does (the dashboard shows both).
  if (guarded.rejected) await countRefusal(userId, guarded.rejected);
  if (guarded.rejected === "prompt_rejected") {
    const signals = guarded.injection?.signals ?? [];
    throw new ApiError("prompt_rejected", refusalMessage(signals), { signals });
  }
  if (guarded.injection?.verdict === "flag")
    await judgeFlagged({ input, audit, text: guarded.providerText, signals: guarded.injection.signals, score: guarded.injection.score });
  if (guarded.rejected === "personal_data_rejected") {
    throw new ApiError(
      "personal_data_rejected",
      "This message contains personal data or a secret (such as an email address, a card number or a key), which this service does not send to the model. Please remove it and send again.",
    );
  }

  // A fresh canary per request: if it ever appears in the output, the system prompt is leaking.
  const canary = guards.canary === "block" ? newCanary() : undefined;
  const tools = input.tools && input.conversationId ? enabledTools() : [];
  const boundary = newBoundary();
  const hasDocuments = (input.documents?.length ?? 0) > 0;
  const { spotlight } = env().documents;
  const systemPrompt = [
    SYSTEM_PROMPT,
    canary && canaryInstruction(canary),
    hasDocuments && documentInstructions(boundary, spotlight),
    tools.length > 0 && toolInstructions(boundary),
  ]
    .filter(Boolean)
    .join("\n\n");
  // With tools or documents, one map for the whole reply: a value a tool or a document holds gets a
  // placeholder the reply's restorer knows, and a value the person wrote keeps its own.
  const placeholders = guarded.placeholders ?? (tools.length > 0 || hasDocuments ? new PlaceholderMap() : null);
  const documents = hasDocuments
    ? documentsPrompt({ documents: input.documents ?? [], query: guarded.userText, boundary, placeholders: placeholders ?? new PlaceholderMap() })
    : undefined;
  const messages = buildPrompt({
    history: guarded.providerHistory.slice(-chat.historyMaxMessages),
    userText: guarded.providerText,
    boundary,
    clientHistory: input.untrustedHistory === true,
    systemPrompt,
    documents,
  });
  return runReply({
    input,
    messages,
    canary,
    placeholders,
    maxOutputTokens: Math.min(input.maxOutputTokens ?? ai.maxOutputTokens, ai.maxOutputTokens),
    tools: tools.length > 0 && input.conversationId ? { tools, boundary, callsSoFar: 0, conversationId: input.conversationId } : undefined,
    afterReply: input.afterReply && ((outcome) => (input.afterReply as NonNullable<ReplyInput["afterReply"]>)(outcome, guarded.userText)),
  });
}

/**
 * What every reply shares once its prompt is built, whether it starts from a person's message or
 * carries on after they answered an approval: the limits and budgets, the provider call (with the
 * tool loop around it when tools are offered), the output guards, and after it the usage, audit
 * and log records.
 */
export async function runReply({
  input,
  messages,
  canary,
  placeholders,
  maxOutputTokens,
  tools,
  resume,
  afterReply,
}: {
  input: Omit<ReplyInput, "text" | "afterReply" | "tools">;
  messages: PromptMessage[];
  canary: string | undefined;
  placeholders: PlaceholderMap | null;
  maxOutputTokens: number;
  tools?: { tools: Tool[]; boundary: string; callsSoFar: number; conversationId: string };
  resume?: (run: ToolRun) => (signal: AbortSignal) => AsyncGenerator<StreamPart, PromptMessage[]>;
  afterReply?: (outcome: ReplyOutcome) => Promise<void>;
}): Promise<Response> {
  const { ai, guards } = env();
  const { userId, model, where, apiKey } = input;
  const audit: AuditContext = { userId, route: where.route, requestId: where.requestId, apiKey: apiKey?.id };
  const outputGuard = createOutputGuard({
    canary,
    ...(guards.outputSecrets === "redact" ? { findSecrets, secretHoldStart } : { findSecrets: () => [], secretHoldStart: (word: string) => word.length }),
    restore: placeholders ? new PlaceholderRestorer(placeholders) : undefined,
  });
  // Concurrency, token budgets and the spend cap: a refusal here never reaches the provider.
  const ticket = await admitChat({
    userId,
    model,
    messages,
    maxOutputTokens,
    dailyTokens: input.controls.dailyTokens,
    where: { ...where, apiKey: apiKey?.id },
    apiKey,
  });
  const started = performance.now();

  const onSettled = async (outcome: ReplyOutcome): Promise<DoneExtra | undefined> => {
    log.info("chat.reply", {
      requestId: where.requestId,
      route: where.route,
      user: hashId(userKey(userId)),
      apiKey: apiKey?.id,
      model: model.id,
      outcome: outcome.status,
      failure: outcome.failure?.kind,
      providerStatus: outcome.failure?.status,
      inputTokens: outcome.usage.inputTokens,
      outputTokens: outcome.usage.outputTokens,
      usageReported: outcome.usageReported,
      historyTurns: input.history.length,
      firstTokenMs: outcome.firstTokenMs === undefined ? undefined : Math.round(outcome.firstTokenMs),
      totalMs: Math.round(performance.now() - started),
    });
    const findings = outputGuard.summary();
    const audited = Promise.all([
      ...findings.map((finding) => auditGuard(audit, finding)),
      findings.some((f) => f.stage === "canary") ? alertCanaryLeak(audit) : undefined,
    ]);
    const kept = afterReply ? keepReply(() => afterReply(outcome), where.requestId) : true;
    const [budget, saved] = await Promise.all([ticket.settle(outcome), kept, audited]);
    const extra: DoneExtra = { ...(budget && { budget }), ...(!saved && { notSaved: true as const }) };
    return Object.keys(extra).length > 0 ? extra : undefined;
  };

  try {
    let provider = await providerFor(model);
    if (tools) {
      const map = placeholders ?? new PlaceholderMap();
      const run: ToolRun = {
        tools: tools.tools,
        maxCalls: env().tools.maxCalls,
        callsSoFar: tools.callsSoFar,
        ticket,
        audit,
        conversationId: tools.conversationId,
        model: model.id,
        boundary: tools.boundary,
        canary,
        placeholders: map,
        guardOutput: (text) => guardToolOutput({ text, config: inputGuardConfig(guards), placeholders: map }),
        restore: (text) => map.restore(text),
      };
      provider = withTools(provider, run, resume?.(run));
    }
    return await streamReply({
      provider,
      request: {
        model: model.model,
        messages,
        maxOutputTokens,
        endUserId: providerUserId(userId),
        origin: { userId, route: where.route, requestId: where.requestId },
      },
      conversationId: input.conversationId,
      format: input.format,
      timeoutMs: ai.timeoutMs,
      clientSignal: input.req.signal,
      headers: input.headers,
      onSettled,
      guard: outputGuard,
    });
  } catch (error) {
    // A reply that failed to start has settled already (settle is idempotent); this covers a
    // failure before the provider was called, so the reservation and the stream slot are freed.
    await ticket.settle({ status: "failed", usage: { inputTokens: 0, outputTokens: 0 }, usageReported: false, text: "" });
    throw error;
  }
}

/**
 * The grey zone's second opinion, when the deployment has one (lib/chat/second-opinion.ts): an
 * "attack" blocks the message as the detector would have, naming the judge; no answer lets it through
 * or refuses it with a 503, as GUARD_INJECTION_JUDGE_ON_ERROR says. Every outcome is audited.
 */
async function judgeFlagged({
  input,
  audit,
  text,
  signals,
  score,
}: {
  input: ReplyInput;
  audit: AuditContext;
  text: string;
  signals: string[];
  score: number;
}): Promise<void> {
  const opinion = await secondOpinion({ text, userId: input.userId, where: input.where, apiKey: input.apiKey, dailyTokens: input.controls.dailyTokens });
  if (opinion === null) return;
  if (opinion.verdict === "unavailable") {
    await auditGuard(audit, { stage: "injection", action: "flagged", signals: [`judge_${opinion.why}`], score });
    const judge = env().guards.judge;
    if (judge.mode !== "off" && judge.onError === "block") {
      throw new ApiError(
        "guard_unavailable",
        "This message could not be checked for safety right now, so it was not sent. Please send it again in a few seconds.",
        { retryAfterSeconds: 5 },
      );
    }
    return;
  }
  if (opinion.verdict === "attack") {
    const blockedBy = [...signals.filter((s) => s !== "classifier"), "judge", ...(signals.includes("classifier") ? ["classifier"] : [])];
    await auditGuard(audit, { stage: "injection", action: "blocked", signals: blockedBy, score });
    await noteInjectionBlock(audit);
    await countRefusal(input.userId, "prompt_rejected");
    throw new ApiError("prompt_rejected", refusalMessage(["judge"]), { signals: blockedBy });
  }
  await auditGuard(audit, { stage: "injection", action: "flagged", signals: ["judge_cleared"], score });
}

/**
 * The documents as the model reads them: the passages chosen for this message (all of each document
 * when they fit ATTACHMENTS_CONTEXT_CHARS), each with its personal data replaced by the request's
 * placeholders, then fenced with the request's boundary and marked as data (ATTACHMENTS_SPOTLIGHT).
 */
function documentsPrompt({
  documents,
  query,
  boundary,
  placeholders,
}: {
  documents: DocumentText[];
  query: string;
  boundary: string;
  placeholders: PlaceholderMap;
}): string {
  const { documents: config, guards } = env();
  const passages = selectPassages({ documents, query, budgetChars: config.contextChars });
  return passages
    .map((passage) => {
      const { text } = guardDocumentForPrompt({ text: passage.text, config: inputGuardConfig(guards), placeholders });
      return fenceDocument({ passage: { ...passage, text }, boundary, mode: config.spotlight });
    })
    .join("\n\n");
}

/** How long to wait before trying once more to store a reply. */
const SAVE_RETRY_MS = 500;

/**
 * Stores the reply (the route's afterReply), once more after a short wait if the store failed:
 * false when it could not, so the `done` event can say the reply was not saved instead of the
 * conversation silently missing it after a reload.
 */
async function keepReply(save: () => Promise<void>, requestId: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await save();
      return true;
    } catch (error) {
      log.error("chat.after_reply_failed", { requestId, attempt, ...describeError(error) });
      if (attempt >= 2) return false;
      await new Promise((resolve) => setTimeout(resolve, SAVE_RETRY_MS));
    }
  }
}
