import Redis from "ioredis";

/** Commands a Redis server has run since it started (INFO commandstats), leaving out INFO itself. */
export async function redisCommandCount(url: string): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const stats = await client.info("commandstats");
    return [...stats.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].reduce((sum, [, name, calls]) => (name === "info" ? sum : sum + Number(calls)), 0);
  } finally {
    client.disconnect();
  }
}
