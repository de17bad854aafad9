/**
 * What an evaluation report says about its own run: the command as typed and the code it measured.
 * Shared by `npm run eval:guards` and `npm run eval:tool-output`.
 */
import { spawnSync } from "node:child_process";

/** The command as typed, for the report: through npm when npm ran `script`, else through tsx and `file`. */
export function commandLine({ script, file }: { script: string; file: string }): string {
  const args = process.argv.slice(2).map((a) => (/^[\w./=:-]+$/.test(a) ? a : JSON.stringify(a)));
  const viaNpm = process.env.npm_lifecycle_event === script;
  return `${viaNpm ? `npm run ${script}` : `npx tsx ${file}`}${args.length > 0 ? `${viaNpm ? " --" : ""} ${args.join(" ")}` : ""}`;
}

/** The commit measured, and whether the tree had changes on top of it. */
export function codeVersion(repoRoot: string): string {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: repoRoot, encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "not a git checkout";
  const dirty = git("status", "--porcelain").stdout.trim() !== "";
  return `commit ${head.stdout.trim()}${dirty ? ", with uncommitted changes" : ""}`;
}
