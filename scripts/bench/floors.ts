/**
 * Where a chat's CPU goes, coarsely: the same route refused at two depths, each timed like a chat
 * (app CPU per request, concurrency 16). What a refusal costs is the floor every chat pays before
 * any guard, store or provider work:
 *   - no session cookie → 401: Next's routing and request objects, the origin check, the error answer
 *     and its log line;
 *   - signed in, a field the schema refuses → 400: the above plus the session (next-auth's JWE
 *     decryption), the user's controls from the store, reading the body and the schema.
 */
import { runLoad, type Target } from "./load";
import { treeCpuMs } from "./proc-cpu";

export type Floor = { label: string; cpuPerRequest: number; requests: number; failed: number };

const REQUESTS = 600;

export async function measureFloors({ port, origin, cookie, pid }: { port: number; origin: string; cookie: string; pid: number }): Promise<Floor[]> {
  const refusal = (name: string, status: number, headers: Record<string, string>, body: string): Target => ({
    name,
    url: `http://127.0.0.1:${port}/api/chat`,
    headers: () => headers,
    body: () => body,
    hasText: () => false,
    endedWell: () => true,
    status,
  });
  const cases = [
    { label: "refused before the session: no cookie → 401", target: refusal("401", 401, { Origin: origin }, JSON.stringify({ message: "Hello" })) },
    {
      label: "refused after session, controls, body and schema → 400",
      target: refusal("400", 400, { Origin: origin, Cookie: cookie, "Sec-Fetch-Site": "same-origin" }, JSON.stringify({ message: "Hello", role: "system" })),
    },
  ];
  const floors: Floor[] = [];
  for (const { label, target } of cases) {
    await runLoad({ target, concurrency: 16, requests: 200 }); // warm-up
    const before = treeCpuMs(pid);
    const { samples } = await runLoad({ target, concurrency: 16, requests: REQUESTS });
    floors.push({ label, cpuPerRequest: (treeCpuMs(pid) - before) / REQUESTS, requests: REQUESTS, failed: samples.filter((s) => !s.ok).length });
  }
  return floors;
}
