import type { FullConfig } from "@playwright/test";
import { startApp } from "../support/app-server";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import { appEnv, makeUsers } from "../support/test-env";

/** The e2e users: one per spec so that rate limits and conversations never cross between tests. */
export const E2E_USERS = [
  "signin",
  "chat",
  "stop",
  "ratelimit",
  "xss",
  "mobile",
  "conversations",
  "admin",
  "blockme",
  "tools",
  "tooldeny",
  "attach",
  "attachrefuse",
  "attachphone",
] as const;

/**
 * Starts the mock providers and the production app once for the whole run; the returned function
 * stops them. Tests find them through environment variables (inherited by the workers).
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const [openai, anthropic] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  const { users, authLocalUsers } = await makeUsers([...E2E_USERS]);
  const extra = {
    // An hour, not a minute: the sliding window weighs the previous fixed window (as Upstash's
    // does), so a burst that straddles a window's edge could slip one request past a short limit.
    CHAT_RATE_LIMIT: "4/1h",
    AI_MODELS: "openai:gpt-4o-mini,demo:demo,anthropic:claude-sonnet-4-6",
    ADMIN_EMAILS: "admin@example.test",
    // The chat as a deployment with tools has it: the demo model calls them on cue (tools.spec.ts).
    TOOLS: "all",
  };
  const app = await startApp({ name: "e2e", env: appEnv({ openaiUrl: openai.url, anthropicUrl: anthropic.url, authLocalUsers, extra }) });
  process.env.E2E_BASE_URL = app.url;
  process.env.E2E_MOCK_ORIGIN = openai.origin;
  process.env.E2E_USERS = JSON.stringify(users);
  return async () => {
    await app.stop();
    await Promise.all([openai.close(), anthropic.close()]);
    if (openai.exfilHits.length > 0) throw new Error(`The browser fetched attacker URLs: ${openai.exfilHits.join(", ")}`);
  };
}
