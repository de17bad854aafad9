/**
 * The floor path of `npm run bench`: ./floor-app, a Next.js app whose one route handler relays the
 * upstream's stream with nothing around it (no session, limits, guards or store). It is what any
 * Next.js route calling the model through the OpenAI SDK costs on this machine, so the app's paths
 * can be read against it: app minus floor is what Bulwark's security adds.
 */
import path from "node:path";
import { startApp, type AppServer } from "../../tests/support/app-server";
import { ensureBuild } from "./build";

const FLOOR_DIR = path.join(__dirname, "floor-app");

/** Starts the floor app against the upstream, building it first when missing or stale (a few seconds). */
export async function startFloor({
  upstreamUrl,
  upstreamKey,
  extraEnv = {},
}: {
  upstreamUrl: string;
  upstreamKey: string;
  extraEnv?: Record<string, string>;
}): Promise<AppServer> {
  ensureBuild({ force: false, skip: false, target: { dir: FLOOR_DIR, sources: ["app", "instrumentation.ts", "next.config.ts", "tsconfig.json"] } });
  return startApp({ name: "bench-floor", dir: FLOOR_DIR, env: { BENCH_UPSTREAM_URL: upstreamUrl, BENCH_UPSTREAM_KEY: upstreamKey, ...extraEnv } });
}
