import type { Redis as IORedis } from "ioredis";
import type { Requester, UpstashRequest, UpstashResponse } from "@upstash/redis";
import { adaptCommand } from "./lua-compat";

/**
 * Lets @upstash/redis (and so @upstash/ratelimit) run on a Redis or Valkey server over TCP: each
 * request the client would POST to Upstash's REST API is sent through ioredis instead, and the
 * reply is shaped as Upstash's JSON (`{ result }` or `{ error }`; arrays of them for a pipeline or
 * a transaction). A reply error (a wrong type, a failing script) comes back as `{ error }`, as it
 * does over HTTP; a connection failure throws, so callers fail closed.
 */
export class StoreConnectionError extends Error {
  override readonly name = "StoreConnectionError";
}

type Reply = { result?: unknown; error?: string };

export function tcpRequester(client: IORedis, { readyTimeoutMs }: { readyTimeoutMs: number }): Requester {
  const shas = new Map<string, string>();

  // While Redis is away, every request waits for the connection: they share one wait (and one
  // listener), which fails them together after readyTimeoutMs.
  let waiting: Promise<void> | undefined;
  function ready(): Promise<void> {
    if (client.status === "ready") return Promise.resolve();
    if (client.status === "wait") client.connect().catch(() => undefined);
    waiting ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off("ready", onReady);
        reject(new StoreConnectionError(`Redis is not reachable (connection ${client.status})`));
      }, readyTimeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once("ready", onReady);
    }).finally(() => {
      waiting = undefined;
    });
    return waiting;
  }

  async function one(command: string[]): Promise<Reply> {
    const adapted = adaptCommand(command, shas);
    const [name = "", ...args] = adapted.command;
    try {
      const result = await client.call(verb(name), ...args);
      return { result: adapted.reply ? adapted.reply(result) : result };
    } catch (error) {
      return replyError(error);
    }
  }

  async function batch(commands: string[][], transaction: boolean): Promise<Reply[]> {
    const adapted = commands.map((command) => adaptCommand(command, shas));
    const chain = transaction ? client.multi() : client.pipeline();
    for (const { command } of adapted) {
      const [name = "", ...args] = command;
      chain.call(verb(name), ...args);
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await chain.exec();
    } catch (error) {
      // A transaction refused as a whole (EXECABORT) fails every command in it.
      const failure = replyError(error);
      return commands.map(() => failure);
    }
    if (!results) throw new StoreConnectionError("Redis discarded the transaction");
    return results.map(([error, result], i) => {
      if (error) return replyError(error);
      const reply = adapted[i]?.reply;
      return { result: reply ? reply(result) : result };
    });
  }

  return {
    async request<TResult>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      await ready();
      const path = req.path?.[0];
      const body = req.body as string[] | string[][];
      if (path === "pipeline" || path === "multi-exec") {
        return (await batch(body as string[][], path === "multi-exec")) as unknown as UpstashResponse<TResult>;
      }
      return (await one(body as string[])) as UpstashResponse<TResult>;
    },
  };
}

/**
 * ioredis reshapes some replies by lower-case command name (HGETALL into an object); Upstash
 * returns them raw, as Redis does. Upper case bypasses those hooks and Redis does not mind.
 */
const verb = (name: string) => name.toUpperCase();

/** A reply error carries Redis's own message; anything else means the connection failed. */
function replyError(error: unknown): Reply {
  if (error instanceof Error && error.name === "ReplyError") return { error: error.message };
  throw new StoreConnectionError(error instanceof Error ? error.message : "Redis request failed");
}
