/**
 * The reply `npm run bench:render` streams: about 50 KB of the markdown a model writes (headings,
 * paragraphs with inline formatting and links, lists, fenced code, tables, quotes), the same on
 * every run, and the chunks it arrives in.
 */

/** The last words of the reply, so the bench knows the whole of it is on screen. */
export const REPLY_END_MARKER = "RENDER-BENCH-END";

const TOPICS = ["caching", "rate limits", "sessions", "key rotation", "streaming", "audit logs", "budgets", "sanitizing"] as const;

function section(index: number): string {
  const topic = TOPICS[index % TOPICS.length] ?? "notes";
  const n = index + 1;
  return [
    `## ${n}. About ${topic}`,
    "",
    `Part ${n} looks at **${topic}** from the operator's side. The defaults are chosen so that a small ` +
      `deployment is safe without tuning, and the \`${topic.replace(/\s/g, "_").toUpperCase()}_LIMIT\` setting ` +
      `moves the trade-off when it needs to. See [the guide](https://example.com/docs/${n}) for the details, ` +
      `and *measure before changing anything*: most slow pages are slow for another reason.`,
    "",
    `- The first thing to check is whether ${topic} is on at all.`,
    `- Then look at the logs: every refusal is recorded with its reason (\`reason=${n}\`).`,
    `- Finally, compare against the figures in docs/benchmarks.md.`,
    "",
    "```ts",
    `export function check${n}(input: string): boolean {`,
    `  const limit = ${1000 + n};`,
    "  if (input.length > limit) return false;",
    `  return !/[<>]/.test(input); // ${topic}`,
    "}",
    "```",
    "",
    "| Setting | Default | Meaning |",
    "| ------- | ------: | ------- |",
    `| \`${topic.replace(/\s/g, "_")}\` | ${n * 10} | how much is allowed |`,
    `| \`window\` | ${n}s | how long it is counted |`,
    "",
    `> Note ${n}: changing this at runtime needs a restart of every instance.`,
  ].join("\n");
}

/** About `chars` characters of markdown, ending with {@link REPLY_END_MARKER} in its own paragraph. */
export function benchReply(chars = 50_000): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < chars - 200; index++) {
    const next = section(index);
    parts.push(next);
    length += next.length + 2;
  }
  return `${parts.join("\n\n")}\n\n${REPLY_END_MARKER}`;
}

/** `text` cut into `count` pieces of (nearly) equal length, wherever the cuts fall: mid-word, mid-tag. */
export function chunksOf({ text, count }: { text: string; count: number }): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) {
    chunks.push(text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)));
  }
  return chunks.filter((chunk) => chunk !== "");
}
