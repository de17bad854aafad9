import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Redis, { ReplyError } from "ioredis";

/**
 * An Upstash-REST-compatible HTTP gateway in front of a real Redis, so the real @upstash/redis and
 * @upstash/ratelimit clients run over HTTP in tests exactly as they would against Upstash. It speaks
 * the subset @upstash/redis 1.39 uses: `POST /` (one command), `POST /pipeline` and
 * `POST /multi-exec`, bearer-token auth and the `Upstash-Encoding: base64` response encoding.
 */
export type UpstashGateway = {
  /** `http://127.0.0.1:PORT`, the client's `url`. */
  url: string;
  token: string;
  close(): Promise<void>;
  /** HTTP requests received so far, rejected ones included, so tests can prove the HTTP path was used. */
  requests(): number;
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const RECONNECT_EVERY_MS = 200;

type Json = string | number | null | Json[];
type HttpAnswer = { status: number; body: unknown };
/** The outcome of one command, as Upstash reports it inside a pipeline. */
type Outcome = { result: Json } | { error: string };
/** A command as sent to Redis, and how to turn Redis's reply into the one Upstash would give. */
type Prepared = { args: string[]; reply: (reply: unknown) => unknown };

/** Redis could not be reached: the request is answered 503 rather than with a command error. */
class Unreachable extends Error {}
/** The request itself is malformed: answered 400. */
class BadRequest extends Error {}

/**
 * The reply as Upstash's JSON: integers as numbers, nil as null, arrays at any depth as arrays, and
 * every string (an error nested in an array as its message) base64-encoded from its UTF-8 bytes when
 * `base64`, which is what the client's `decode()` undoes.
 */
function encodeReply(reply: unknown, base64: boolean): Json {
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64));
  if (typeof reply === "number" || reply === null) return reply;
  const text = reply instanceof Error ? reply.message : String(reply);
  return base64 ? Buffer.from(text, "utf8").toString("base64") : text;
}

/** The message of a Redis error reply, as Redis gave it; any other error means Redis is unreachable. */
function replyErrorMessage(error: unknown): string {
  if (error instanceof ReplyError) return (error as Error).message;
  throw new Unreachable(error instanceof Error ? error.message : String(error));
}

function parseCommand(value: unknown): string[] {
  const valid = Array.isArray(value) && value.length > 0 && value.every((a) => ["string", "number", "boolean"].includes(typeof a));
  if (!valid) throw new BadRequest("ERR a command must be a non-empty array of strings, numbers or booleans");
  return value.map(String);
}

function parseCommands(value: unknown): string[][] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest("ERR a pipeline must be a non-empty array of commands");
  return value.map(parseCommand);
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/**
 * Emulates Upstash accepting the `#!lua flags=allow-key-locking` shebang that every
 * @upstash/ratelimit script starts with; stock Redis 7 rejects that flag. A script whose first line
 * is a `#!lua` shebang with `flags=` goes to Redis with that line blanked (so line numbers in errors
 * still match), EVALSHA of the original script's SHA1 is mapped to the rewritten script's, and
 * SCRIPT LOAD answers with the original's SHA1, as Upstash would. All other commands pass unchanged.
 */
function scriptFlagsShim(): (command: string[]) => Prepared {
  const rewrittenSha = new Map<string, string>();
  const asIs = (reply: unknown) => reply;
  const stripFlags = (script: string): string => {
    const firstLine = script.split("\n", 1)[0] ?? "";
    if (!firstLine.startsWith("#!lua") || !firstLine.includes("flags=")) return script;
    const rewritten = script.slice(firstLine.length);
    rewrittenSha.set(sha1(script), sha1(rewritten));
    return rewritten;
  };
  return ([name = "", ...args]) => {
    const [first = "", ...rest] = args;
    switch (name.toUpperCase()) {
      case "EVAL":
      case "EVAL_RO":
        return { args: [name, stripFlags(first), ...rest], reply: asIs };
      case "EVALSHA":
      case "EVALSHA_RO":
        return { args: [name, rewrittenSha.get(first.toLowerCase()) ?? first, ...rest], reply: asIs };
      case "SCRIPT":
        if (first.toUpperCase() !== "LOAD" || rest.length !== 1) break;
        return { args: [name, first, stripFlags(rest[0] ?? "")], reply: () => sha1(rest[0] ?? "") };
    }
    return { args: [name, ...args], reply: asIs };
  };
}

/**
 * ioredis reshapes some replies by lower-case command name (HGETALL into an object); Redis ignores
 * the case of command names, so sending them upper-cased keeps every reply raw, as Upstash gives it.
 */
const commandName = (name: string) => name.toUpperCase();

/** The connection to Redis: fails fast while Redis is down and reconnects by itself for ever. */
function connect(redisUrl: string): Redis {
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => RECONNECT_EVERY_MS });
  redis.on("error", () => {});
  return redis;
}

async function runOne(redis: Redis, { args: [name = "", ...args], reply }: Prepared, base64: boolean): Promise<HttpAnswer> {
  try {
    return { status: 200, body: { result: encodeReply(reply(await redis.call(commandName(name), ...args)), base64) } };
  } catch (error) {
    return { status: 400, body: { error: replyErrorMessage(error) } };
  }
}

async function runMany(redis: Redis, commands: Prepared[], { multi, base64 }: { multi: boolean; base64: boolean }): Promise<HttpAnswer> {
  const batch = multi ? redis.multi() : redis.pipeline();
  for (const {
    args: [name = "", ...args],
  } of commands)
    batch.call(commandName(name), ...args);
  let results: [Error | null, unknown][] | null;
  try {
    results = await batch.exec();
  } catch (error) {
    return { status: 400, body: { error: replyErrorMessage(error) } };
  }
  if (!results) throw new Error("Redis answered the batch with nil");
  const outcomes = results.map(([error, result], i): Outcome => {
    if (error) return { error: replyErrorMessage(error) };
    const prepared = commands[i];
    return { result: encodeReply(prepared ? prepared.reply(result) : result, base64) };
  });
  return { status: 200, body: outcomes };
}

/** The request body as text, or null once it passes MAX_BODY_BYTES (the rest is read and dropped). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString("utf8");
}

async function answer(
  req: IncomingMessage,
  { redis, token, prepare }: { redis: Redis; token: string; prepare: (command: string[]) => Prepared },
): Promise<HttpAnswer> {
  if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, body: { error: "Unauthorized" } };
  const path = new URL(req.url ?? "/", "http://gateway").pathname;
  if (!["/", "/pipeline", "/multi-exec"].includes(path)) return { status: 404, body: { error: `Not Found: ${path}` } };
  if (req.method !== "POST") return { status: 405, body: { error: "Method Not Allowed" } };
  const text = await readBody(req);
  if (text === null) return { status: 413, body: { error: `ERR request body larger than ${MAX_BODY_BYTES} bytes` } };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { status: 400, body: { error: `ERR invalid JSON: ${(error as Error).message}` } };
  }
  try {
    const base64 = req.headers["upstash-encoding"] === "base64";
    if (redis.status !== "ready") throw new Unreachable(`Redis is not connected (${redis.status})`);
    if (path === "/") return await runOne(redis, prepare(parseCommand(body)), base64);
    return await runMany(redis, parseCommands(body).map(prepare), { multi: path === "/multi-exec", base64 });
  } catch (error) {
    if (error instanceof BadRequest) return { status: 400, body: { error: error.message } };
    if (error instanceof Unreachable) return { status: 503, body: { error: `Service Unavailable: ${error.message}` } };
    throw error;
  }
}

function send(res: ServerResponse, { status, body }: HttpAnswer): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Starts the gateway on a free port of 127.0.0.1; it connects to `redisUrl` and keeps reconnecting. */
export async function startUpstashGateway({ redisUrl, token }: { redisUrl: string; token: string }): Promise<UpstashGateway> {
  const redis = connect(redisUrl);
  const prepare = scriptFlagsShim();
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    answer(req, { redis, token, prepare }).then(
      (result) => send(res, result),
      (error: unknown) => send(res, { status: 500, body: { error: `gateway error: ${error instanceof Error ? error.message : String(error)}` } }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests: () => requests,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      redis.disconnect();
      await closed;
    },
  };
}
