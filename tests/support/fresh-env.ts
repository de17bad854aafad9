import { randomBytes } from "node:crypto";
import { vi } from "vitest";

/**
 * For unit tests of server modules that read the environment and the store: stubs a minimal valid
 * environment (a sign-in method, the offline demo model, the in-process store) with `overrides` on
 * top, forgets every process-wide value and module, so the next `await import(…)` builds them
 * afresh. Pair with `vi.unstubAllEnvs()` and `vi.resetModules()` in `afterEach`.
 */
export async function freshServerEnv(overrides: Record<string, string | undefined> = {}): Promise<void> {
  const settings: Record<string, string | undefined> = {
    NODE_ENV: "test",
    NEXTAUTH_SECRET: randomBytes(24).toString("hex"),
    GITHUB_ID: "Iv1.abc",
    GITHUB_SECRET: randomBytes(20).toString("hex"),
    AI_MODELS: "demo:demo",
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    REDIS_URL: undefined,
    ...overrides,
  };
  for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
  (await import("@/lib/singleton")).resetProcessSingletonsForTests();
  vi.resetModules();
}
