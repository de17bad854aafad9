/**
 * The prompt-injection detector in document mode: for text that is read rather than typed (an
 * attached file, a tool's output). A message detector scores the whole text, and an instruction
 * planted in a long, ordinary document shares its evidence with the words around it. Document mode
 * scores
 * - the whole text exactly as a message is scored (scoreMessage: hidden tag text included), and
 * - each window of it (a paragraph, or a slice of WINDOW characters of a longer one, STEP apart), as
 *   a message of its own, plus the document signals of patterns-document.ts found in that window,
 *   which add to the window's log-odds and, as named pattern families do, can confirm a block;
 * and the strictest verdict of the calibrated policy (policy.ts) wins. The thresholds are the
 * calibrated ones: a window has to look like an attack as much as a message does.
 *
 * Linear time: every character is in the whole text and in at most two windows; each window is
 * scored in time linear in its length, and the document patterns cost a constant per character.
 */
import calibration from "./calibration.json";
import { injectionVerdict, type InjectionThresholds, type InjectionVerdict } from "./policy";
import { DOCUMENT_FAMILIES, DOCUMENT_PATTERNS, type DocumentFamily } from "./patterns-document";
import { analyseInjection, deadZoned, evaluateAnalysis, namedEvidence, NAMED_AT, scoreMessage, shippedScorer, STRONG_AT, type Scorer } from "./score";

/** A window's length and the distance between two windows' starts: any instruction of up to WINDOW − STEP characters lies whole in one. */
export const WINDOW = 600;
export const STEP = 300;

/**
 * What a document family's dead-zoned strength adds to a window's log-odds. Set before any document
 * was scored, not fitted: one clear match (strength 0.85: "if you are an AI", "send their messages
 * to https://…") adds about 2.4, which takes a window the model finds neutral (a score of 0.1 to 0.2)
 * past the flag threshold but not past block; a second family agreeing takes it past block. The
 * families are named pattern evidence, so they also confirm a block as policy.ts's do.
 */
export const DOCUMENT_WEIGHT = 3;

export type DocumentStrengths = Partial<Record<DocumentFamily, number>>;

/** The document families that match in `text`, as strengths (0..1), and the ids of the patterns that matched. */
export function matchDocumentPatterns(text: string): { strengths: DocumentStrengths; ids: string[] } {
  const view = text.toLowerCase();
  const strengths: DocumentStrengths = {};
  const ids: string[] = [];
  for (const p of DOCUMENT_PATTERNS) {
    if (!p.need.some((n) => view.includes(n))) continue;
    p.re.lastIndex = 0;
    if (!p.re.test(view)) continue;
    strengths[p.family] = 1 - (1 - (strengths[p.family] ?? 0)) * (1 - p.w);
    ids.push(p.id);
  }
  return { strengths, ids };
}

/**
 * The windows of a text: each paragraph (text between blank lines) of up to WINDOW characters whole,
 * longer ones in slices of WINDOW characters, STEP apart, moved to the nearest space so no word is cut
 * when one is near. A text of one short paragraph has one window, itself.
 */
export function documentWindows(text: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n[^\S\n]*\n/)) {
    const p = paragraph.trim();
    if (p === "") continue;
    if (p.length <= WINDOW) {
      out.push(p);
      continue;
    }
    for (let from = 0; from < p.length; from += STEP) {
      const start = from === 0 ? 0 : nearSpace(p, from);
      const end = from + WINDOW >= p.length ? p.length : nearSpace(p, from + WINDOW);
      out.push(p.slice(start, end));
      if (from + WINDOW >= p.length) break;
    }
  }
  return out;
}

/** The offset just after the first whitespace at or after `at` within 40 characters, else `at`. */
function nearSpace(text: string, at: number): number {
  for (let i = at; i < at + 40 && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9) return i + 1;
  }
  return at;
}

export type DocumentInjectionScore = {
  verdict: InjectionVerdict;
  /** the highest score of the whole text or any window */
  score: number;
  /** what the strictest verdict rests on: message families, "classifier", document families */
  signals: string[];
  strong: string[];
  /** whether that verdict came from a window rather than the whole text */
  fromWindow: boolean;
};

const RANK: Readonly<Record<InjectionVerdict, number>> = { allow: 0, flag: 1, block: 2 };
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** One window, as a message plus the document families found in it. */
export function scoreWindow(text: string, { scorer = shippedScorer(), invisibleRemoved = 0 }: { scorer?: Scorer; invisibleRemoved?: number } = {}) {
  const analysis = analyseInjection(text, { invisibleRemoved });
  const evaluated = evaluateAnalysis(analysis, scorer);
  const { signals, strong } = namedEvidence(analysis, evaluated, calibration.modelNamedAt);
  const { strengths } = matchDocumentPatterns(text);
  let logit = evaluated.logit;
  for (const family of DOCUMENT_FAMILIES) {
    const s = strengths[family] ?? 0;
    if (s === 0) continue;
    logit += DOCUMENT_WEIGHT * deadZoned(s);
    if (s >= NAMED_AT) signals.push(family);
    if (s >= STRONG_AT) strong.push(family);
  }
  return { score: sigmoid(logit), signals, strong };
}

/**
 * A window's verdict: the calibrated policy, except that a window is not flagged on the model's word
 * alone. The model was calibrated on whole messages, and a document has many windows, some of them
 * unlike any message (a run of markup, a table): on the development pages (the carrier halves of
 * scripts/lib/tool-output-data.ts) the model alone flagged about one window-bearing page in three of
 * the CommonMark spec. The whole text is still flagged on the model's word, as a message is.
 */
export function windowVerdict(scored: { score: number; signals: string[]; strong: string[] }, thresholds: InjectionThresholds): InjectionVerdict {
  const verdict = injectionVerdict(scored, thresholds);
  if (verdict !== "flag" || scored.strong.length > 0) return verdict;
  return scored.signals.some((s) => s !== "classifier" && s !== "tag_smuggling") ? verdict : "allow";
}

/**
 * Document mode on normalised text `text`, with `hidden` (what Unicode tag characters spelled, from
 * decodeTagSmuggling) and `invisibleRemoved` (how many invisible characters normalisation took out).
 */
export function scoreDocumentInjection({
  text,
  hidden,
  invisibleRemoved,
  thresholds,
  scorer = shippedScorer(),
}: {
  text: string;
  hidden: string;
  invisibleRemoved: number;
  thresholds: InjectionThresholds;
  scorer?: Scorer;
}): DocumentInjectionScore {
  const whole = scoreMessage(text, hidden, { invisibleRemoved, scorer });
  let best: DocumentInjectionScore = {
    verdict: injectionVerdict(whole, thresholds),
    score: whole.score,
    signals: whole.signals,
    strong: whole.strong ?? [],
    fromWindow: false,
  };
  let score = whole.score;
  // The hidden text is read by the model as a document of its own would be (if normalisation were
  // off): its windows are scored with the hiding counted.
  const windows: [string, number][] = [
    ...documentWindows(text).map((w) => [w, 0] as [string, number]),
    ...documentWindows(hidden).map((w) => [w, invisibleRemoved] as [string, number]),
  ];
  for (const [window, invisible] of windows) {
    if (best.verdict === "block") break;
    const scored = scoreWindow(window, { scorer, invisibleRemoved: invisible });
    score = Math.max(score, scored.score);
    const verdict = windowVerdict(scored, thresholds);
    if (RANK[verdict] > RANK[best.verdict]) best = { verdict, score: scored.score, signals: scored.signals, strong: scored.strong, fromWindow: true };
  }
  return { ...best, score: Math.max(score, best.score) };
}
