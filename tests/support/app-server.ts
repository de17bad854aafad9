import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { freePort } from "./free-port";

/**
 * Starts the production build (`next start`, after `next build`) on a free port with the given
 * environment, and keeps everything it prints so tests can search the log.
 */
export type AppServer = { url: string; port: number; logs: () => string; stop: () => Promise<void>; process: ChildProcess };

export const ROOT = path.resolve(__dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");

/** `next start` on `port` with only the given environment (plus PATH), stdout and stderr piped. */
export function spawnNextStart({
  port,
  env,
  dir,
}: {
  port: number;
  env: Record<string, string> /** another app than this one (the benchmark's floor) */;
  dir?: string;
}): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, "start", ...(dir ? [dir] : []), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Everything the process prints, in order, also passed to `onChunk`. */
function collectOutput(child: ChildProcess, onChunk: (chunk: Buffer) => void = () => {}): () => string {
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      onChunk(chunk);
    });
  }
  return () => output;
}

export async function startApp({ env, name = "app", dir }: { env: Record<string, string>; name?: string; dir?: string }): Promise<AppServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawnNextStart({ port, dir, env: { NEXTAUTH_URL: url, ...env } });
  mkdirSync(path.join(ROOT, ".test-run/logs"), { recursive: true });
  const file = createWriteStream(path.join(ROOT, `.test-run/logs/${name}-${port}.log`));
  const logs = collectOutput(child, (chunk) => file.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    file.end();
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(`${url}/signin`, { redirect: "manual" });
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not become ready in 60 s:\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, port, logs, stop, process: child };
}

/** Runs `next start` expecting it to refuse to start; resolves with its exit code and output. */
export async function startAppExpectingFailure({ env }: { env: Record<string, string> }): Promise<{ code: number | null; output: string }> {
  const child = spawnNextStart({ port: await freePort(), env });
  const output = collectOutput(child);
  const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output: output() };
}
