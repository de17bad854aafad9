import "server-only";
import { env } from "../env";
import { ApiError } from "../errors";
import { newBoundary, promptTokenBound } from "../ai/prompt";
import { providerFor } from "../providers";
import { providerUserId } from "../ai/provider-user-id";
import type { Usage } from "../ai/types";
import type { InjectionJudgeConfig } from "../config/schema";
import { readClassifierReply } from "../guard/judge/classifier-reply";
import { JUDGE_MAX_OUTPUT_TOKENS, judgeMessages, parseJudgeReply, type JudgeAnswer } from "../guard/judge/prompt";
import { describeError, log } from "../log/logger";
import { admitChat, type ApiKeyBudget } from "./admission";

/**
 * A second opinion on a message the injection detector flagged (its grey zone), when the deployment
 * turns one on (GUARD_INJECTION_JUDGE, off by default):
 * - `llm`: the fixed classification prompt (lib/guard/judge/prompt.ts) through one of AI_MODELS. The
 *   call is a chat like any other for the limits: it takes a stream slot, reserves and settles the
 *   user's (and the relay key's) tokens and the service's spend, so an attacker cannot make the
 *   judge spend past a budget;
 * - `http`: the deployer's own classifier (lib/guard/judge/classifier-reply.ts has the protocol).
 * Either way the text sent is the provider text: personal data already replaced by placeholders.
 * Within GUARD_INJECTION_JUDGE_TIMEOUT_MS, or it is no answer; what no answer means is the
 * deployment's choice (GUARD_INJECTION_JUDGE_ON_ERROR: allow, the default, or block).
 */
export type SecondOpinion = { verdict: "attack" | "benign"; confidence?: number } | { verdict: "unavailable"; why: "timeout" | "error" | "unreadable" };

type Asker = { userId: string; where: { route: string; requestId: string }; apiKey?: ApiKeyBudget; dailyTokens?: number };

export async function secondOpinion({ text, ...asker }: Asker & { text: string }): Promise<SecondOpinion | null> {
  const judge = env().guards.judge;
  if (judge.mode === "off") return null;
  const signal = AbortSignal.timeout(judge.timeoutMs);
  try {
    const answer = judge.mode === "http" ? await askClassifier({ judge, text, signal }) : await askModel({ judge, text, signal, asker });
    if (!answer) return { verdict: "unavailable", why: "unreadable" };
    return { verdict: answer.attack ? "attack" : "benign", confidence: answer.confidence };
  } catch (error) {
    // A limit's refusal of the judge's own call is the user's answer: the judgement costs tokens.
    if (error instanceof ApiError) throw error;
    const why = signal.aborted ? "timeout" : "error";
    log.warn("guard.judge_failed", { requestId: asker.where.requestId, mode: judge.mode, why, ...describeError(error) });
    return { verdict: "unavailable", why };
  }
}

async function askClassifier({
  judge,
  text,
  signal,
}: {
  judge: Extract<InjectionJudgeConfig, { mode: "http" }>;
  text: string;
  signal: AbortSignal;
}): Promise<JudgeAnswer | null> {
  const res = await fetch(judge.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...(judge.token ? { authorization: `Bearer ${judge.token}` } : {}) },
    body: JSON.stringify({ text }),
    signal,
    // A classifier that redirects is misconfigured; following it could send the text anywhere.
    redirect: "error",
  });
  if (res.status !== 200) {
    await res.body?.cancel();
    return null;
  }
  return readClassifierReply(await res.json().catch(() => null));
}

async function askModel({
  judge,
  text,
  signal,
  asker,
}: {
  judge: Extract<InjectionJudgeConfig, { mode: "llm" }>;
  text: string;
  signal: AbortSignal;
  asker: Asker;
}): Promise<JudgeAnswer | null> {
  const messages = judgeMessages({ text, boundary: newBoundary() });
  const ticket = await admitChat({
    userId: asker.userId,
    model: judge.model,
    messages,
    maxOutputTokens: JUDGE_MAX_OUTPUT_TOKENS,
    dailyTokens: asker.dailyTokens,
    where: { ...asker.where, apiKey: asker.apiKey?.id },
    apiKey: asker.apiKey,
  });
  let reply = "";
  let usage: Usage | null = null;
  let status: "completed" | "failed" | "aborted" = "completed";
  try {
    const provider = await providerFor(judge.model);
    for await (const part of provider.stream({
      model: judge.model.model,
      messages,
      maxOutputTokens: JUDGE_MAX_OUTPUT_TOKENS,
      signal,
      endUserId: providerUserId(asker.userId),
      origin: { userId: asker.userId, ...asker.where },
    })) {
      if (part.type === "text") reply += part.text;
      else if (part.type === "usage") usage = part.usage;
    }
  } catch (error) {
    status = signal.aborted ? "aborted" : "failed";
    throw error;
  } finally {
    // Unreported usage is counted at its bound: the safe side of every budget.
    const counted = usage ?? { inputTokens: promptTokenBound(messages), outputTokens: Math.ceil(reply.length / 4) };
    await ticket.settle({ status, usage: counted, usageReported: usage !== null, text: reply });
  }
  return parseJudgeReply(reply);
}
