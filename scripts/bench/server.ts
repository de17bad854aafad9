/**
 * `npm run bench`: what the app adds to a chat. Starts the production build (building it first when
 * missing or stale), a paced OpenAI-compatible upstream (./upstream.ts) and a local redis-server, then
 * measures, interleaved, the upstream called directly, a bare Next.js route relaying it (./floor-app)
 * and POST /api/chat with the store in the process and on Redis, at each concurrency; then cold starts. Prints the tables and writes the
 * "server" and "cold-start" sections of docs/benchmarks.md.
 *
 *   npm run -s bench -- [--ttft-ms 200] [--tokens-per-s 100] [--tokens 30] [--concurrency 1,16,64,256]
 *     [--rounds 3] [--requests 20] [--users 32] [--cold-starts 5] [--log-level info]
 *     [--build | --no-build] [--no-write] [--paths direct,next-floor,app-memory,app-redis] [--cpu-prof DIR]
 *     [--only cold-start]
 *
 * --only cold-start skips the load (one server signs one user in for the cookie, then stops) and
 * writes only the "cold-start" section.
 *
 * --cpu-prof DIR profiles the app servers (./cpu-prof-hook.cjs): per server, DIR gets a profile of
 * start-up and warm-up and one of the measured load; summarise one with
 * `npx tsx scripts/bench/cpu-profile.ts FILE`. Nothing is written to the docs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startApp, ROOT, type AppServer } from "../../tests/support/app-server";
import { signIn } from "../../tests/support/auth";
import { startRedis, type RedisServer } from "../../tests/support/redis-server";
import { appEnv, makeUsers, runSecrets } from "../../tests/support/test-env";
import { generateKey } from "../../lib/crypto/keyring";
import { buildPrompt, newBoundary } from "../../lib/ai/prompt";
import { SYSTEM_PROMPT } from "../../lib/ai/system-prompt";
import { canaryInstruction, newCanary } from "../../lib/guard/output/canary";
import { ensureBuild } from "./build";
import { coldStart, type ColdStart } from "./cold-start";
import { appStream, openAIStream, runLoad, type Target } from "./load";
import { measureFloors, type Floor } from "./floors";
import { findProcess, treeCpuMs } from "./proc-cpu";
import { redisCommandCount } from "./redis-stats";
import { machineLine, writeSection } from "./report";
import { coldStartSection, PATHS, serverSection, table, toRows, type Cell, type PathName, type Settings } from "./server-report";
import { spawnUpstream } from "./upstream";
import { startFloor } from "./floor";

const { values: args } = parseArgs({
  options: {
    "ttft-ms": { type: "string", default: "200" },
    "tokens-per-s": { type: "string", default: "100" },
    tokens: { type: "string", default: "30" },
    concurrency: { type: "string", default: "1,16,64,256" },
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "20" },
    users: { type: "string", default: "32" },
    "cold-starts": { type: "string", default: "5" },
    "log-level": { type: "string", default: "info" },
    paths: { type: "string", default: PATHS.join(",") },
    build: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    only: { type: "string" },
  },
});

const num = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
  return value;
};
const settings: Settings = {
  ttftMs: num("ttft-ms"),
  tokensPerSecond: num("tokens-per-s"),
  tokens: Math.max(1, num("tokens")),
  rounds: Math.max(1, num("rounds")),
  minRequests: Math.max(1, num("requests")),
  users: Math.max(1, num("users")),
  logLevel: String(args["log-level"]),
  concurrency: String(args.concurrency)
    .split(",")
    .map(Number)
    .filter((c) => c > 0),
};
if (args.only !== undefined && args.only !== "cold-start") throw new Error("--only takes cold-start");
const coldOnly = args.only === "cold-start";
if (coldOnly) Object.assign(settings, { users: 1, concurrency: [] });
const paths = coldOnly
  ? ["app-memory" as const]
  : String(args.paths)
      .split(",")
      .filter((p): p is PathName => (PATHS as readonly string[]).includes(p));
const profileDir = args["cpu-prof"] ? path.resolve(args["cpu-prof"]) : undefined;
const write = !args["no-write"] && !profileDir;

// Ordinary questions: nothing for the injection or personal-data guards to act on.
const MESSAGES = [
  "Why are unit tests worth writing? Answer in three sentences.",
  "Explain the difference between a process and a thread.",
  "What makes a variable name good in TypeScript?",
  "Summarise the benefits of code review for a small team.",
];
/** How long after "Ready" the second kind of cold start waits, so Next's own start-up work is over. */
const COLD_IDLE_MS = 2_000;
const message = (i: number) => MESSAGES[i % MESSAGES.length] as string;

/** The body the OpenAI SDK sends for the app's request: the same prompt shape, fence and canary included. */
function directBody(i: number): string {
  const messages = buildPrompt({
    history: [],
    userText: message(i),
    boundary: newBoundary(),
    systemPrompt: `${SYSTEM_PROMPT}\n\n${canaryInstruction(newCanary())}`,
  });
  return JSON.stringify({ model: "gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true }, max_tokens: 1024 });
}

function appTarget({ name, app, cookies }: { name: string; app: AppServer; cookies: string[] }): Target {
  return {
    name,
    url: `http://127.0.0.1:${app.port}/api/chat`,
    headers: (i) => ({ Cookie: cookies[i % cookies.length] as string, Origin: app.url, "Sec-Fetch-Site": "same-origin" }),
    body: (i) => JSON.stringify({ message: message(i) }),
    ...appStream,
  };
}

const versionOf = (pkg: string) => (JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

async function main(): Promise<void> {
  ensureBuild({ force: args.build === true, skip: args["no-build"] === true });
  const loadAtStart = os.loadavg();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));
  try {
    const upstream = await spawnUpstream(settings);
    stops.push(upstream.stop);
    const { users, authLocalUsers } = await makeUsers(Array.from({ length: settings.users }, (_, i) => `bench${i + 1}`));
    const base = (extra: Record<string, string>) =>
      appEnv({
        openaiUrl: upstream.url,
        anthropicUrl: "http://127.0.0.1:9",
        authLocalUsers,
        extra: {
          AI_MODELS: "openai:gpt-4o-mini",
          ANTHROPIC_API_KEY: "",
          ANTHROPIC_BASE_URL: "",
          CHAT_RATE_LIMIT: "1000000/60s",
          CHAT_MAX_CONCURRENT: "100",
          DAILY_TOKEN_BUDGET: "1000000000",
          DAILY_SPEND_CAP_USD: "1000000",
          SIGNIN_RATE_LIMIT_IP: "100000/1m",
          SIGNIN_RATE_LIMIT_ACCOUNT: "100000/1m",
          LOG_LEVEL: settings.logLevel,
          ...(profileDir ? { NODE_OPTIONS: `--require ${path.join(__dirname, "cpu-prof-hook.cjs")}`, BENCH_CPU_PROF_DIR: profileDir } : {}),
          ...extra,
        },
      });

    const targets = new Map<PathName, Target>();
    const pids = new Map<PathName, number>();
    let redis: RedisServer | undefined;
    let redisPid: number | undefined;
    const signInAll = (app: AppServer) => Promise.all(Object.values(users).map((u) => signIn({ baseUrl: app.url, email: u.email, password: u.password })));
    let cookieForColdStart: string | undefined;
    let measureMemoryFloors: (() => Promise<Floor[]>) | undefined;
    if (paths.includes("direct")) {
      targets.set("direct", {
        name: "direct",
        url: `${upstream.url}/chat/completions`,
        headers: () => ({ Authorization: `Bearer ${runSecrets.openaiKey}` }),
        body: directBody,
        ...openAIStream,
      });
    }
    if (paths.includes("next-floor")) {
      const profile: Record<string, string> = profileDir
        ? { NODE_OPTIONS: `--require ${path.join(__dirname, "cpu-prof-hook.cjs")}`, BENCH_CPU_PROF_DIR: profileDir }
        : {};
      const floor = await startFloor({ upstreamUrl: upstream.url, upstreamKey: runSecrets.openaiKey, extraEnv: profile });
      stops.push(floor.stop);
      targets.set("next-floor", {
        name: "next-floor",
        url: `http://127.0.0.1:${floor.port}/api/chat`,
        headers: () => ({}),
        body: (i) => JSON.stringify({ message: message(i) }),
        ...appStream,
      });
      pids.set("next-floor", floor.process.pid as number);
    }
    if (paths.includes("app-memory")) {
      const app = await startApp({ name: "bench-memory", env: base({ ALLOW_IN_MEMORY_STORE: "true" }) });
      stops.push(app.stop);
      const cookies = await signInAll(app);
      cookieForColdStart = cookies[0];
      measureMemoryFloors = () => measureFloors({ port: app.port, origin: app.url, cookie: cookies[0] as string, pid: app.process.pid as number });
      targets.set("app-memory", appTarget({ name: "app-memory", app, cookies }));
      pids.set("app-memory", app.process.pid as number);
    }
    if (paths.includes("app-redis")) {
      redis = await startRedis();
      stops.push(redis.stop);
      redisPid = findProcess(["redis-server", `:${redis.port}`]);
      const app = await startApp({ name: "bench-redis", env: base({ REDIS_URL: redis.url, CONVERSATION_ENCRYPTION_KEY: generateKey() }) });
      stops.push(app.stop);
      const cookies = await signInAll(app);
      cookieForColdStart ??= cookies[0];
      targets.set("app-redis", appTarget({ name: "app-redis", app, cookies }));
      pids.set("app-redis", app.process.pid as number);
    }

    // Warm-up, not counted: JIT, connection pools, each user's first chat, lazily made clients.
    if (!coldOnly) for (const target of targets.values()) await runLoad({ target, concurrency: 16, requests: Math.max(64, settings.users * 2) });
    // A profiled server starts a fresh profile now, so start-up and warm-up stay out of the load profile.
    if (profileDir) for (const pid of pids.values()) process.kill(pid, "SIGUSR2");

    const cells: Cell[] = [];
    const redisCommands = { commands: 0, chats: 0 };
    let index = 0;
    for (const concurrency of settings.concurrency) {
      const requests = Math.max(settings.minRequests, 2 * concurrency);
      const order = [...targets.keys()];
      for (let round = 0; round < settings.rounds; round++) {
        for (const name of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
          const target = targets.get(name) as Target;
          const pid = pids.get(name);
          const commandsBefore = name === "app-redis" && redis ? await redisCommandCount(redis.url) : 0;
          const cpuBefore = pid ? treeCpuMs(pid) : 0;
          const redisBefore = name === "app-redis" && redisPid ? treeCpuMs(redisPid) : 0;
          const upstreamBefore = treeCpuMs(upstream.pid);
          const result = await runLoad({ target, concurrency, requests, firstIndex: index });
          index += requests;
          let cell = cells.find((c) => c.concurrency === concurrency && c.path === name);
          if (!cell) {
            cell = { concurrency, path: name, samples: [], wallMs: 0, cpuMs: 0, redisCpuMs: 0, upstreamCpuMs: 0 };
            cells.push(cell);
          }
          cell.samples.push(...result.samples);
          cell.wallMs += result.wallMs;
          if (pid) cell.cpuMs += treeCpuMs(pid) - cpuBefore;
          if (name === "app-redis" && redisPid) cell.redisCpuMs += treeCpuMs(redisPid) - redisBefore;
          cell.upstreamCpuMs += treeCpuMs(upstream.pid) - upstreamBefore;
          if (name === "app-redis" && redis) {
            redisCommands.commands += (await redisCommandCount(redis.url)) - commandsBefore;
            redisCommands.chats += requests;
          }
          const failed = result.samples.filter((s) => !s.ok);
          console.log(
            `c=${concurrency} round ${round + 1} ${name}: ${requests} requests in ${(result.wallMs / 1000).toFixed(1)} s${failed.length ? `, ${failed.length} failed (${failed[0]?.error})` : ""}`,
          );
        }
      }
    }
    cells.sort((a, b) => a.concurrency - b.concurrency || PATHS.indexOf(a.path) - PATHS.indexOf(b.path));
    const rows = toRows(cells);
    if (!coldOnly) console.log(`\n${table(rows)}\n`);
    const floors = coldOnly ? [] : ((await measureMemoryFloors?.()) ?? []);
    for (const f of floors)
      console.log(`${f.label}: ${f.cpuPerRequest.toFixed(2)} ms app CPU per request${f.failed ? ` (${f.failed} unexpected answers)` : ""}`);
    await stopAll();

    // Cold starts, after the load servers are gone, against an upstream that answers at once.
    const cold: ColdStart[] = [];
    const coldRuns = cookieForColdStart ? num("cold-starts") : 0;
    if (coldRuns > 0) {
      const instant = await spawnUpstream({ ttftMs: 0, tokensPerSecond: 0, tokens: settings.tokens });
      stops.push(instant.stop);
      const env = { ...base({ ALLOW_IN_MEMORY_STORE: "true" }), OPENAI_BASE_URL: instant.url };
      for (let i = 0; i < coldRuns; i++) {
        for (const idleMs of [0, COLD_IDLE_MS]) {
          const run = await coldStart({ env, cookie: cookieForColdStart as string, body: JSON.stringify({ message: message(i) }), idleMs });
          cold.push(run);
          console.log(
            `cold start ${i + 1}${idleMs ? ` (chat ${idleMs} ms after Ready)` : ""}: listening after ${run.listenMs.toFixed(0)} ms, first chat answered in ${run.firstDoneMs.toFixed(0)} ms (route evaluation ${run.userlandMs.toFixed(0)} ms), warm chat ${run.secondChatMs.toFixed(0)} ms`,
          );
        }
      }
      await stopAll();
    }

    const redisVersion = /v=([\d.]+)/.exec(execFileSync("redis-server", ["--version"], { encoding: "utf8" }))?.[1] ?? "?";
    const machine = machineLine({ next: versionOf("next"), openai: versionOf("openai"), redis: redisVersion });
    const command = `npm run -s bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
    const context = {
      loadAtStart,
      loadAtEnd: os.loadavg(),
      redisCommandsPerChat: redisCommands.chats > 0 ? redisCommands.commands / redisCommands.chats : undefined,
    };
    if (cold.length > 0)
      console.log(
        `\n${coldStartSection({ machine, command, runs: cold })
          .split("\n")
          .filter((l) => l.startsWith("|"))
          .join("\n")}\n`,
      );
    if (write) {
      if (!coldOnly) writeSection("server", serverSection({ machine, command, settings, rows, cold, floors, context }));
      if (cold.length > 0) writeSection("cold-start", coldStartSection({ machine, command, runs: cold, alone: coldOnly }));
      console.log(`wrote docs/benchmarks.md (sections ${coldOnly ? "" : "server, "}cold-start)`);
    }
    if (profileDir) console.log(`CPU profiles in ${profileDir} (summarise: npx tsx scripts/bench/cpu-profile.ts FILE)`);
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
