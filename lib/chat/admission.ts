import "server-only";
import { randomUUID } from "node:crypto";
import type { ModelRef } from "../config/models";
import { costMicroUsd, type ModelPrice } from "../config/prices";
import type { PromptMessage, Usage } from "../ai/types";
import { promptTokenBound } from "../ai/prompt";
import { env } from "../env";
import { ApiError } from "../errors";
import { describeError, log } from "../log/logger";
import { formatWait } from "../ratelimit/format-wait";
import type { Reservation } from "../ratelimit/ledger";
import { CAPS } from "../ratelimit/policies";
import { storeOp, storeOpUndoingLate } from "../store/call";
import { budgetLedger } from "../ratelimit/ledger";
import { usageStore } from "../usage/store";
import { apiKeyTokensKey, nextUtcMidnight, storeKey, userKey, utcDay } from "../store/keys";
import type { RefusalReason } from "../usage/store";
import { recordRefusal, type RefusalWhere } from "../audit/refusals";
import { relayKeyStore } from "../api-keys/store";
import { storeBackend } from "../store/backend";
import { checkSpendThresholds, checkUsageSpike } from "../alerts/index";
import type { TokenBudget } from "../wire";

/**
 * What a chat request must pass after its rate limit, before the provider is called, and what it
 * owes after: a stream slot (CHAT_MAX_CONCURRENT), the user's daily tokens (DAILY_TOKEN_BUDGET) and
 * the service's daily spend (DAILY_SPEND_CAP_USD). Budgets are reserved up front with an upper
 * bound of what the call can cost and settled with what the provider reports, so concurrent
 * requests on any number of instances cannot overshoot a budget by more than one reservation.
 * A refused request never reaches the provider; every refusal is counted in the usage records.
 */
/** The budget as the API shows it (lib/wire.ts). */
export type BudgetView = TokenBudget;

export type SettleInput = { status: "completed" | "failed" | "aborted"; usage: Usage; usageReported: boolean; text: string };

export type Ticket = {
  /**
   * Reserves for one more provider call in the same reply (the step after tool results), on the
   * same terms as the first: the step's prompt and output bounds against the user's, the key's and
   * the service's budgets, the stream slot kept. A refusal throws the same ApiError admission would.
   */
  extend(step: { messages: PromptMessage[]; maxOutputTokens: number }): Promise<void>;
  /** Counts what the calls really used and frees the stream slot; safe to call more than once. */
  settle(outcome: SettleInput): Promise<BudgetView | undefined>;
};

const DAY_TTL_SECONDS = 2 * 86_400;
// A stream cannot outlive AI_TIMEOUT_MS; the margin covers the settle after it.
const LEASE_MARGIN_MS = 30_000;

/**
 * `dailyTokens` is the user's own budget when an admin set one (lib/accounts/controls.ts), else
 * DAILY_TOKEN_BUDGET applies. `where` (route and request id) goes into the audit event of a refusal.
 * A request made with a relay key names it in `apiKey`: its own daily budget, when it has one, is
 * reserved as well (both must have room), and what the call used is added to the key's counters.
 */
export type ApiKeyBudget = { id: string; dailyTokens: number | null };

export async function admitChat({
  userId,
  model,
  messages,
  dailyTokens,
  where,
  apiKey,
  maxOutputTokens,
}: {
  userId: string;
  model: ModelRef;
  messages: PromptMessage[];
  /** The most the reply may write; AI_MAX_OUTPUT_TOKENS unless the request asked for less. */
  maxOutputTokens?: number;
  dailyTokens?: number;
  where?: RefusalWhere;
  apiKey?: ApiKeyBudget;
}): Promise<Ticket> {
  const config = env();
  const tokenBudget = dailyTokens ?? config.budgets.dailyTokens;
  const now = Date.now();
  const day = utcDay(now);
  const [keys, ledger] = await storeOp("budget.open", () => Promise.all([budgetKeys(userId, day, apiKey?.id), budgetLedger()]));
  const price = priceOf(model);
  const spendCap = Math.round(config.budgets.dailySpendCapUsd * 1e6);
  // What every step admitted so far reserved; settled against what the steps used.
  let reservedTokens = 0;
  let reservedCost = 0;

  // Every key's tokens are counted, with or without a budget of its own, so the owner can see them.
  const keyTokens = keys.apiKeyTokens;
  const lease = { key: keys.streams, id: randomUUID() };
  const maxStreams = config.chat.maxConcurrentStreams;
  const keyCap = keyTokens ? apiKey?.dailyTokens : undefined;
  const reservation = (key: string, amount: number, cap: number): Reservation => ({ key, amount, cap, ttlSeconds: DAY_TTL_SECONDS });

  /**
   * Takes (or, for a later step, renews) the stream slot and reserves one provider call's bound.
   * The slot and every reservation go in one store round trip, all or nothing: a refused request
   * holds nothing, not even for a moment, and leaves nothing to roll back. A store that answers only
   * after the deadline (the request got its 503) has its admission given back at once.
   */
  async function admitStep(step: { messages: PromptMessage[]; maxOutputTokens: number }, first: boolean): Promise<void> {
    const bound: Usage = { inputTokens: promptTokenBound(step.messages), outputTokens: step.maxOutputTokens };
    const tokens = bound.inputTokens + bound.outputTokens;
    const cost = costMicroUsd(price, bound);
    // Checked in this order, each with what a refusal there answers (`used`: the counter it refused on).
    const limits: (Reservation & { refusal(used: number): Promise<ApiError> })[] = [
      { ...reservation(keys.tokens, tokens, tokenBudget), refusal: async () => tokenBudgetExhausted(tokenBudget, now) },
      ...(keyTokens && keyCap ? [{ ...reservation(keyTokens, tokens, keyCap), refusal: async () => keyBudgetExhausted(keyCap, now) }] : []),
      {
        ...reservation(keys.spend, cost, spendCap),
        async refusal(used) {
          // The cap itself is the last threshold: alerted here too, in case no settle crossed it.
          await checkSpendThresholds({ day, spentMicroUsd: Math.max(used, spendCap), capMicroUsd: spendCap });
          return spendCapReached(now);
        },
      },
    ];
    const admission = await storeOpUndoingLate(
      "budget.admit",
      () => ledger.admit({ lease: { ...lease, max: maxStreams, ttlMs: config.ai.timeoutMs + LEASE_MARGIN_MS, now: Date.now() }, reservations: limits }),
      async (late) => {
        if (!late.ok) return;
        await Promise.all([
          ...limits.map((r) => ledger.adjust({ key: r.key, delta: -r.amount, ttlSeconds: DAY_TTL_SECONDS })),
          first ? ledger.releaseLease(lease) : undefined,
        ]);
      },
    );
    if (!admission.ok) {
      const error = admission.refused === "lease" ? tooManyStreams(maxStreams) : await limits[admission.refused]?.refusal(admission.used);
      // The ledger names the index of a reservation it was given; anything else is a bug (a logged 500).
      if (!error) throw new Error(`ledger refused an unknown limit: ${admission.refused}`);
      throw await refuse({ userId, day, where }, error);
    }
    reservedTokens += tokens;
    reservedCost += cost;
  }

  await admitStep({ messages, maxOutputTokens: maxOutputTokens ?? config.ai.maxOutputTokens }, true);

  let settled: Promise<BudgetView | undefined> | undefined;
  return {
    extend: (step) => admitStep(step, false),
    settle(outcome) {
      settled ??= settle(outcome);
      return settled;
    },
  };

  async function settle({ status, usage, usageReported, text }: SettleInput): Promise<BudgetView | undefined> {
    // A provider that refused before producing anything reports no usage and bills nothing.
    const counted = status === "failed" && !usageReported && !text ? { inputTokens: 0, outputTokens: 0 } : usage;
    const tokensUsed = counted.inputTokens + counted.outputTokens;
    const cost = costMicroUsd(price, counted);
    try {
      const [used, spent] = await storeOp("budget.settle", () =>
        Promise.all([
          ledger.adjust({ key: keys.tokens, delta: tokensUsed - reservedTokens, ttlSeconds: DAY_TTL_SECONDS }),
          ledger.adjust({ key: keys.spend, delta: cost - reservedCost, ttlSeconds: DAY_TTL_SECONDS }),
          ledger.releaseLease(lease),
          keyTokens
            ? ledger.adjust({ key: keyTokens, delta: tokensUsed - (apiKey?.dailyTokens ? reservedTokens : 0), ttlSeconds: DAY_TTL_SECONDS })
            : undefined,
          apiKey
            ? relayKeyStore().then((store) =>
                store.addUsage(apiKey.id, { requests: 1, inputTokens: counted.inputTokens, outputTokens: counted.outputTokens, costMicroUsd: cost }),
              )
            : undefined,
          usageStore().then((store) =>
            store.record({
              userKey: userKey(userId),
              day,
              delta: { requests: 1, inputTokens: counted.inputTokens, outputTokens: counted.outputTokens, costMicroUsd: cost },
            }),
          ),
        ]),
      );
      // One store round trip at most; the webhooks themselves go out in the background.
      await Promise.all([checkSpendThresholds({ day, spentMicroUsd: spent, capMicroUsd: spendCap }), checkUsageSpike({ userId, day, tokensToday: used })]);
      return view(tokenBudget, used, now);
    } catch (error) {
      // The reservation stays counted (the safe side) and the slot frees itself when its lease expires.
      log.error("budget.settle_failed", { ...describeError(error) });
      return undefined;
    }
  }
}

/** The user's token budget for today, for the page and GET /api/usage. */
export async function tokenBudgetFor(userId: string, dailyTokens?: number): Promise<BudgetView> {
  const now = Date.now();
  const used = await storeOp("budget.read", async () => {
    const [keys, ledger] = await Promise.all([budgetKeys(userId, utcDay(now)), budgetLedger()]);
    return ledger.read(keys.tokens);
  });
  return view(dailyTokens ?? env().budgets.dailyTokens, used, now);
}

async function refuse({ userId, day, where }: { userId: string; day: string; where?: RefusalWhere }, error: ApiError): Promise<ApiError> {
  await recordRefusal(userId, error.code as RefusalReason, day, where);
  log.info("budget.refused", { code: error.code, limit: error.extra.limit });
  return error;
}

async function budgetKeys(userId: string, day: string, apiKeyId?: string) {
  const { prefix } = await storeBackend();
  const user = userKey(userId);
  return {
    streams: storeKey(prefix, "streams", user),
    tokens: storeKey(prefix, "tokens", day, user),
    spend: storeKey(prefix, "spend", day),
    apiKeyTokens: apiKeyId ? apiKeyTokensKey(prefix, day, apiKeyId) : undefined,
  };
}

function priceOf(model: ModelRef): ModelPrice {
  const price = env().budgets.prices[model.id];
  // Start-up refuses a model without a price; this guards a code path that skipped the check.
  if (!price) throw new ApiError("internal_error", "This model cannot be used right now. Please pick another one.");
  return price;
}

function view(limit: number, used: number, now: number): BudgetView {
  return { limit, used, remaining: Math.max(0, limit - used), resetsAt: new Date(nextUtcMidnight(now)).toISOString() };
}

function untilMidnight(now: number) {
  const reset = nextUtcMidnight(now);
  return { seconds: Math.max(1, Math.ceil((reset - now) / 1000)), resetsAt: new Date(reset).toISOString() };
}

const number = (n: number) => n.toLocaleString("en-US");

function tooManyStreams(max: number): ApiError {
  const replies = max === 1 ? "a reply" : `${max} replies`;
  return new ApiError("too_many_streams", `You already have ${replies} being written, the most at once. Wait for one to finish or stop it, then send again.`, {
    retryAfterSeconds: 5,
    limit: CAPS.concurrentStreams.limit,
  });
}

function tokenBudgetExhausted(budget: number, now: number): ApiError {
  const { seconds, resetsAt } = untilMidnight(now);
  return new ApiError(
    "token_budget_exhausted",
    `You have used today's budget of ${number(budget)} tokens. It resets at 00:00 UTC, in ${formatWait(seconds)}.`,
    {
      retryAfterSeconds: seconds,
      limit: CAPS.dailyTokens.limit,
      resetsAt,
    },
  );
}

function keyBudgetExhausted(budget: number, now: number): ApiError {
  const { seconds, resetsAt } = untilMidnight(now);
  return new ApiError(
    "token_budget_exhausted",
    `This API key has used its daily budget of ${number(budget)} tokens. It resets at 00:00 UTC, in ${formatWait(seconds)}.`,
    {
      retryAfterSeconds: seconds,
      limit: "api_key_daily_tokens",
      resetsAt,
    },
  );
}

function spendCapReached(now: number): ApiError {
  const { seconds, resetsAt } = untilMidnight(now);
  return new ApiError(
    "spend_cap_reached",
    `Bulwark has reached its spending limit for today, so no more replies can be written. It resets at 00:00 UTC, in ${formatWait(seconds)}.`,
    {
      retryAfterSeconds: seconds,
      limit: CAPS.dailySpend.limit,
      resetsAt,
    },
  );
}
