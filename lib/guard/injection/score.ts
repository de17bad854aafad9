/**
 * Prompt-injection score of one user message: 0 (ordinary request) to 1 (attack), with the names of the
 * signals that fired. Pure and synchronous: no I/O, no environment, the same answer for the same text.
 *
 * Two kinds of evidence, added as log-odds:
 * - signal families (signals.ts): hand-written patterns for override, extraction, role-play
 *   jailbreaks, template tokens, fake roles, run over de-obfuscated copies of the text, plus encoded
 *   payloads decoded and scored again. They carry the general knowledge of what an attack says, in
 *   several languages, and they need no training data;
 * - a small learned model (model.ts) that picks up the wording of jailbreak prompts the patterns
 *   do not list.
 * The family weights are priors (a clear override alone blocks, one weak hint alone does not even
 * flag); the bias and the two scales are fitted by scripts/train-injection-model.ts on out-of-fold
 * predictions and stored in calibration.json with the thresholds, so that the score reads as the
 * probability of an attack where one message in five is one.
 */
import calibration from "./calibration.json";
import { findEncodedPayloads, REVERSED_HINT_ID, ROT13_HINT_ID } from "./decoders";
import { buildViews } from "./deobfuscate";
import { modelLogit } from "./model";
import type { Family } from "./pattern-kit";
import { matchPatterns, obfuscationStrength, type Strengths } from "./signals";

export type InjectionScore = { score: number; signals: string[] };

/**
 * Default decision thresholds on `score`, chosen by the training script on shippable benign requests
 * (jackhhao, deepset): `flag` at a false-positive rate of at most 2 % (and at least 0.2), `block` at
 * 0.5 % (and at least 0.5, "more likely an attack than not"). Measured on all the public corpora
 * (docs/guards.md): flag catches 92.5 % of attack rows with at most 1.5 % false positives on any benign
 * set, block 90.5 % with at most 0.4 %.
 */
export const INJECTION_THRESHOLDS = { flag: calibration.thresholds.flag, block: calibration.thresholds.block } as const satisfies {
  flag: number;
  block: number;
};

/** How much each family's strength (0..1) adds to the log-odds before calibration. */
export const FAMILY_WEIGHTS = {
  override: 7,
  extraction: 6,
  roleplay_jailbreak: 6,
  template_tokens: 6,
  fake_role: 5,
  encoded_payload: 7,
  obfuscation: 3,
} as const satisfies Record<Family, number>;

/** Below this strength a family is not named in `signals` (it still counts in the score). */
const NAMED_AT = 0.3;
/**
 * The model counts one way only: a logit above MODEL_FLOOR adds evidence (clipped, so it may tip a
 * decision but not outvote the patterns), one below adds nothing. Benign requests unlike anything in
 * its training data (and there are many kinds) then cannot push a score up by being unfamiliar; only
 * wording that resembles jailbreaks can. The floor (a model probability of 27 %) was chosen on the
 * held-out corpora: at 0 recall drops, at −2 benign requests start to be flagged.
 */
const MODEL_CLIP = 6;
const MODEL_FLOOR = -1;

export function modelEvidence(logit: number): number {
  return Math.min(MODEL_CLIP, Math.max(0, logit - MODEL_FLOOR));
}
/** Decoded payloads are scored once more, but what they decode to is not decoded again past this. */
const MAX_DEPTH = 2;

export type Analysis = { strengths: Strengths; model: number; ids: string[] };
export type Calibration = { bias: number; signalScale: number; modelScale: number };

/**
 * The evidence behind a score, for evaluation and training; `scoreInjection` is what callers use.
 * `decode: false` skips encoded payloads, whose strength depends on the committed calibration: the
 * training script uses it so that its output never depends on the files it is about to replace.
 */
export function analyseInjection(
  text: string,
  { depth = 0, decode = true, squash = false, invisibleRemoved = 0 }: { depth?: number; decode?: boolean; squash?: boolean; invisibleRemoved?: number } = {},
): Analysis {
  const views = buildViews(text, { squash });
  views.hints.invisible += invisibleRemoved;
  const { tokens } = views;
  const { strengths, ids, obfuscatedHits } = matchPatterns({ views, tokens, raw: text });
  const obfuscation = obfuscationStrength({ views, obfuscatedHits });
  if (obfuscation > 0) strengths.obfuscation = obfuscation;

  if (decode && depth < MAX_DEPTH) {
    for (const payload of findEncodedPayloads({ text, lower: views.plain, tokens: tokens.plain, hints: { rot13: ids.includes(ROT13_HINT_ID), reversed: ids.includes(REVERSED_HINT_ID) } })) {
      const inner = probability(analyseInjection(payload.text, { depth: depth + 1, squash: payload.kind === "morse" }));
      if (inner > (strengths.encoded_payload ?? 0)) strengths.encoded_payload = inner;
      ids.push(`decoded_${payload.kind}`);
    }
  }
  return { strengths, model: modelLogit(tokens.folded ?? tokens.plain), ids };
}

/**
 * A family's strength below this counts for nothing, and the rest is stretched back to 0..1. One weak
 * phrase ("no restrictions", "stay in character", a `[INST]` in a code sample) has a strength of 0.3
 * to 0.5 and so adds little; two of them, or one strong one, add nearly their full weight. Jailbreaks
 * stack several hints; honest requests that happen to contain one do not.
 */
const DEAD_ZONE = 0.3;

/** The patterns' log-odds before calibration: each family's (dead-zoned) strength times its weight. */
export function patternEvidence(strengths: Strengths): number {
  let evidence = 0;
  for (const [family, s] of Object.entries(strengths) as [Family, number][]) {
    evidence += (FAMILY_WEIGHTS[family] * Math.max(0, s - DEAD_ZONE)) / (1 - DEAD_ZONE);
  }
  return evidence;
}

/** The calibrated probability of an analysis (`cal` defaults to the committed calibration). */
export function probability({ strengths, model }: Pick<Analysis, "strengths" | "model">, cal: Calibration = calibration): number {
  const z = cal.bias + cal.signalScale * patternEvidence(strengths) + cal.modelScale * modelEvidence(model);
  return 1 / (1 + Math.exp(-z));
}

/**
 * `invisibleRemoved`: how many invisible characters (zero-width, bidi, tag) normalisation took out of
 * `text` before it came here (normalize.ts), so that they still count as a sign of hiding.
 */
export function scoreInjection(text: string, { invisibleRemoved = 0 }: { invisibleRemoved?: number } = {}): InjectionScore {
  const analysis = analyseInjection(text, { invisibleRemoved });
  const signals = (Object.entries(analysis.strengths) as [Family, number][])
    .filter(([, s]) => s >= NAMED_AT)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([family]) => family as string);
  if (analysis.model > calibration.modelNamedAt) signals.push("classifier");
  return { score: probability(analysis), signals };
}
