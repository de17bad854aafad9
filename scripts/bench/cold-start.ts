/**
 * Cold start: from spawning `next start` to the first answered chat. The session cookie is made
 * beforehand on another server sharing NEXTAUTH_SECRET (a returning user after a deploy), so the
 * first request the new server gets is POST /api/chat itself and nothing else warms it first. The
 * upstream answers at once, so the times are the app's.
 *
 * The chat is sent as soon as Next prints "Ready" (`idleMs` 0: what the first user after a restart
 * meets, while the server is still starting up), or `idleMs` later (after the start-up work, the
 * chat route's warm-up included: see lib/startup.ts). Per run:
 *   listenMs       spawn → "Ready" (the port accepts connections);
 *   first…Ms       sending the first chat → its first byte, first text and end of stream;
 *   requireMs      Next's require() of the route's compiled module and chunks (./route-load-hook.cjs),
 *                  and when it happened after process start (requireAtMs);
 *   userlandMs     the evaluation of the route's own modules, on its first request (same hook; the
 *                  warm-up GET's, when it came first);
 *   secondChatMs   the same chat again, on the now-warm server.
 */
import { createInterface } from "node:readline";
import path from "node:path";
import { spawnNextStart } from "../../tests/support/app-server";
import { freePort } from "../../tests/support/free-port";
import { appStream, once, type Sample, type Target } from "./load";

export type ColdStart = {
  idleMs: number;
  listenMs: number;
  firstByteMs: number;
  firstTextMs: number;
  firstDoneMs: number;
  spawnToFirstChatMs: number;
  requireMs: number;
  requireAtMs: number;
  userlandMs: number;
  secondChatMs: number;
};

const HOOK = path.join(__dirname, "route-load-hook.cjs");

export async function coldStart({
  env,
  cookie,
  body,
  idleMs,
}: {
  env: Record<string, string>;
  cookie: string;
  body: string;
  idleMs: number;
}): Promise<ColdStart> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const spawned = performance.now();
  // Kept beside the caller's own preloads (the CPU profiler's, with --cpu-prof).
  const nodeOptions = [`--require ${HOOK}`, env.NODE_OPTIONS].filter(Boolean).join(" ");
  const child = spawnNextStart({ port, env: { NEXTAUTH_URL: url, ...env, NODE_OPTIONS: nodeOptions } });
  let output = "";
  const route = { requireMs: Number.NaN, requireAtMs: Number.NaN, userlandMs: Number.NaN };
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  createInterface({ input: child.stderr! }).on("line", (line) => {
    const match = /^\[bench:route-load\] (require|userland) ([\d.]+) ([\d.]+)/.exec(line);
    if (match?.[1] === "require") Object.assign(route, { requireMs: Number(match[2]), requireAtMs: Number(match[3]) });
    if (match?.[1] === "userland") route.userlandMs = Number(match[2]);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const listening = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`next start printed no "Ready" in 60 s:\n${output}`)), 60_000);
      child.once("exit", (code) => reject(new Error(`next start exited with ${code}:\n${output}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        output += `${line}\n`;
        if (line.includes("Ready in")) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
    });
    const target: Target = {
      name: "cold",
      url: `http://127.0.0.1:${port}/api/chat`,
      headers: () => ({ Cookie: cookie, Origin: url, "Sec-Fetch-Site": "same-origin" }),
      body: () => body,
      ...appStream,
    };
    if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
    const sent = performance.now();
    const first: Sample = await once({ target, index: 0 });
    const second: Sample = await once({ target, index: 1 });
    if (!first.ok || !second.ok) throw new Error(`cold-start chat failed: ${first.error ?? second.error}\n${output}`);
    // The hook's lines may trail the response by a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return {
      idleMs,
      listenMs: listening - spawned,
      firstByteMs: first.firstByteMs,
      firstTextMs: first.ttftMs,
      firstDoneMs: first.totalMs,
      spawnToFirstChatMs: sent - spawned + first.totalMs,
      ...route,
      secondChatMs: second.totalMs,
    };
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  }
}
