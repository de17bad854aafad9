import type { ChatProvider, ChatRequest, PromptMessage, StreamPart, ToolCallRequest } from "../ai/types";

/**
 * The offline demo model: no key, no network. It streams a deterministic markdown reply that shows
 * what the pipeline did with the message, so the quickstart demonstrates the real path end to end.
 */
const WORD_DELAY_MS = 12;

export function demoProvider(): ChatProvider {
  return {
    async *stream({ messages, signal, tools }: ChatRequest): AsyncIterable<StreamPart> {
      const call = tools && tools.length > 0 ? demoToolCall(messages, new Set(tools.map((t) => t.name))) : null;
      const reply = call ? call.preface : messages.at(-1)?.role === "tool" ? describeResults(messages) : describe(messages);
      for (const piece of reply.match(/\S+\s*|\s+/g) ?? []) {
        if (signal.aborted) return;
        await sleep(WORD_DELAY_MS, signal);
        if (signal.aborted) return; // aborted during the pause: not one more word
        yield { type: "text", text: piece };
      }
      if (call && !signal.aborted) yield { type: "tool-call", call: call.call };
      const inputChars = messages.reduce((n, m) => n + m.content.length, 0);
      yield { type: "usage", usage: { inputTokens: Math.ceil(inputChars / 4), outputTokens: Math.ceil(reply.length / 4) } };
    },
  };
}

function describe(messages: PromptMessage[]): string {
  const system = messages[0]?.role === "system" ? messages[0].content : "";
  // The boundary id stays secret even here: it is what keeps a user or a document from closing the fence.
  let passages = 0;
  const last = (messages.at(-1)?.content ?? "")
    // A document's passage is shown by its opening only: the reply streams word by word.
    .replace(/(<document id="[^"]*"[^>\n]*>\n)([\s\S]*?)(\n<\/document id="[^"]*">)/g, (_match, open: string, body: string, close: string) => {
      passages += 1;
      const shown =
        body.length > DOCUMENT_PREVIEW_CHARS ? `${body.slice(0, DOCUMENT_PREVIEW_CHARS)}\n… (${body.length.toLocaleString("en-US")} characters in all)` : body;
      return `${open}${shown}${close}`;
    })
    .replace(/(<\/?(?:user_input|document) id=")[^"]*"/g, '$1…"');
  const earlier = messages.slice(1, -1).length;
  const fence = "`".repeat(Math.max(3, longestBacktickRun(last) + 1));
  return [
    "**Demo model** — nothing left this server. Here is what Bulwark did with your message:",
    "",
    "1. **Checked the request**: same-origin, signed-in session, body size cap, strict schema (no roles or extra fields accepted), and your per-user rate limit.",
    `2. **Built the prompt on the server**: a system prompt of ${system.length} characters that the browser never sees, ${earlier} earlier turn${earlier === 1 ? "" : "s"} from the server's conversation store,${passages > 0 ? ` ${passages} passage${passages === 1 ? "" : "s"} of your documents fenced and marked as data,` : ""} and your text fenced as untrusted data.`,
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

/** How much of each document passage the demo reply shows. */
const DOCUMENT_PREVIEW_CHARS = 240;

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

/**
 * The demo model's tool use, so the quickstart shows tools end to end: a web address in the
 * message asks fetch_page for it; "search my conversations for …" searches; "save a note: …" (or
 * "remember …") asks to save one, which waits for the person's approval. After the results come
 * back it says what it got. Only on the person's own turn: a tool's output never makes it call.
 */
function demoToolCall(messages: PromptMessage[], offered: Set<string>): { call: ToolCallRequest; preface: string } | null {
  const last = messages.at(-1);
  if (last?.role !== "user") return null;
  const text = last.content.replace(/^<user_input id="[^"]*">\n?|\n?<\/user_input id="[^"]*">$/g, "").trim();
  const id = `demo_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = /\bhttps?:\/\/[^\s<>()"']+/i.exec(text)?.[0];
  if (url && offered.has("fetch_page")) {
    return { call: { id, name: "fetch_page", argsJson: JSON.stringify({ url }) }, preface: `I'll read ${url} for you. ` };
  }
  const search = /\bsearch (?:my|our) (?:earlier |old |past )?(?:conversations|chats)(?: for)?\s+(.{2,200})/i.exec(text)?.[1];
  if (search && offered.has("search_my_conversations")) {
    const query = search.replace(/[?.!]+$/, "").trim();
    return {
      call: { id, name: "search_my_conversations", argsJson: JSON.stringify({ query }) },
      preface: `Let me look through your earlier conversations for "${query}". `,
    };
  }
  const note = /\b(?:save (?:a |this as a )?note|remember)[:,]?\s+(.{1,4000})/is.exec(text)?.[1];
  if (note && offered.has("save_note")) {
    const body = note.trim();
    const title = body.split(/[.\n]/)[0]?.slice(0, 60).trim() || "Note";
    return {
      call: { id, name: "save_note", argsJson: JSON.stringify({ title, body }) },
      preface: "I can save that as a note. It needs your approval first: check the title and text below. ",
    };
  }
  return null;
}

/** What the demo model says once its tool calls have been answered. */
function describeResults(messages: PromptMessage[]): string {
  const results = messages.slice(messages.findLastIndex((m) => m.role === "assistant") + 1).filter((m) => m.role === "tool");
  const lines = results.map((r) => {
    const body = r.content.replace(/^<tool_output[^>]*>\n?|\n?<\/tool_output[^>]*>$/g, "").trim();
    const first =
      body
        .split("\n")
        .find((l) => l.trim())
        ?.slice(0, 160) ?? "";
    return `- **${r.role === "tool" ? r.name : "tool"}**: ${first || "(nothing)"}`;
  });
  return [
    "**Demo model** — here is what the tool gave back (fenced as untrusted data, checked by the same guards as your message):",
    "",
    ...lines,
    "",
    "A real model would now answer from it.",
  ].join("\n");
}
