import IORedis from "ioredis";

/** One key of a Redis dump: its name and its values as strings (hash fields and values, list items, set and zset members). */
export type DumpEntry = { key: string; values: string[] };

/**
 * Every key under `prefix` on the Redis at `url`, with its values: what someone holding a copy of the
 * store would read. Used to prove that what the app keeps there is encrypted or hashed.
 */
export async function dumpRedis(url: string, prefix: string): Promise<DumpEntry[]> {
  const client = new IORedis(url);
  try {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
    const out: DumpEntry[] = [];
    for (const key of keys) {
      const type = await client.type(key);
      const values =
        type === "hash"
          ? Object.entries(await client.hgetall(key)).flat()
          : type === "list"
            ? await client.lrange(key, 0, -1)
            : type === "zset"
              ? await client.zrange(key, 0, -1)
              : type === "set"
                ? await client.smembers(key)
                : type === "string"
                  ? [String(await client.get(key))]
                  : [];
      out.push({ key, values });
    }
    return out;
  } finally {
    client.disconnect();
  }
}
