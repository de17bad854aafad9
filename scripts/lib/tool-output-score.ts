/**
 * How `npm run eval:tool-output` scores a document: through guardToolOutput itself, with the shipped
 * thresholds and block mode (what a deployment runs), and through a windowed prototype that is not in
 * lib/ and exists only to be measured beside it.
 */
import { DEFAULT_INPUT_GUARDS, type InputGuardConfig } from "../../lib/guard/input";
import { injectionVerdict, type InjectionVerdict } from "../../lib/guard/injection/policy";
import { scoreMessage } from "../../lib/guard/injection/score";
import { normalizeInput } from "../../lib/guard/normalize";
import { PlaceholderMap } from "../../lib/guard/pii";
import { guardToolOutput } from "../../lib/guard/tool-output";

export type Verdict = InjectionVerdict;

/** The defaults, with PII off: redaction runs after the injection check and cannot change its verdict. */
export const CONFIG: InputGuardConfig = { ...DEFAULT_INPUT_GUARDS, pii: "off" };

/** block: withheld; flag: audited and passed to the model; allow: passed. */
export function shippedVerdict(text: string): Verdict {
  const result = guardToolOutput({ text, config: CONFIG, placeholders: new PlaceholderMap() });
  if (result.withheld) return "block";
  return result.findings.some((f) => f.stage === "injection") ? "flag" : "allow";
}

/**
 * The prototype: the whole document as today, and also each window of `chars` characters, `step`
 * apart, of its normalised text, each scored as a message of its own; the strictest verdict wins.
 * Fixed before any measurement: a window about as long as the longer messages the thresholds were
 * chosen on (the training corpus's 90th percentile is about 1,900 characters), and an overlap of 500
 * so that any attack of up to 500 characters lies whole inside one window.
 */
export const WINDOWED = { chars: 1_500, step: 1_000 } as const;

const RANK: Readonly<Record<Verdict, number>> = { allow: 0, flag: 1, block: 2 };
const THRESHOLDS = { flag: CONFIG.injectionFlagAt, block: CONFIG.injectionBlockAt, blockAlone: CONFIG.injectionBlockAloneAt };

export function windowedVerdict(text: string, whole: Verdict): Verdict {
  if (whole === "block") return whole;
  const clean = normalizeInput(text).text;
  if (clean.length <= WINDOWED.chars) return whole;
  let verdict: Verdict = whole;
  for (let from = 0; from < clean.length; from += WINDOWED.step) {
    const v = injectionVerdict(scoreMessage(clean.slice(from, from + WINDOWED.chars), ""), THRESHOLDS);
    if (RANK[v] > RANK[verdict]) verdict = v;
    if (verdict === "block" || from + WINDOWED.chars >= clean.length) break;
  }
  return verdict;
}

/**
 * A second prototype, exploratory: added after the first run showed that an attack inside a page of any
 * length is withheld less often than the same attack alone. The whole document as today, and also each
 * paragraph (text between blank lines) of its normalised text scored alone; the strictest verdict wins.
 * The injected pages of this evaluation put each attack in a paragraph of its own, which suits this
 * check: the same attacks written inside a paragraph are measured too.
 */
export function paragraphVerdict(text: string, whole: Verdict): Verdict {
  if (whole === "block") return whole;
  const paragraphs = normalizeInput(text)
    .text.split(/\n[^\S\n]*\n/)
    .filter((p) => p.trim() !== "");
  if (paragraphs.length < 2) return whole;
  let verdict: Verdict = whole;
  for (const paragraph of paragraphs) {
    const v = injectionVerdict(scoreMessage(paragraph, ""), THRESHOLDS);
    if (RANK[v] > RANK[verdict]) verdict = v;
    if (verdict === "block") break;
  }
  return verdict;
}

export type Scored = { shipped: Verdict; windowed: Verdict; paragraphs: Verdict; ms: number };

export function scoreDocument(text: string): Scored {
  const started = performance.now();
  const shipped = shippedVerdict(text);
  const ms = performance.now() - started;
  return { shipped, windowed: windowedVerdict(text, shipped), paragraphs: paragraphVerdict(text, shipped), ms };
}

/** Wilson score interval at 95 % for k of n. */
export function wilson({ hits, total }: { hits: number; total: number }): [number, number] {
  if (total === 0) return [Number.NaN, Number.NaN];
  const z = 1.959964;
  const p = hits / total;
  const denominator = 1 + (z * z) / total;
  const centre = (p + (z * z) / (2 * total)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** "0.120 (12/100; 0.070–0.198)", or "–" with nothing to count. */
export function rateWithInterval({ hits, total }: { hits: number; total: number }): string {
  if (total === 0) return "–";
  const [low, high] = wilson({ hits, total });
  return `${(hits / total).toFixed(3)} (${hits}/${total}; ${low.toFixed(3)}–${high.toFixed(3)})`;
}
