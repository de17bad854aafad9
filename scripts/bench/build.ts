import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../../tests/support/app-server";

/** What the production build is made from: if any of it is newer than .next/BUILD_ID, the build is stale. */
const SOURCES = ["app", "components", "lib", "public", "proxy.ts", "instrumentation.ts", "next.config.ts", "package-lock.json", "tsconfig.json"];

/** A Next.js app to build: this one by default, or another (the benchmark's floor) with its own sources, relative to `dir`. */
export type BuildTarget = { dir: string; sources: readonly string[] };
const THIS_APP: BuildTarget = { dir: ROOT, sources: SOURCES };

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

/** Why a build is needed, or undefined when .next is there and newer than every source. */
export function staleBuildReason({ dir, sources }: BuildTarget = THIS_APP): string | undefined {
  const buildId = path.join(dir, ".next/BUILD_ID");
  if (!existsSync(buildId)) return `no production build in ${path.relative(ROOT, path.join(dir, ".next")) || ".next"}`;
  const built = statSync(buildId).mtimeMs;
  const newer = sources.find((source) => newestMtime(path.join(dir, source)) > built);
  return newer ? `${newer} changed since the last build` : undefined;
}

/** Runs `next build` when forced or when the build is missing or stale; `skip` trusts whatever is there. */
export function ensureBuild({ force, skip, target = THIS_APP }: { force: boolean; skip: boolean; target?: BuildTarget }): void {
  if (skip) return;
  const reason = force ? "--build given" : staleBuildReason(target);
  const relative = path.relative(ROOT, target.dir);
  if (!reason) {
    console.log(`production build${relative ? ` of ${relative}` : ""} is up to date${relative ? "" : " (--build to force one)"}`);
    return;
  }
  console.log(`building (${reason}): next build${relative ? ` ${relative}` : ""}`);
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build", ...(relative ? [target.dir] : [])], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}
