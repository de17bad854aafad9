import OpenAI from "openai";

/**
 * The floor of `npm run bench`: the least a Next.js route handler does to relay a model's stream,
 * to tell what Next.js and Node cost from what Bulwark's security adds. The same request and event
 * shapes as POST /api/chat, over the same SDK, with nothing else: no session, no limits, no guards,
 * no store. A benchmark fixture, never deployed: it calls whatever BENCH_UPSTREAM_URL names.
 */
const client = new OpenAI({ apiKey: process.env.BENCH_UPSTREAM_KEY ?? "", baseURL: process.env.BENCH_UPSTREAM_URL, maxRetries: 0 });
const encoder = new TextEncoder();
const event = (value: object) => encoder.encode(`data: ${JSON.stringify(value)}\n\n`);

export const dynamic = "force-dynamic";

// POST /api/chat – stream a reply, unguarded
export async function POST(req: Request): Promise<Response> {
  const { message } = (await req.json()) as { message: string };
  const stream = await client.chat.completions.create(
    { model: "gpt-4o-mini", messages: [{ role: "user", content: message }], stream: true, stream_options: { include_usage: true }, max_tokens: 1024 },
    { signal: req.signal },
  );
  const chunks = stream[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await chunks.next();
        if (next.done) {
          controller.enqueue(event({ type: "done", conversationId: "", usage: { inputTokens: 0, outputTokens: 0 } }));
          controller.close();
          return;
        }
        const text = next.value.choices[0]?.delta?.content;
        if (text) {
          controller.enqueue(event({ type: "text", text }));
          return;
        }
      }
    },
    cancel() {
      void chunks.return?.(undefined);
    },
  });
  return new Response(body, { headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store, no-transform" } });
}
