import type { ChatProvider, ChatRequest, PromptMessage, StreamPart } from "../ai/types";

/**
 * The offline demo model: no key, no network. It streams a deterministic markdown reply that shows
 * what the pipeline did with the message, so the quickstart demonstrates the real path end to end.
 */
const WORD_DELAY_MS = 12;

export function demoProvider(): ChatProvider {
  return {
    async *stream({ messages, signal }: ChatRequest): AsyncIterable<StreamPart> {
      const reply = describe(messages);
      for (const piece of reply.match(/\S+\s*|\s+/g) ?? []) {
        if (signal.aborted) return;
        await sleep(WORD_DELAY_MS, signal);
        if (signal.aborted) return; // aborted during the pause: not one more word
        yield { type: "text", text: piece };
      }
      const inputChars = messages.reduce((n, m) => n + m.content.length, 0);
      yield { type: "usage", usage: { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.ceil(reply.length / 4) } };
    },
  };
}

function describe(messages: PromptMessage[]): string {
  const system = messages[0]?.role === "system" ? messages[0].content : "";
  // The boundary id stays secret even here: it is what keeps a user from closing the fence.
  const last = (messages.at(-1)?.content ?? "").replace(/(<\/?user_input id=")[^"]*"/g, '$1…"');
  const earlier = messages.slice(1, -1).length;
  const fence = "`".repeat(Math.max(3, longestBacktickRun(last) + 1));
  return [
    "**Demo model** — nothing left this server. Here is what Bulwark did with your message:",
    "",
    "1. **Checked the request**: same-origin, signed-in session, body size cap, strict schema (no roles or extra fields accepted), and your per-user rate limit.",
    `2. **Built the prompt on the server**: a system prompt of ${system.length} characters that the browser never sees, ${earlier} earlier turn${earlier === 1 ? "" : "s"} from the server's conversation store, and your text fenced as untrusted data.`,
    "3. **Will render this reply** as markdown sanitized with DOMPurify: no scripts, no event handlers, no remote images.",
    "",
    "Your turn, exactly as a model would receive it:",
    "",
    `${fence}text`,
    last,
    fence,
    "",
    "Set `OPENAI_API_KEY` or `ANTHROPIC_API_KEY` and `AI_MODELS` to talk to a real model.",
  ].join("\n");
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
