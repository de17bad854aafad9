/**
 * The PII section of `npm run eval:guards` alone, in about two seconds: `npx tsx scripts/eval-pii.ts
 * [--data PATH]`. Recall per type on Presidio's sentences and on our dev set, precision, the share
 * of number-heavy benign text left unchanged, latency. Data: --data, else BULWARK_DATA_DIR, else
 * ../shared/data beside the repository (only pii/ is read).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadNumberHeavyBenign, loadPresidio } from "./lib/eval-data";
import { tableText, targetsTable } from "./lib/eval-format";
import { evaluatePii } from "./lib/eval-pii";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

const { values } = parseArgs({ args: process.argv.slice(2), strict: true, options: { data: { type: "string" } } });
const fromEnv = process.env.BULWARK_DATA_DIR?.trim();
const dataDir = values.data !== undefined ? path.resolve(values.data) : fromEnv ? path.resolve(fromEnv) : path.resolve(REPO_ROOT, "../shared/data");

const { tables, targets } = evaluatePii({ presidio: loadPresidio(dataDir), benign: loadNumberHeavyBenign(dataDir) });
for (const table of [targetsTable(targets), ...tables]) console.log(`${tableText(table)}\n`);
process.exitCode = targets.every((target) => target.met || target.check === true) ? 0 : 1;
