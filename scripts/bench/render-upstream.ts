import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A stand-in for the OpenAI Chat Completions API that answers every streamed request with the same
 * reply, in the given chunks, `delayMs` apart, so the real SDK and the app's whole output path run.
 * (tests/support/mock-openai.ts picks its replies by directive and has no room for a 50 KB one.)
 */
export type BenchUpstream = { url: string; close: () => Promise<void> };

const frame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

async function answer({ res, chunks, delayMs }: { res: ServerResponse; chunks: readonly string[]; delayMs: number }): Promise<void> {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: "gpt-4o-mini" };
  const choice = (delta: Record<string, string>, finish: string | null) =>
    frame({ ...base, usage: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.write(choice({ role: "assistant", content: "" }, null));
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (delayMs > 0) await sleep(delayMs);
    res.write(choice({ content: chunk }, null));
  }
  const completion = Math.ceil(chunks.join("").length / 4);
  res.write(choice({}, "stop"));
  res.end(`${frame({ ...base, choices: [], usage: { prompt_tokens: 50, completion_tokens: completion, total_tokens: 50 + completion } })}data: [DONE]\n\n`);
}

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    req.on("data", () => undefined);
    req.on("end", resolve);
    req.on("error", () => resolve());
  });
}

export async function startBenchUpstream({ chunks, delayMs }: { chunks: readonly string[]; delayMs: number }): Promise<BenchUpstream> {
  const server = createServer((req, res) => {
    res.on("error", () => undefined);
    void drain(req).then(() => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "POST" && path === "/v1/chat/completions") return answer({ res, chunks, delayMs });
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "not here", type: "invalid_request_error", code: null } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
