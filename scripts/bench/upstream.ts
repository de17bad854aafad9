/**
 * The benchmark's model: a minimal OpenAI-compatible Chat Completions server that streams a fixed
 * reply at a fixed pace, so the only thing that differs between a direct call and a call through
 * the app is the app. Unlike tests/support/mock-openai.ts (directives, odd chunking, recording
 * every request) it does as little as it can per request, and it runs in its own process (see
 * `spawnUpstream`), so its event loop competes with neither the load client nor the app's.
 *
 * Pace: the first chunk (role and first token together, as OpenAI sends them) comes `ttftMs` after
 * the request; then one token per chunk every 1000/`tokensPerSecond` ms, each scheduled from the
 * start time so timer lateness does not pile up; then the finish chunk, the usage chunk and [DONE].
 *
 *   tsx scripts/bench/upstream.ts --ttft-ms 200 --tokens-per-s 100 --tokens 30 [--port N]
 * prints `listening <port>` once it accepts connections.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";

export type Pace = { ttftMs: number; tokensPerSecond: number; tokens: number };

// GPT-style tokens (a word with its leading space), so text arrives the way a real model sends it.
const WORDS =
  "Unit tests catch regressions early, document intended behaviour, and make refactoring safer because every change is checked against what the code should do".split(
    " ",
  );
export const replyTokens = (count: number): string[] => Array.from({ length: count }, (_, i) => (i === 0 ? "" : " ") + WORDS[i % WORDS.length]);

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function promptChars(body: unknown): number {
  const messages = (body as { messages?: Array<{ content?: unknown }> } | null)?.messages ?? [];
  return messages.reduce((n, m) => n + (typeof m.content === "string" ? m.content.length : 0), 0);
}

export function createUpstream(pace: Pace) {
  const tokens = replyTokens(pace.tokens);
  const interval = pace.tokensPerSecond > 0 ? 1000 / pace.tokensPerSecond : 0;
  let nextId = 1;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on("error", () => undefined);
    const raw = await readBody(req).catch(() => "");
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // answered below
    }
    if (body?.stream !== true) {
      res
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "this bench upstream only streams", type: "invalid_request_error" } }));
      return;
    }
    const id = `chatcmpl-bench-${nextId++}`;
    const base = { id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: String(body.model ?? "gpt-4o-mini"), usage: null };
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const started = performance.now();
    let closed = false;
    res.once("close", () => (closed = true));
    const at = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, started + ms - performance.now())));

    await at(pace.ttftMs);
    if (closed) return;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": `req_${id}` });
    res.write(chunk({ role: "assistant", content: "" }, null) + chunk({ content: tokens[0] ?? "" }, null));
    for (let i = 1; i < tokens.length; i++) {
      await at(pace.ttftMs + i * interval);
      if (closed) return;
      res.write(chunk({ content: tokens[i] ?? "" }, null));
    }
    const promptTokens = Math.ceil(promptChars(body) / 4);
    const usage = { prompt_tokens: promptTokens, completion_tokens: tokens.length, total_tokens: promptTokens + tokens.length };
    res.end(chunk({}, "stop") + frame({ ...base, choices: [], usage }) + "data: [DONE]\n\n");
  }

  return createServer((req, res) => void handle(req, res));
}

/** Starts the upstream in a child process (its own event loop and CPU accounting); resolves with its base URL. */
export async function spawnUpstream(pace: Pace): Promise<{ url: string; origin: string; pid: number; stop: () => Promise<void> }> {
  const args = [
    "--import",
    "tsx",
    __filename,
    "--ttft-ms",
    String(pace.ttftMs),
    "--tokens-per-s",
    String(pace.tokensPerSecond),
    "--tokens",
    String(pace.tokens),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench upstream exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/v1`,
    origin,
    pid: child.pid ?? -1,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

if (require.main === module) {
  const flag = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const server = createUpstream({ ttftMs: flag("ttft-ms", 200), tokensPerSecond: flag("tokens-per-s", 100), tokens: flag("tokens", 30) });
  server.keepAliveTimeout = 60_000;
  server.listen(flag("port", 0), "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
