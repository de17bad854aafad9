/**
 * Trains the injection scorer: `npm run train:injection` (data from ../shared/data, or
 * BULWARK_DATA_DIR, and this project's own sources in scripts/train-data/injection). Writes
 * lib/guard/injection/model-weights.json and calibration.json and prints what the held-out
 * predictions say. Deterministic (fixed seeds): the same data give byte-identical files. A few minutes.
 *
 * 1. Every row is prepared as the chat route scores it (normalised, hidden tag text appended,
 *    de-obfuscated views, decoded payloads).
 * 2. Only MIT and Apache-2.0 rows are learned from (see lib/guard/injection/NOTICE and the data
 *    README's licence rule); the test suites in tests/unit/fixtures never are.
 * 3. Leave-one-source-out: for each group of sources, a model trained without it scores it. On these
 *    held-out predictions the stack is fitted (how much the model and each pattern family are worth,
 *    calibrated to a probability at PRIOR) and the thresholds are chosen, so no number is tuned on
 *    the rows it was learned from.
 * 4. The shipped model is trained on every learnable row and packed (the KEEP_WEIGHTS largest
 *    weights, one signed byte each).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defaultDataDir, isTrainable, loadCorpus } from "./lib/injection-corpus";
import { fitStackWithout, PRIOR, scorerOf, scoreWith, stackPoints, trainFolds, trainPacked, verdictOf, type RowScore } from "./lib/injection-loso";
import { prepareRow, type Prepared } from "./lib/injection-train";
import { noticeText } from "./lib/injection-notice";
import { chooseThresholds, macroRate } from "./lib/injection-thresholds";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT_DIR = path.join(REPO_ROOT, "lib/guard/injection");
const progress = (message: string) => process.stderr.write(`train:injection: ${message}\n`);

function main(): void {
  // --dump FILE: every learnable row's held-out score and signals as JSON Lines (text cut to 200
  // characters), to read what the thresholds were chosen on.
  const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { dump: { type: "string" } } });
  const dataDir = defaultDataDir(REPO_ROOT);
  progress(`reading ${dataDir} and scripts/train-data/injection`);
  const corpus = loadCorpus({ dataDir, repoRoot: REPO_ROOT }).filter(isTrainable);
  progress(`preparing ${corpus.length} learnable rows as the route scores them`);
  const prepared = corpus.map(prepareRow);

  const folds = trainFolds({ prepared, onProgress: progress });
  const points = stackPoints({ prepared, folds });
  const cal = fitStackWithout({ points, group: null });

  // Held-out scores of every learnable row: its fold model with the stack fitted on all held-out points.
  const modelLogits = points.filter((p) => !p.attack).map((p) => ({ group: p.group, value: p.model }));
  const modelNamedAt = namedAt(modelLogits);
  const scored: { p: Prepared; s: RowScore }[] = prepared.map((p) => ({
    p,
    s: scoreWith(p, scorerOf(folds.get(p.row.group) as NonNullable<ReturnType<typeof folds.get>>, cal), modelNamedAt),
  }));
  const thresholds = chooseThresholds(scored.filter((x) => !x.p.row.attack).map((x) => ({ group: x.p.row.group, score: x.s })));
  if (values.dump) {
    writeFileSync(
      values.dump,
      scored
        .map(({ p, s }) =>
          JSON.stringify({
            group: p.row.group,
            attack: p.row.attack,
            kind: p.row.kind,
            score: Number(s.score.toFixed(4)),
            signals: s.signals,
            text: p.row.text.slice(0, 200),
          }),
        )
        .join("\n") + "\n",
    );
  }

  progress("training the shipped model on every learnable row");
  const { file } = trainPacked(prepared);
  const calibration = { prior: PRIOR, ...cal, modelNamedAt, thresholds };
  writeFileSync(path.join(OUT_DIR, "model-weights.json"), JSON.stringify(file) + "\n");
  writeFileSync(path.join(OUT_DIR, "calibration.json"), JSON.stringify(calibration, null, 2) + "\n");
  writeFileSync(path.join(OUT_DIR, "NOTICE"), noticeText({ learned: corpus, dataDir }));

  console.log(`learned from ${prepared.length} rows in ${folds.size} groups; kept ${file.count} weights`);
  console.log(`calibration ${JSON.stringify(calibration)}`);
  console.log("\nheld-out (leave-one-group-out) verdicts per group:");
  console.log(
    `${"group".padEnd(34)} ${"attacks".padStart(7)} ${"flag".padStart(6)} ${"block".padStart(6)} ${"benign".padStart(7)} ${"flag".padStart(6)} ${"block".padStart(6)}`,
  );
  for (const group of [...folds.keys()]) {
    const rows = scored.filter((x) => x.p.row.group === group);
    const rate = (xs: typeof rows, verdicts: string[]) =>
      xs.length ? (xs.filter((x) => verdicts.includes(verdictOf(x.s, thresholds))).length / xs.length).toFixed(3) : "  -  ";
    const a = rows.filter((x) => x.p.row.attack);
    const b = rows.filter((x) => !x.p.row.attack);
    console.log(
      `${group.padEnd(34)} ${String(a.length).padStart(7)} ${rate(a, ["flag", "block"]).padStart(6)} ${rate(a, ["block"]).padStart(6)} ${String(b.length).padStart(7)} ${rate(b, ["flag", "block"]).padStart(6)} ${rate(b, ["block"]).padStart(6)}`,
    );
  }
  const benign = scored.filter((x) => !x.p.row.attack).map((x) => ({ group: x.p.row.group, score: x.s }));
  console.log(
    `\nmacro benign rate, held out: flagged or blocked ${macroRate(benign, (s) => verdictOf(s, thresholds) !== "allow").toFixed(4)}, blocked ${macroRate(benign, (s) => verdictOf(s, thresholds) === "block").toFixed(4)}`,
  );
}

/** The model logit above which "classifier" is named: what 2% of held-out ordinary rows (per group) exceed. */
function namedAt(logits: { group: string; value: number }[]): number {
  for (let t = 0; t < 10; t += 0.1) {
    if (macroRate(logits, (v) => v > t) <= 0.02) return Number(t.toFixed(1));
  }
  return 10;
}

main();
