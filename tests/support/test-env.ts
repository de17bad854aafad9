import { randomBytes } from "node:crypto";
import { hashPassword } from "../../lib/crypto/password-hash";
import { fakeAnthropicKey, fakeOpenAIKey, fakeSecret } from "./fake-keys";

/**
 * The secrets of one test run. `npm test` makes them once and passes them to every step (the build
 * included, so the leak checks look for the same fake key that was present at build time); a test
 * file run on its own makes its own.
 */
export const runSecrets = {
  openaiKey: process.env.BULWARK_TEST_OPENAI_KEY ?? fakeOpenAIKey(),
  anthropicKey: process.env.BULWARK_TEST_ANTHROPIC_KEY ?? fakeAnthropicKey(),
  nextauthSecret: process.env.BULWARK_TEST_NEXTAUTH_SECRET ?? fakeSecret(),
  relayKeySecret: process.env.BULWARK_TEST_RELAY_KEY_SECRET ?? fakeSecret(),
};

export type TestUser = { email: string; password: string };

/** Local accounts for a test server; cheap scrypt parameters keep sign-in fast in tests only. */
export async function makeUsers(names: string[]): Promise<{ users: Record<string, TestUser>; authLocalUsers: string }> {
  const users: Record<string, TestUser> = {};
  const entries: string[] = [];
  for (const name of names) {
    const user = { email: `${name}@example.test`, password: randomBytes(12).toString("base64url") };
    users[name] = user;
    entries.push(`${user.email}:${await hashPassword(user.password, { log2N: 10, r: 8, p: 1 })}`);
  }
  return { users, authLocalUsers: entries.join(",") };
}

/** The environment of a test server talking to the mock providers. */
export function appEnv({
  openaiUrl,
  anthropicUrl,
  authLocalUsers,
  extra = {},
}: {
  openaiUrl: string;
  anthropicUrl: string;
  authLocalUsers: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NEXTAUTH_SECRET: runSecrets.nextauthSecret,
    RELAY_KEY_SECRET: runSecrets.relayKeySecret,
    AUTH_LOCAL_USERS: authLocalUsers,
    AI_MODELS: "openai:gpt-4o-mini,anthropic:claude-sonnet-4-6,demo:demo",
    OPENAI_API_KEY: runSecrets.openaiKey,
    OPENAI_BASE_URL: openaiUrl,
    ANTHROPIC_API_KEY: runSecrets.anthropicKey,
    ANTHROPIC_BASE_URL: anthropicUrl,
    CHAT_RATE_LIMIT: "100/60s",
    LOG_LEVEL: "debug",
    ALLOW_IN_MEMORY_STORE: "true",
    ...extra,
  };
}
