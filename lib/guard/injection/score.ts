/**
 * Prompt-injection score of one message: the calibrated probability that it is an attack, with the
 * names of the signals that fired. Pure and synchronous: no I/O, no environment, the same answer for
 * the same text.
 *
 * Two kinds of evidence, combined by a small calibrated stack (calibration.json):
 * - the learned model (model.ts): hashed words, word pairs, stems and multilingual concepts, trained
 *   on thousands of attacks and ordinary requests of many kinds and languages;
 * - signal families (signals.ts): hand-written patterns for override, extraction, role-play
 *   jailbreaks, template tokens, fake roles and disguise, run over de-obfuscated views of the text.
 * The stack's weights are fitted by scripts/train-injection-model.ts on predictions for sources the
 * model never saw (leave-one-source-out), so they say what each kind of evidence is worth on new
 * data, and the result reads as the probability of an attack where one message in
 * `calibration.prior` is one. Encoded payloads (base64, hex, ROT13, Morse…) are decoded and scored
 * as the requests they decode to: a message scores at least what its payload scores.
 */
import calibration from "./calibration.json";
import { findEncodedPayloads, REVERSED_HINT_ID, ROT13_HINT_ID, type EncodingKind } from "./decoders";
import { buildViews } from "./deobfuscate";
import { positionFeatures, type PositionFeatures } from "./features";
import { maxWindowLogit, shippedModel } from "./model";
import type { Family } from "./pattern-kit";
import { matchPatterns, obfuscationStrength, type Strengths } from "./signals";

/**
 * `signals`: the families that fired at NAMED_AT or more (and "classifier" when the model alone is
 * confident); `strong`: those that fired at STRONG_AT or more, a pattern match that is all but
 * unmistakable ("ignore all previous instructions" in any of the languages the patterns know).
 */
export type InjectionScore = { score: number; signals: string[]; strong?: string[] };

/**
 * The stack: a bias, the model's weight, the extra weight of the model's logit above MODEL_TAIL_AT (a
 * confident model is worth more than a straight line through the uncertain middle says), and each
 * family's weight on its dead-zoned strength.
 */
export type Calibration = {
  bias: number;
  model: number;
  modelTail: number;
  families: Partial<Record<Family, number>>;
};

/** Where the model's logit starts to count at `modelTail` more (a model probability of 88 %). */
export const MODEL_TAIL_AT = 2;

/** A scorer: model weights and the stack that reads them. The shipped one is the default. */
export type Scorer = { w: Float32Array; bias: number; cal: Calibration };

/**
 * Default decision thresholds on `score`, chosen by the training script on what sources it had not
 * learned from scored (see calibration.json and docs/guards.md):
 * - `flag`: audited and still answered (the fence and the system prompt do their work);
 * - `block`: refused when a named signal agrees (a pattern family, not the model alone);
 * - `blockAlone`: refused on the model's word alone, only when it is all but certain.
 */
export const INJECTION_THRESHOLDS = {
  flag: calibration.thresholds.flag,
  block: calibration.thresholds.block,
  blockAlone: calibration.thresholds.blockAlone,
} as const satisfies { flag: number; block: number; blockAlone: number };

/** The share of attacks among messages that `score` assumes. */
export const INJECTION_PRIOR = calibration.prior;

/**
 * Below this strength a family is not named in `signals` (it still counts in the score). A named family
 * is what can confirm a block (policy.ts), so naming needs a clear match: across the 48,000 ordinary
 * rows the model learns from, about one in 500 has any family at 0.5 or more, against most attacks.
 */
export const NAMED_AT = 0.5;
/** From this strength a family's match is flagged whatever the score (policy.ts). */
export const STRONG_AT = 0.9;
/**
 * A family's strength below this counts for nothing, and the rest is stretched back to 0..1. One weak
 * phrase ("no restrictions", "stay in character", a `[INST]` in a code sample) has a strength of 0.3
 * to 0.5 and so adds little; two of them, or one strong one, add nearly their full weight.
 */
const DEAD_ZONE = 0.3;
/** Decoded payloads are analysed once more, but what they decode to is not decoded again past this. */
const MAX_DEPTH = 2;

export function deadZoned(strength: number): number {
  return Math.max(0, strength - DEAD_ZONE) / (1 - DEAD_ZONE);
}

/** What a message says, before any weights: pattern strengths, model features, decoded payloads. */
export type Analysis = {
  strengths: Strengths;
  ids: string[];
  features: PositionFeatures;
  /** decoded payloads, and ("hidden") the text hidden in Unicode tag characters, each analysed alone */
  payloads: { kind: EncodingKind | "hidden"; analysis: Analysis }[];
};

/**
 * `invisibleRemoved`: how many invisible characters (zero-width, bidi, tag) normalisation took out of
 * `text` before it came here (normalize.ts), so that they still count as a sign of hiding.
 * `hidden`: what was hidden in Unicode tag characters (already appended to `text`, as the chat route
 * scores it). It is a request of its own that no person saw, analysed alone as a decoded payload is:
 * one line of it must not be diluted by the visible question it rides on.
 */
export function analyseInjection(
  text: string,
  { depth = 0, squash = false, invisibleRemoved = 0, hidden = "" }: { depth?: number; squash?: boolean; invisibleRemoved?: number; hidden?: string } = {},
): Analysis {
  const views = buildViews(text, { squash });
  views.hints.invisible += invisibleRemoved;
  const { tokens } = views;
  const { strengths, ids, obfuscatedHits } = matchPatterns({ views, tokens, raw: text });
  const obfuscation = obfuscationStrength({ views, obfuscatedHits });
  if (obfuscation > 0) strengths.obfuscation = obfuscation;
  const features = positionFeatures(views.folded ?? views.plain, tokens.folded ?? tokens.plain);
  const payloads: Analysis["payloads"] = [];
  // The hidden text was hidden: the invisible characters count as a sign of hiding there too.
  if (hidden) payloads.push({ kind: "hidden", analysis: analyseInjection(hidden, { depth: depth + 1, invisibleRemoved }) });
  if (depth < MAX_DEPTH) {
    const hints = { rot13: ids.includes(ROT13_HINT_ID), reversed: ids.includes(REVERSED_HINT_ID) };
    for (const payload of findEncodedPayloads({ text, lower: views.plain, tokens: tokens.plain, hints })) {
      payloads.push({ kind: payload.kind, analysis: analyseInjection(payload.text, { depth: depth + 1, squash: payload.kind === "morse" }) });
      ids.push(`decoded_${payload.kind}`);
    }
  }
  return { strengths, ids, features, payloads };
}

/** The stack's log-odds for an analysis, ignoring its payloads. */
export function outerLogit({ strengths, model }: { strengths: Strengths; model: number }, cal: Calibration): number {
  let z = cal.bias + cal.model * model + cal.modelTail * Math.max(0, model - MODEL_TAIL_AT);
  for (const [family, s] of Object.entries(strengths) as [Family, number][]) z += (cal.families[family] ?? 0) * deadZoned(s);
  return z;
}

export type Evaluated = { score: number; logit: number; model: number; strengths: Strengths };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Scores an analysis with `scorer`: its own evidence, or its best decoded payload's, whichever is higher. */
export function evaluateAnalysis(analysis: Analysis, scorer: Scorer): Evaluated {
  const model = maxWindowLogit({ features: analysis.features, w: scorer.w, bias: scorer.bias });
  const strengths: Strengths = { ...analysis.strengths };
  let logit = outerLogit({ strengths, model }, scorer.cal);
  for (const { kind, analysis: inner } of analysis.payloads) {
    const decoded = evaluateAnalysis(inner, scorer);
    // Hidden text is named by its own signal (scoreInjection), not as an encoding.
    if (kind !== "hidden") strengths.encoded_payload = Math.max(strengths.encoded_payload ?? 0, decoded.score);
    logit = Math.max(logit, decoded.logit);
  }
  return { score: sigmoid(logit), logit, model, strengths };
}

let shipped: Scorer | undefined;

/**
 * The committed model and stack, unpacked on first use (input.ts asks when it is loaded, so the chat
 * route's warm-up pays for it). Lazy so that the training script, which imports this file, runs while
 * the committed weights still belong to an older lexicon.
 */
export function shippedScorer(): Scorer {
  shipped ??= { ...shippedModel(), cal: calibration };
  return shipped;
}

/** The families that fired at NAMED_AT or more, strongest first. */
export function namedSignals(strengths: Strengths): Family[] {
  return (Object.entries(strengths) as [Family, number][])
    .filter(([, s]) => s >= NAMED_AT)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([family]) => family);
}

/**
 * What a scored analysis is named by: the families that fired, those of them that are strong,
 * "classifier" when the model's logit is above `modelNamedAt`, and "tag_smuggling" when text was
 * hidden in tag characters.
 */
export function namedEvidence(
  analysis: Analysis,
  { model, strengths }: { model: number; strengths: Strengths },
  modelNamedAt: number,
): { signals: string[]; strong: string[] } {
  const signals: string[] = namedSignals(strengths);
  const strong = signals.filter((family) => (strengths[family as Family] ?? 0) >= STRONG_AT);
  if (model > modelNamedAt) signals.push("classifier");
  if (analysis.payloads.some((payload) => payload.kind === "hidden")) signals.push("tag_smuggling");
  return { signals, strong };
}

export function scoreInjection(
  text: string,
  { invisibleRemoved = 0, hidden = "", scorer = shippedScorer() }: { invisibleRemoved?: number; hidden?: string; scorer?: Scorer } = {},
): InjectionScore {
  const analysis = analyseInjection(text, { invisibleRemoved, hidden });
  const evaluated = evaluateAnalysis(analysis, scorer);
  return { score: evaluated.score, ...namedEvidence(analysis, evaluated, calibration.modelNamedAt) };
}

/** The text the scorer reads for a message: the visible text, with what was hidden in tag characters appended. */
export function messageText(visible: string, hidden: string): string {
  return hidden ? `${visible}\n${hidden}` : visible;
}

/**
 * A message as the chat route scores it: its normalised text with whatever was hidden in Unicode tag
 * characters appended, the hidden text also analysed alone (see analyseInjection). `hidden` adds the
 * signal `tag_smuggling`.
 */
export function scoreMessage(
  visible: string,
  hidden: string,
  { invisibleRemoved = 0, scorer = shippedScorer() }: { invisibleRemoved?: number; scorer?: Scorer } = {},
): InjectionScore {
  return scoreInjection(messageText(visible, hidden), { invisibleRemoved, hidden, scorer });
}
