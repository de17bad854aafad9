/** A minimal client of POST /api/chat for tests: sends like the browser does and reads the events. */
export type ChatEvent = {
  type: string;
  text?: string;
  code?: string;
  message?: string;
  conversationId?: string;
  usage?: { inputTokens: number; outputTokens: number };
};

export function postChat({
  baseUrl,
  cookie,
  body,
  headers = {},
  signal,
}: {
  baseUrl: string;
  cookie?: string;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}) {
  return fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: baseUrl, "Sec-Fetch-Site": "same-origin", ...(cookie && { Cookie: cookie }), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal,
  });
}

export async function readEvents(res: Response): Promise<ChatEvent[]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .map((block) => block.split("\n").find((line) => line.startsWith("data: ")))
    .filter((line): line is string => !!line)
    .map((line) => JSON.parse(line.slice("data: ".length)) as ChatEvent);
}

export const replyText = (events: ChatEvent[]) =>
  events
    .filter((e) => e.type === "text")
    .map((e) => e.text)
    .join("");
