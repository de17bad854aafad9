/**
 * Secret scanning attacked with planted fake keys, made at run time and never written into the
 * repository: in a repository's files (`npm run scan:secrets`), in what is staged for a commit (the
 * scanner's staged mode and the real husky pre-commit hook, installed by `npm run prepare`), and in the
 * built client bundle (`npm run scan:bundle`). The clean repository and the real build pass, and no
 * report prints a key.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/app-server";
import { fakeAnthropicKey, fakeOpenAIKey, fakeRelayKey } from "../support/fake-keys";

const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const SCANNER = path.join(ROOT, "scripts/scan-secrets.ts");
const SLOW = 180_000;

/** A random key body: base64url, so mixed case like a real one. */
const body = (length: number) => randomBytes(length).toString("base64url").slice(0, length);

// OpenAI keys without the T3BlbkFJ marker, which the recommended preset alone would miss, Anthropic
// keys in their API and admin forms, and this app's own relay keys (`bwk_…`), which no preset knows.
const KEY_SHAPES: { shape: string; make: () => string }[] = [
  { shape: "OpenAI project key without the marker", make: fakeOpenAIKey },
  { shape: "OpenAI service-account key", make: () => ["sk", "svcacct", body(48)].join("-") },
  { shape: "OpenAI admin key", make: () => ["sk", "admin", body(48)].join("-") },
  { shape: "OpenAI legacy key (plain sk-)", make: () => ["sk", body(48)].join("-") },
  { shape: "Anthropic API key", make: fakeAnthropicKey },
  { shape: "Anthropic admin key", make: () => ["sk", "ant", "admin01", `${body(93)}AA`].join("-") },
  { shape: "Bulwark relay key", make: fakeRelayKey },
];

// Git and husky must not pick up the caller's repository, index or hook settings.
function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("GIT_") || name === "HUSKY") delete env[name];
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Scan Test",
    GIT_AUTHOR_EMAIL: "scan-test@example.invalid",
    GIT_COMMITTER_NAME: "Scan Test",
    GIT_COMMITTER_EMAIL: "scan-test@example.invalid",
  };
}
const ENV = isolatedEnv();

type Run = { code: number | null; output: string };

function run({ command, args, cwd }: { command: string; args: string[]; cwd: string }): Run {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, { cwd, env: ENV, encoding: "utf8", timeout: 150_000 });
  if (result.error) throw result.error;
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const scanner = ({ cwd, args }: { cwd: string; args: string[] }) => run({ command: TSX, args: [SCANNER, ...args], cwd });

function git({ cwd, args }: { cwd: string; args: string[] }): string {
  const result = run({ command: "git", args: ["-c", "commit.gpgsign=false", ...args], cwd });
  if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.output}`);
  return result.output.trim();
}

function expectMasked({ output, key }: { output: string; key: string }) {
  expect(output).not.toContain(key);
  expect(output).not.toContain(key.slice(-12));
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `bulwark-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** A fresh repository with this one's scanner configuration and .gitignore. */
function tempRepo(): string {
  const dir = tempDir("scan");
  git({ cwd: dir, args: ["init", "-q", "-b", "main"] });
  for (const file of [".secretlintrc.json", ".secretlintignore", ".gitignore"]) copyFileSync(path.join(ROOT, file), path.join(dir, file));
  return dir;
}

function plant({ dir, file, key }: { dir: string; file: string; key: string }) {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), `// provider settings\nexport const apiKey = "${key}";\n`);
}

describe("npm run scan:secrets (the repository)", () => {
  it("passes this repository's clean tree", () => {
    const { code, output } = run({ command: "npm", args: ["run", "-s", "scan:secrets"], cwd: ROOT });
    expect(code, output).toBe(0);
    const scanned = Number(/no secrets found in (\d+) files/.exec(output)?.[1]);
    expect(scanned).toBeGreaterThan(100);
  });

  it.each(KEY_SHAPES)("catches a planted $shape in a tracked file, without printing it", ({ make }) => {
    const dir = tempRepo();
    const key = make();
    if (key.startsWith("sk-") && !key.startsWith("sk-ant-")) expect(key).not.toContain("T3BlbkFJ");
    plant({ dir, file: "lib/provider.ts", key });
    git({ cwd: dir, args: ["add", "-A"] });
    const { code, output } = scanner({ cwd: dir, args: ["repo"] });
    expect(code, output).toBe(1);
    expect(output).toContain("lib/provider.ts:2:");
    expectMasked({ output, key });
  });

  it("scans untracked files too, but not what git ignores (.env is where keys belong)", () => {
    const dir = tempRepo();
    const key = fakeOpenAIKey();
    writeFileSync(path.join(dir, ".env.local"), `OPENAI_API_KEY=${key}\n`);
    writeFileSync(path.join(dir, "notes.md"), "Keys go in .env.local, never here. A slug like sk-2024-annual-report-final-v2 is fine.\n");
    expect(scanner({ cwd: dir, args: ["repo"] }).code).toBe(0);

    plant({ dir, file: "scratch.ts", key });
    const { code, output } = scanner({ cwd: dir, args: ["repo"] });
    expect(code, output).toBe(1);
    expect(output).toContain("scratch.ts:2:");
    expect(output).not.toContain(".env.local");
    expectMasked({ output, key });
  });
});

describe("scan:staged and the pre-commit hook", () => {
  it("reads what is staged, not the work tree", () => {
    const dir = tempRepo();
    writeFileSync(path.join(dir, "README.md"), "# clean\n");
    git({ cwd: dir, args: ["add", "-A"] });
    expect(scanner({ cwd: dir, args: ["staged"] })).toMatchObject({ code: 0 });

    const key = fakeAnthropicKey();
    plant({ dir, file: "lib/provider.ts", key });
    git({ cwd: dir, args: ["add", "lib/provider.ts"] });
    const staged = scanner({ cwd: dir, args: ["staged"] });
    expect(staged.code, staged.output).toBe(1);
    expect(staged.output).toContain("lib/provider.ts:2:");
    expectMasked({ output: staged.output, key });

    // Cleaning the work tree after `git add` does not clean the commit.
    writeFileSync(path.join(dir, "lib/provider.ts"), "export const apiKey = process.env.ANTHROPIC_API_KEY;\n");
    const afterEdit = scanner({ cwd: dir, args: ["staged"] });
    expect(afterEdit.code, afterEdit.output).toBe(1);
    rmSync(path.join(dir, "lib/provider.ts"));
    expect(scanner({ cwd: dir, args: ["staged"] }).code).toBe(1);
  });

  it.each(KEY_SHAPES)("catches a staged $shape, without printing it", ({ make }) => {
    const dir = tempRepo();
    writeFileSync(path.join(dir, "README.md"), "# clean\n");
    git({ cwd: dir, args: ["add", "-A"] });
    const key = make();
    plant({ dir, file: "scripts/client.ts", key });
    git({ cwd: dir, args: ["add", "scripts/client.ts"] });
    const { code, output } = scanner({ cwd: dir, args: ["staged"] });
    expect(code, output).toBe(1);
    expect(output).toContain("scripts/client.ts:2:");
    expect(output).not.toContain("README.md");
    expectMasked({ output, key });
  });

  it(
    "blocks a commit of a staged key through the hook `npm run prepare` installs, and lets a clean one through",
    () => {
      // A fork of this repository in miniature: its package scripts, scanner, configuration and hook.
      const dir = tempRepo();
      const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
      const scripts = { prepare: pkg.scripts.prepare, "scan:staged": pkg.scripts["scan:staged"] };
      writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "fork", private: true, scripts }, null, 2));
      for (const file of ["scripts/scan-secrets.ts", ".husky/pre-commit", "biome.jsonc"]) {
        mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        copyFileSync(path.join(ROOT, file), path.join(dir, file));
      }
      symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");

      const prepare = run({ command: "npm", args: ["run", "prepare"], cwd: dir });
      expect(prepare.code, prepare.output).toBe(0);
      expect(git({ cwd: dir, args: ["config", "core.hooksPath"] })).toBe(".husky/_");

      git({ cwd: dir, args: ["add", "-A"] });
      const clean = run({ command: "git", args: ["commit", "-q", "-m", "clean"], cwd: dir });
      expect(clean.code, clean.output).toBe(0);
      expect(clean.output).toContain("no secrets found in");
      const head = git({ cwd: dir, args: ["rev-parse", "HEAD"] });

      const key = fakeOpenAIKey();
      plant({ dir, file: "lib/provider.ts", key });
      git({ cwd: dir, args: ["add", "lib/provider.ts"] });
      const blocked = run({ command: "git", args: ["commit", "-q", "-m", "add key"], cwd: dir });
      expect(blocked.code, blocked.output).not.toBe(0);
      expect(blocked.output).toContain("lib/provider.ts:2:");
      expectMasked({ output: blocked.output, key });
      expect(git({ cwd: dir, args: ["rev-parse", "HEAD"] })).toBe(head);

      // Still staged after the work tree was cleaned: still blocked.
      writeFileSync(path.join(dir, "lib/provider.ts"), "export const apiKey = process.env.OPENAI_API_KEY;\n");
      const stillStaged = run({ command: "git", args: ["commit", "-q", "-m", "add key"], cwd: dir });
      expect(stillStaged.code, stillStaged.output).not.toBe(0);
      expect(git({ cwd: dir, args: ["rev-parse", "HEAD"] })).toBe(head);

      git({ cwd: dir, args: ["add", "lib/provider.ts"] });
      const fixed = run({ command: "git", args: ["commit", "-q", "-m", "read the key from the environment"], cwd: dir });
      expect(fixed.code, fixed.output).toBe(0);
      expect(git({ cwd: dir, args: ["rev-parse", "HEAD"] })).not.toBe(head);

      // The hook's second step: Biome refuses a staged file that is not formatted.
      const before = git({ cwd: dir, args: ["rev-parse", "HEAD"] });
      writeFileSync(path.join(dir, "lib/untidy.ts"), "export const   answer=42\n");
      git({ cwd: dir, args: ["add", "lib/untidy.ts"] });
      const untidy = run({ command: "git", args: ["commit", "-q", "-m", "untidy"], cwd: dir });
      expect(untidy.code, untidy.output).not.toBe(0);
      expect(untidy.output).toContain("lib/untidy.ts");
      expect(git({ cwd: dir, args: ["rev-parse", "HEAD"] })).toBe(before);
    },
    SLOW,
  );
});

describe("npm run scan:bundle (the built client bundle)", () => {
  const staticDir = path.join(ROOT, ".next/static");

  it("passes the bundle of this build", () => {
    const { code, output } = run({ command: "npm", args: ["run", "-s", "scan:bundle"], cwd: ROOT });
    expect(code, `${output}\n(npm test runs next build before the integration tests)`).toBe(0);
    expect(output).toMatch(/no secrets found in \d+ files of the built bundle/);
  });

  it("catches keys planted in JavaScript chunks and one in a prerendered page", () => {
    const build = tempDir("bundle");
    cpSync(staticDir, path.join(build, "static"), { recursive: true });
    const chunks = path.join(build, "static/chunks");
    const [chunk, otherChunk] = readdirSync(chunks).filter((name) => name.endsWith(".js"));
    if (!chunk || !otherChunk) throw new Error(`fewer than two JavaScript chunks in ${staticDir}`);
    const openaiKey = fakeOpenAIKey();
    appendFileSync(path.join(chunks, chunk), `\n;self.__config={apiKey:${JSON.stringify(openaiKey)}};\n`);
    // This app's own relay key, hard-coded into a front end that calls the relay.
    const relayKey = fakeRelayKey();
    appendFileSync(path.join(chunks, otherChunk), `\n;fetch("/api/v1/models",{headers:{Authorization:"Bearer ${relayKey}"}});\n`);
    const anthropicKey = fakeAnthropicKey();
    mkdirSync(path.join(build, "server/app"), { recursive: true });
    writeFileSync(path.join(build, "server/app/planted.html"), `<!DOCTYPE html><html><body><script>self.__k="${anthropicKey}"</script></body></html>`);

    const { code, output } = scanner({ cwd: ROOT, args: ["bundle", path.join(build, "static")] });
    expect(code, output).toBe(1);
    expect(output).toContain(`chunks/${chunk}:`);
    expect(output).toContain(`chunks/${otherChunk}:`);
    expect(output).toContain("server/app/planted.html");
    expectMasked({ output, key: openaiKey });
    expectMasked({ output, key: relayKey });
    expectMasked({ output, key: anthropicKey });
  });
});
