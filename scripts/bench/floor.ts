/**
 * The floor path of `npm run bench`: ./floor-app, a Next.js app whose one route handler relays the
 * upstream's stream with nothing around it (no session, limits, guards or store). It is what any
 * Next.js route calling the model through the OpenAI SDK costs on this machine, so the app's paths
 * can be read against it: app minus floor is what Bulwark's security adds.
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../tests/support/free-port";
import { ROOT, spawnNextStart } from "../../tests/support/app-server";

const FLOOR_DIR = path.join(__dirname, "floor-app");
const SOURCES = ["app/api/chat/route.ts", "next.config.ts", "tsconfig.json"].map((file) => path.join(FLOOR_DIR, file));

export type FloorServer = { url: string; port: number; pid: number; stop: () => Promise<void> };

/** Builds the floor app when its build is missing or older than its sources (a few seconds). */
function ensureFloorBuild(): void {
  const buildId = path.join(FLOOR_DIR, ".next/BUILD_ID");
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (SOURCES.every((file) => statSync(file).mtimeMs < built)) return;
  console.log("building the floor app: next build scripts/bench/floor-app");
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build", FLOOR_DIR], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error(`next build of the floor app failed (exit ${result.status ?? result.signal})`);
}

/** Starts the floor app against the upstream; `nodeOptions` as for the app servers (the CPU profiler). */
export async function startFloor({ upstreamUrl, upstreamKey, extraEnv = {} }: { upstreamUrl: string; upstreamKey: string; extraEnv?: Record<string, string> }): Promise<FloorServer> {
  ensureFloorBuild();
  const port = await freePort();
  const child = spawnNextStart({ port, dir: FLOOR_DIR, env: { BENCH_UPSTREAM_URL: upstreamUrl, BENCH_UPSTREAM_KEY: upstreamKey, ...extraEnv } });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the floor app exited with ${child.exitCode}:\n${output}`);
    // Ready once it answers: a GET on the POST-only route is a 405 from the route itself.
    const status = await fetch(`${url}/api/chat`).then((r) => r.status, () => 0);
    if (status === 405) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the floor app did not become ready in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, pid: child.pid as number, stop };
}
