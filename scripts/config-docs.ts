/**
 * `npm run config:docs`: writes .env.example and the README's configuration table from the
 * declarations in lib/config/variables.ts (scripts/lib/config-docs.ts). With `--check` it writes
 * nothing and fails when either file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderEnvExample, withReadmeTable } from "./lib/config-docs";

const ROOT = path.resolve(__dirname, "..");
const check = process.argv.includes("--check");
const targets = [
  { file: ".env.example", render: () => renderEnvExample() },
  { file: "README.md", render: (current: string) => withReadmeTable(current) },
];

let stale = 0;
for (const { file, render } of targets) {
  const full = path.join(ROOT, file);
  const current = readFileSync(full, "utf8");
  const wanted = render(current);
  if (current === wanted) {
    console.log(`${file}: up to date`);
  } else if (check) {
    stale++;
    console.error(`${file}: out of date with lib/config/variables.ts; run \`npm run config:docs\``);
  } else {
    writeFileSync(full, wanted);
    console.log(`${file}: written`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
