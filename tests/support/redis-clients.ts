import { randomBytes } from "node:crypto";
import IORedis from "ioredis";
import { Redis } from "@upstash/redis";
import { tcpRequester } from "../../lib/store/tcp-requester";
import { startRedis, type RedisServer } from "./redis-server";
import { startUpstashGateway, type UpstashGateway } from "./upstash-gateway";

/**
 * A private redis-server and an Upstash-compatible gateway in front of it, with @upstash/redis
 * clients the two ways the app reaches Redis: over TCP (the ioredis requester) and over HTTP.
 */
export type RedisRig = { server: RedisServer; gateway: UpstashGateway; overTcp(): Redis; overHttp(): Redis; stop(): Promise<void> };

export async function startRedisRig(): Promise<RedisRig> {
  const server = await startRedis();
  const gateway = await startUpstashGateway({ redisUrl: server.url, token: randomBytes(16).toString("hex") });
  const clients: IORedis[] = [];
  return {
    server,
    gateway,
    overTcp() {
      const client = new IORedis(server.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
      client.on("error", () => {});
      clients.push(client);
      return new Redis(tcpRequester(client, { readyTimeoutMs: 1_500 }));
    },
    overHttp: () => new Redis({ url: gateway.url, token: gateway.token, enableTelemetry: false }),
    async stop() {
      for (const client of clients) client.disconnect();
      await gateway.close();
      await server.stop();
    },
  };
}
