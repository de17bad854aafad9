import type { HistoryTurn } from "../ai/prompt";
import { injectionVerdict } from "./injection/policy";
import { INJECTION_THRESHOLDS, scoreMessage, shippedScorer } from "./injection/score";
import { decodeTagSmuggling, normalizeInput } from "./normalize";
import { ENTITY_TYPES, PlaceholderMap } from "./pii";
import type { EntityType, GuardFinding } from "./types";

/**
 * The input side of the guard pipeline, in DESIGN.md's order: normalise the user's text (invisible,
 * bidi and tag characters out, NFKC), score it for prompt injection, then replace personal data with
 * placeholders in everything the provider will see. Pure: the route turns `findings` into audit
 * events and `rejected` into a 400.
 */
export type InputGuardConfig = {
  normalize: "off" | "redact";
  pii: "off" | "flag" | "redact" | "block";
  piiEntities: readonly EntityType[];
  injection: "off" | "flag" | "block";
  injectionFlagAt: number;
  /** block from here when a named signal agrees (injection/policy.ts) */
  injectionBlockAt: number;
  /** block from here on the model's word alone */
  injectionBlockAloneAt: number;
};

/** The deployment's guard settings (GUARD_*), with the measured thresholds where it set none. */
export function inputGuardConfig(
  guards: Omit<InputGuardConfig, "injectionFlagAt" | "injectionBlockAt" | "injectionBlockAloneAt"> & {
    injectionFlagAt?: number;
    injectionBlockAt?: number;
    injectionBlockAloneAt?: number;
  },
): InputGuardConfig {
  return {
    normalize: guards.normalize,
    pii: guards.pii,
    piiEntities: guards.piiEntities,
    injection: guards.injection,
    injectionFlagAt: guards.injectionFlagAt ?? INJECTION_THRESHOLDS.flag,
    injectionBlockAt: guards.injectionBlockAt ?? INJECTION_THRESHOLDS.block,
    injectionBlockAloneAt: guards.injectionBlockAloneAt ?? INJECTION_THRESHOLDS.blockAlone,
  };
}

// The detector's weights are unpacked now (a few milliseconds), when the chat route is loaded at start,
// rather than on the first message.
shippedScorer();

/** What a deployment without GUARD_* variables runs: every stage on, the measured thresholds. */
export const DEFAULT_INPUT_GUARDS: InputGuardConfig = {
  normalize: "redact",
  pii: "redact",
  piiEntities: ENTITY_TYPES,
  injection: "block",
  injectionFlagAt: INJECTION_THRESHOLDS.flag,
  injectionBlockAt: INJECTION_THRESHOLDS.block,
  injectionBlockAloneAt: INJECTION_THRESHOLDS.blockAlone,
};

export type InputGuardResult = {
  /** The user's text as it is stored and shown: normalised, personal data still in place. */
  userText: string;
  /** What the provider receives: the history and the new text, personal data as placeholders. */
  providerHistory: HistoryTurn[];
  providerText: string;
  /** Restores the placeholders in the reply for the user; null when nothing was replaced. */
  placeholders: PlaceholderMap | null;
  findings: GuardFinding[];
  rejected: "prompt_rejected" | "personal_data_rejected" | null;
  /** The injection check's verdict and what it rests on (null when the check is off). */
  injection: { verdict: "block" | "flag" | "allow"; score: number; signals: string[] } | null;
};

/**
 * `untrustedHistory`: the history came from the client (the relay API, where a caller sends the
 * whole conversation) rather than from the store, so every turn of it, the assistant's included, is
 * normalised and scored for injection too; otherwise an attack could sit one turn back, or in words
 * put in the assistant's mouth, where nobody looked.
 */
export function guardInput({
  text,
  history: given,
  config,
  untrustedHistory = false,
}: {
  text: string;
  history: HistoryTurn[];
  config: InputGuardConfig;
  untrustedHistory?: boolean;
}): InputGuardResult {
  const findings: GuardFinding[] = [];
  const history =
    untrustedHistory && config.normalize === "redact" ? given.map((turn) => ({ role: turn.role, content: normalizeInput(turn.content).text })) : given;

  let userText = text;
  let invisibleRemoved = 0;
  if (config.normalize === "redact") {
    const normalized = normalizeInput(text);
    userText = normalized.text;
    invisibleRemoved = normalized.removed.zeroWidth + normalized.removed.bidi + normalized.removed.tags;
    if (normalized.changed) {
      const signals = Object.entries(normalized.removed)
        .filter(([, n]) => n > 0)
        .map(([kind]) => kind);
      const count = Object.values(normalized.removed).reduce((a, b) => a + b, 0);
      if (count > 0) findings.push({ stage: "normalize", action: "redacted", signals, count });
    }
  }

  let injection: InputGuardResult["injection"] = null;
  if (config.injection !== "off") {
    // What was hidden in tag characters is scored too: the text a person never saw.
    let { score, signals, strong } = scoreMessage(userText, decodeTagSmuggling(text), { invisibleRemoved });
    for (const [index, turn] of untrustedHistory ? given.entries() : []) {
      const earlier = scoreMessage(history[index]?.content ?? "", decodeTagSmuggling(turn.content));
      const where = turn.role === "user" ? "earlier_turn" : "assistant_turn";
      if (earlier.score > score) ({ score, signals, strong } = { score: earlier.score, signals: [...earlier.signals, where], strong: earlier.strong });
    }
    const thresholds = { flag: config.injectionFlagAt, block: config.injectionBlockAt, blockAlone: config.injectionBlockAloneAt };
    const verdict = injectionVerdict({ score, signals, strong }, thresholds);
    const block = config.injection === "block" && verdict === "block";
    injection = { verdict: config.injection === "block" ? verdict : verdict === "block" ? "flag" : verdict, score, signals };
    if (verdict !== "allow") findings.push({ stage: "injection", action: block ? "blocked" : "flagged", signals, score });
    if (block) return { userText, providerHistory: history, providerText: userText, placeholders: null, findings, rejected: "prompt_rejected", injection };
  }

  if (config.pii === "off") return { userText, providerHistory: history, providerText: userText, placeholders: null, findings, rejected: null, injection };

  // One map per conversation, rebuilt in order from its history, so a value keeps its placeholder.
  const map = new PlaceholderMap();
  const types = config.piiEntities;
  const providerHistory = history.map((turn) => ({ role: turn.role, content: map.redact(turn.content, { types }).text }));
  const { text: providerText, entities } = map.redact(userText, { types });
  if (entities.length > 0) {
    const signals = [...new Set(entities.map((e) => e.subtype ?? e.type.toLowerCase()))];
    const action = config.pii === "block" ? "blocked" : config.pii === "flag" ? "flagged" : "redacted";
    findings.push({ stage: "pii", action, signals, count: entities.length });
    if (config.pii === "block") return { userText, providerHistory, providerText, placeholders: null, findings, rejected: "personal_data_rejected", injection };
  }
  if (config.pii === "flag") return { userText, providerHistory: history, providerText: userText, placeholders: null, findings, rejected: null, injection };
  return { userText, providerHistory, providerText, placeholders: map.size > 0 ? map : null, findings, rejected: null, injection };
}
