/**
 * The load client: a closed loop of `concurrency` workers, each sending its next streaming request
 * as soon as the last one ended, over node:http with kept-alive connections (lighter than fetch, so
 * the client takes less of the two cores from the server it measures). It reads each stream as it
 * arrives and notes three times from the moment the request was sent:
 *   firstByteMs  the response headers arrived;
 *   ttftMs       the first chunk carrying reply text arrived (what a person waits for);
 *   totalMs      the stream ended.
 * A request counts as ok only with status 200 and a stream that ended the normal way ([DONE] from
 * the upstream, a `done` event from the app) with no error event.
 */
import { Agent, request } from "node:http";

export type Sample = { ok: boolean; firstByteMs: number; ttftMs: number; totalMs: number; error?: string };

/** What to call: one POST per request; `headers`/`body` get the request's index so users can rotate. */
export type Target = {
  name: string;
  url: string;
  headers: (index: number) => Record<string, string>;
  body: (index: number) => string;
  /** True once the text seen so far holds reply text. */
  hasText: (seen: string) => boolean;
  /** True if the whole stream's last bytes show a normal end. */
  endedWell: (tail: string) => boolean;
  /** A status other than 200 that counts as success (for timing refusals); then only the status is checked. */
  status?: number;
};

export type LoadResult = { samples: Sample[]; wallMs: number };

const TIMEOUT_MS = 120_000;
const agents = new Map<string, Agent>();
const agentFor = (origin: string) => {
  let agent = agents.get(origin);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
    agents.set(origin, agent);
  }
  return agent;
};

export function once({ target, index }: { target: Target; index: number }): Promise<Sample> {
  const url = new URL(target.url);
  const body = target.body(index);
  return new Promise((resolve) => {
    const start = performance.now();
    const since = () => performance.now() - start;
    let firstByteMs = Number.NaN;
    let ttftMs = Number.NaN;
    let seen = "";
    let done = false;
    const finish = (sample: Omit<Sample, "firstByteMs" | "ttftMs" | "totalMs">) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ firstByteMs, ttftMs, totalMs: since(), ...sample });
    };
    const req = request(
      url,
      {
        method: "POST",
        agent: agentFor(url.origin),
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...target.headers(index) },
      },
      (res) => {
        firstByteMs = since();
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (Number.isNaN(ttftMs)) {
            seen += chunk;
            if (target.hasText(seen)) ttftMs = since();
          } else {
            // Only the end matters from here on: keep a short tail, not the whole reply.
            seen = (seen.length > 256 ? seen.slice(-256) : seen) + chunk;
          }
        });
        res.on("end", () => {
          if (target.status !== undefined) return finish({ ok: res.statusCode === target.status, error: `status ${res.statusCode}` });
          if (res.statusCode !== 200) return finish({ ok: false, error: `status ${res.statusCode}: ${seen.slice(0, 200)}` });
          if (!target.endedWell(seen.slice(-512))) return finish({ ok: false, error: `bad end: ${seen.slice(-200)}` });
          finish({ ok: !Number.isNaN(ttftMs) });
        });
        res.on("error", (error) => finish({ ok: false, error: error.message }));
      },
    );
    const timer = setTimeout(() => req.destroy(new Error("timed out")), TIMEOUT_MS);
    req.on("error", (error) => finish({ ok: false, error: error.message }));
    req.end(body);
  });
}

/** `requests` requests, `concurrency` at a time; request indexes start at `firstIndex`. */
export async function runLoad({
  target,
  concurrency,
  requests,
  firstIndex = 0,
}: {
  target: Target;
  concurrency: number;
  requests: number;
  firstIndex?: number;
}): Promise<LoadResult> {
  const samples: Sample[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const index = firstIndex + next++;
      samples.push(await once({ target, index }));
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const wallMs = performance.now() - start;
  // Idle kept-alive connections are closed after each run: while the other paths run, a server may
  // close them itself (keep-alive timeout), and a request sent on one just then fails with "socket hang up".
  const origin = new URL(target.url).origin;
  agents.get(origin)?.destroy();
  agents.delete(origin);
  return { samples, wallMs };
}

/** The app's event stream: `data: {"type":"text",…}` events, then `done`. */
export const appStream = {
  hasText: (seen: string) => seen.includes('"type":"text"'),
  endedWell: (tail: string) => tail.includes('"type":"done"') && !tail.includes('"type":"error"'),
};

/** OpenAI's stream: a chunk whose delta has non-empty content, then `[DONE]`. */
export const openAIStream = {
  hasText: (seen: string) => /"delta":\{"content":"[^"]/.test(seen),
  endedWell: (tail: string) => tail.trimEnd().endsWith("data: [DONE]"),
};
