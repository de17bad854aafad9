/**
 * Secret scanning with secretlint. The rules are in .secretlintrc.json (the recommended preset, plus
 * patterns for OpenAI and Anthropic keys of every shape), the exclusions in .secretlintignore.
 *
 *   npm run scan:secrets          the repository: tracked files and the untracked ones git does not ignore
 *   npm run -s scan:staged        what is staged, read from the index, so a file edited after `git add`
 *                                 is checked as it will be committed (the pre-commit hook runs this)
 *   npm run -s scan:bundle [dir]  the built client bundle (default .next/static) and the prerendered
 *                                 HTML in the build's server/app beside it
 *
 * Exit 0 with one line when nothing is found; 1 with file:line:column, the rule and the masked match
 * of each finding (secretlint masks them, so a report never prints a secret); 2 when the scan cannot run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createEngine } from "@secretlint/node";
import ignore, { type Ignore } from "ignore";

const CONFIG_FILE = ".secretlintrc.json";
const IGNORE_FILE = ".secretlintignore";
const PATTERN_RULE = "@secretlint/secretlint-rule-pattern";
const MAX_BLOB_BYTES = 64 * 1024 * 1024;

type Target = { name: string; content: Buffer };
type Finding = { name: string; line: number; column: number; rule: string; message: string };
type LintMessage = { ruleId: string; message: string; range: [number, number]; loc: { start: { line: number; column: number } } };
type LintResult = { messages: LintMessage[] };
type PatternConfig = { rules: { id: string; options?: { patterns?: { name: string; patterns?: string[] }[] } }[] };

class ScanError extends Error {}

function git({ cwd, args }: { cwd: string; args: string[] }): Buffer {
  return execFileSync("git", args, { cwd, maxBuffer: MAX_BLOB_BYTES, stdio: ["ignore", "pipe", "pipe"] });
}

function gitRoot(cwd: string): string | null {
  try {
    return git({ cwd, args: ["rev-parse", "--show-toplevel"] })
      .toString("utf8")
      .trim();
  } catch {
    return null;
  }
}

const splitZ = (out: Buffer) => out.toString("utf8").split("\0").filter(Boolean);

function ignoreRules({ root, withGitignore }: { root: string; withGitignore: boolean }): Ignore {
  const files = withGitignore ? [IGNORE_FILE, ".gitignore"] : [IGNORE_FILE];
  const rules = ignore().add([".git/"]);
  for (const file of files) if (existsSync(path.join(root, file))) rules.add(readFileSync(path.join(root, file), "utf8"));
  return rules;
}

/** Files under `dir`, relative to it, skipping ignored directories without descending into them. */
function walk({ dir, rules }: { dir: string; rules?: Ignore }): string[] {
  const found: string[] = [];
  const visit = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!rules?.ignores(`${child}/`)) visit(child);
      } else if (entry.isFile() && !rules?.ignores(child)) {
        found.push(child);
      }
    }
  };
  visit("");
  return found;
}

function repoTargets(root: string): Target[] {
  const inGit = gitRoot(root) !== null;
  const rules = ignoreRules({ root, withGitignore: !inGit });
  const listed = inGit ? splitZ(git({ cwd: root, args: ["ls-files", "-z", "-co", "--exclude-standard"] })) : walk({ dir: root, rules });
  return (
    [...new Set(listed)]
      .filter((name) => !rules.ignores(name))
      // A tracked file deleted from the work tree, a submodule or a symlink has nothing of its own to scan.
      .filter((name) => lstatSync(path.join(root, name), { throwIfNoEntry: false })?.isFile() === true)
      .map((name) => ({ name, content: readFileSync(path.join(root, name)) }))
  );
}

function stagedTargets(root: string): Target[] {
  const rules = ignoreRules({ root, withGitignore: false });
  const names = splitZ(git({ cwd: root, args: ["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"] })).filter((n) => !rules.ignores(n));
  if (names.length === 0) return [];
  // The index as "<mode> <object> <stage>\t<path>": blobs are read by object id, so no path is ever
  // parsed as a pathspec or a revision; a submodule (mode 160000) has no blob to read.
  const index = new Map<string, { mode: string; object: string }>();
  for (const entry of splitZ(git({ cwd: root, args: ["ls-files", "-s", "-z"] }))) {
    const tab = entry.indexOf("\t");
    const [mode = "", object = ""] = entry.slice(0, tab).split(" ");
    index.set(entry.slice(tab + 1), { mode, object });
  }
  return names.flatMap((name) => {
    const staged = index.get(name);
    if (!staged || staged.mode === "160000") return [];
    return [{ name, content: git({ cwd: root, args: ["cat-file", "blob", staged.object] }) }];
  });
}

function bundleTargets({ cwd, dir }: { cwd: string; dir: string }): Target[] {
  const staticDir = path.resolve(cwd, dir);
  if (!existsSync(staticDir)) throw new ScanError(`${dir} does not exist: build first (npx next build).`);
  const serverApp = path.join(staticDir, "..", "server", "app");
  const files = walk({ dir: staticDir }).map((rel) => path.join(staticDir, rel));
  if (existsSync(serverApp))
    files.push(
      ...walk({ dir: serverApp })
        .filter((rel) => rel.endsWith(".html"))
        .map((rel) => path.join(serverApp, rel)),
    );
  if (files.length === 0) throw new ScanError(`${dir} holds no files: build first (npx next build).`);
  return files.map((file) => ({ name: path.relative(cwd, file), content: readFileSync(file) }));
}

/** secretlint masks a pattern's name along with the match; the name is recovered from the config. */
function patternNamer(configPath: string): (match: string) => string | undefined {
  const config = JSON.parse(readFileSync(configPath, "utf8")) as PatternConfig;
  const named = (config.rules.find((rule) => rule.id === PATTERN_RULE)?.options?.patterns ?? []).flatMap(({ name, patterns = [] }) =>
    patterns.map((source) => {
      const [, body = source, flags = ""] = /^\/(.*)\/([a-z]*)$/s.exec(source) ?? [];
      return { name, whole: new RegExp(`^(?:${body})$`, `${flags.replace(/[gy]/g, "")}u`) };
    }),
  );
  return (match) => named.find(({ whole }) => whole.test(match))?.name;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

const maskRuns = (text: string) => text.replace(/\*{4,}/g, (stars) => `*** (${stars.length} characters)`);

/** Git's own test: a NUL byte in the first 8000 bytes means binary, and secretlint's rules read text. */
const isBinary = (content: Buffer) => content.subarray(0, 8000).includes(0);

async function scan({ root, targets }: { root: string; targets: Target[] }): Promise<Finding[]> {
  const configFilePath = path.join(root, CONFIG_FILE);
  if (!existsSync(configFilePath)) throw new ScanError(`${configFilePath} not found.`);
  const engine = await createEngine({ cwd: root, configFilePath, formatter: "json", color: false, maskSecrets: true });
  const namePattern = patternNamer(configFilePath);
  const findings: Finding[] = [];
  for (const { name, content } of targets) {
    if (isBinary(content)) continue;
    const text = content.toString("utf8");
    const { output } = await engine.executeOnContent({ content: text, filePath: path.join(root, name) });
    const seen = new Set<string>();
    for (const result of JSON.parse(output) as LintResult[]) {
      for (const { ruleId, message, range, loc } of result.messages) {
        // The preset and our own pattern can both report one key; once is enough.
        if (seen.has(`${range[0]}:${range[1]}`)) continue;
        seen.add(`${range[0]}:${range[1]}`);
        const match = text.slice(range[0], range[1]);
        const pattern = ruleId === PATTERN_RULE ? namePattern(match) : undefined;
        findings.push({
          name,
          line: loc.start.line,
          column: loc.start.column + 1,
          rule: ruleId.replace(/^@secretlint\/secretlint-rule-/, ""),
          message: pattern ? `found ${pattern}: ${maskRuns("*".repeat(match.length))}` : maskRuns(message),
        });
      }
    }
  }
  return findings;
}

function collect({ mode, cwd, top, dir }: { mode: string; cwd: string; top: string | null; dir: string }): { targets: Target[]; what: (n: number) => string } {
  switch (mode) {
    case "repo":
      return { targets: repoTargets(top ?? cwd), what: (n) => plural(n, "file") };
    case "staged":
      if (top === null) throw new ScanError("not in a git repository: nothing is staged.");
      return { targets: stagedTargets(top), what: (n) => plural(n, "staged file") };
    case "bundle":
      return { targets: bundleTargets({ cwd, dir }), what: (n) => `${plural(n, "file")} of the built bundle (${dir})` };
    default:
      throw new ScanError(`unknown mode ${JSON.stringify(mode)}; use repo, staged or bundle.`);
  }
}

async function main(): Promise<number> {
  const [mode = "repo", ...args] = process.argv.slice(2);
  if (args.length > (mode === "bundle" ? 1 : 0)) throw new ScanError("usage: scan-secrets.ts [repo | staged | bundle [dir]]");
  const cwd = process.cwd();
  const top = gitRoot(cwd);
  const { targets, what } = collect({ mode, cwd, top, dir: args[0] ?? ".next/static" });

  const findings = await scan({ root: top ?? cwd, targets });
  if (findings.length === 0) {
    console.log(`secretlint: no secrets found in ${what(targets.length)}`);
    return 0;
  }
  console.error(`✗ secretlint: ${plural(findings.length, "possible secret")} in ${what(targets.length)} (matches masked):`);
  for (const f of findings) console.error(`  ${f.name}:${f.line}:${f.column}  ${f.rule}  ${f.message}`);
  console.error(
    mode === "staged"
      ? "Take the secret out of the file (into .env or a *_FILE secret) and `git add` it again before committing; see SECURITY.md."
      : "Take the secret out of the files (into .env or a *_FILE secret); if it was ever pushed or shared, rotate it (SECURITY.md).",
  );
  console.error("A value that is truly not a secret can be allowed on its own line with a `secretlint-disable-line` comment.");
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`✗ secret scan could not run: ${error instanceof ScanError ? error.message : error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);
