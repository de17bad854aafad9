import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Redis from "ioredis";
import { freePort } from "./free-port";

/**
 * A real `redis-server` (the Debian package) for integration tests, so code that uses Redis is tested
 * against Redis itself rather than a fake. Nothing is persisted: each start is empty.
 */
export type RedisServer = {
  port: number;
  /** `redis://[:password@]127.0.0.1:PORT`, for ioredis or the Upstash gateway. */
  url: string;
  /** SIGTERM, resolved once the process has exited. */
  stop(): Promise<void>;
  /** Starts again on the same port (empty), resolved once it answers PING. */
  restart(): Promise<void>;
  /** True while the current process has not exited. */
  running(): boolean;
};

const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const NOT_FOUND = "redis-server not found: install the Debian package redis-server (apt-get install -y redis-server)";

/** Servers still running and their scratch directories, removed if the test process exits without stopping them. */
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function killOnExit(child: ChildProcess, dir: string): void {
  if (!exitHookInstalled) {
    process.on("exit", () =>
      live.forEach((liveDir, liveChild) => {
        liveChild.kill("SIGKILL");
        rmSync(liveDir, { recursive: true, force: true });
      }),
    );
    exitHookInstalled = true;
  }
  live.set(child, dir);
  child.once("exit", () => live.delete(child));
}

/** One redis-server process and everything it printed; its scratch directory goes when it exits. */
type Spawned = { child: ChildProcess; exited: Promise<void>; output: () => string };

async function spawnRedis({ port, password }: { port: number; password?: string }): Promise<Spawned> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bulwark-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir];
  if (password) args.push("--requirepass", password);
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  void exited.then(() => rmSync(dir, { recursive: true, force: true }));

  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT" ? new Error(NOT_FOUND) : error));
  });
  killOnExit(child, dir);
  return { child, exited, output: () => output };
}

/** True once a fresh connection gets PONG; one attempt, no retries, errors swallowed. */
async function answersPing({ port, password }: { port: number; password?: string }): Promise<boolean> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function waitUntilReady(server: Spawned, options: { port: number; password?: string }): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answersPing(options))) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`redis-server exited (${server.child.exitCode ?? server.child.signalCode}) before answering PING:\n${server.output()}`);
    }
    if (Date.now() > deadline) {
      await stopProcess(server);
      throw new Error(`redis-server did not answer PING on port ${options.port} within ${READY_TIMEOUT_MS / 1000} s:\n${server.output()}`);
    }
    await sleep(50);
  }
}

/** SIGTERM, then SIGKILL if it has not gone after a grace period. */
async function stopProcess({ child, exited }: Spawned): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Starts redis-server on a free port of 127.0.0.1 and resolves once it answers PING. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const { password } = options;
  const start = async () => {
    const server = await spawnRedis({ port, password });
    await waitUntilReady(server, { port, password });
    return server;
  };
  let current = await start();
  return {
    port,
    url: `redis://${password ? `:${encodeURIComponent(password)}@` : ""}127.0.0.1:${port}`,
    stop: () => stopProcess(current),
    restart: async () => {
      await stopProcess(current);
      current = await start();
    },
    running: () => current.child.exitCode === null && current.child.signalCode === null,
  };
}
