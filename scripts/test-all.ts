/**
 * `npm test`: every suite, in order: lint and format check (Biome, biome.jsonc), a secret scan of the repository, the supply-chain checks
 * (scripts/supply-chain.ts: lockfile, install scripts, SBOM, audit, signatures), unit tests, a production build
 * made with fake provider keys present and a secret scan of its client bundle, integration tests
 * against `next start`, and Playwright end-to-end tests in Chromium. A scan that finds anything fails
 * the run like a failing test.
 * The fake keys are made here, once, so the leak checks look for exactly what the build saw.
 * Ends with one summary line (`Summary: N passed, N failed, N skipped`); a skipped test fails the
 * run, because a suite that silently skips proves nothing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fakeAnthropicKey, fakeOpenAIKey, fakeSecret } from "../tests/support/fake-keys";
import { findBrowser } from "../tests/support/browser";
import { RELAY_KEY_PATTERN } from "../lib/api-keys/key-format";

const ROOT = path.resolve(__dirname, "..");
const RUN_DIR = path.join(ROOT, ".test-run");
const only = process.argv.slice(2);
const want = (step: string) => only.length === 0 || only.includes(step);

type Counts = { passed: number; failed: number; skipped: number };
const total: Counts = { passed: 0, failed: 0, skipped: 0 };

const secrets = { openai: fakeOpenAIKey(), anthropic: fakeAnthropicKey(), nextauth: fakeSecret(), relay: fakeSecret() };
const testEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  BULWARK_TEST_OPENAI_KEY: secrets.openai,
  BULWARK_TEST_ANTHROPIC_KEY: secrets.anthropic,
  BULWARK_TEST_NEXTAUTH_SECRET: secrets.nextauth,
  BULWARK_TEST_RELAY_KEY_SECRET: secrets.relay,
};

function run(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = testEnv): boolean {
  console.log(`\n━━ ${title} ━━  ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit" });
  if (result.status !== 0) console.error(`✗ ${title} failed (exit ${result.status ?? result.signal})`);
  return result.status === 0;
}

function addVitest(file: string): void {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  total.passed += report.numPassedTests;
  total.failed += report.numFailedTests;
  total.skipped += report.numPendingTests + report.numTodoTests;
}

function addPlaywright(file: string): void {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  total.passed += report.stats.expected + report.stats.flaky;
  total.failed += report.stats.unexpected;
  total.skipped += report.stats.skipped;
}

rmSync(RUN_DIR, { recursive: true, force: true });
mkdirSync(RUN_DIR, { recursive: true });
let ok = true;
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

if (want("lint")) {
  ok = run("lint and format check (Biome)", npx, ["biome", "ci", "--error-on-warnings", "."]) && ok;
}

if (want("secrets")) {
  ok = run("secret scan (repository)", npx, ["tsx", "scripts/scan-secrets.ts", "repo"]) && ok;
}

if (want("supply-chain")) {
  ok = run("supply chain", npx, ["tsx", "scripts/supply-chain.ts"]) && ok;
}

if (want("unit")) {
  ok = run("unit tests", npx, ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${RUN_DIR}/unit.json`]) && ok;
  addVitest(`${RUN_DIR}/unit.json`);
}

if (ok && (want("integration") || want("e2e"))) {
  // The fake keys are present at build time on purpose: tests/integration/key-leak.test.ts proves
  // they end up nowhere in what the build ships to browsers.
  const buildEnv = { ...testEnv, OPENAI_API_KEY: secrets.openai, ANTHROPIC_API_KEY: secrets.anthropic, NEXTAUTH_SECRET: secrets.nextauth };
  ok = run("production build", npx, ["next", "build"], buildEnv) && ok;
  // Built with the fake keys present, so this also proves no provider key reached the client bundle.
  if (ok) ok = run("secret scan (client bundle)", npx, ["tsx", "scripts/scan-secrets.ts", "bundle", ".next/static"]) && ok;
}

if (ok && want("integration")) {
  ok =
    run("integration tests", npx, [
      "vitest",
      "run",
      "-c",
      "vitest.integration.config.mts",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${RUN_DIR}/integration.json`,
    ]) && ok;
  addVitest(`${RUN_DIR}/integration.json`);
}

if (ok && want("e2e")) {
  const browser = findBrowser();
  if (!browser.found) {
    console.error(`\n✗ No Chromium for the end-to-end tests. ${browser.hint}`);
    ok = false;
  } else {
    ok = run("end-to-end tests (Playwright, Chromium)", npx, ["playwright", "test"], { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: `${RUN_DIR}/e2e.json` }) && ok;
    addPlaywright(`${RUN_DIR}/e2e.json`);
  }
}

// Every app server of the run logged to .test-run/logs: no relay key may appear there in plain form,
// whichever test made it (the store is scanned by tests/integration/relay.test.ts).
if (want("integration") || want("e2e")) {
  const logDir = path.join(RUN_DIR, "logs");
  const files = existsSync(logDir) ? readdirSync(logDir).filter((f) => f.endsWith(".log")) : [];
  const leaking = files.filter((f) => new RegExp(RELAY_KEY_PATTERN.source).test(readFileSync(path.join(logDir, f), "utf8")));
  console.log(`\n━━ relay keys in the logs ━━  ${files.length} log files`);
  if (leaking.length > 0) {
    console.error(`✗ a relay key appears in plain form in ${leaking.join(", ")}`);
    ok = false;
  } else {
    console.log(files.length > 0 ? "none found" : "no logs to scan");
  }
}

if (total.skipped > 0) {
  console.error(`\n✗ ${total.skipped} test(s) were skipped; every test must run.`);
  ok = false;
}
console.log(`\nSummary: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
