import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/**
 * next.config.ts runs its checks when it is loaded, which is what `next build` does first: a thrown
 * error there is the build failing. Each test loads a fresh copy under a controlled process.env.
 */
const loadConfig = async () => {
  vi.resetModules();
  return import("../../next.config");
};

// Every variable .env.example documents, so the host's own environment cannot sway the result.
const documented = readFileSync(fileURLToPath(new URL("../../.env.example", import.meta.url)), "utf8")
  .split(/\r?\n/)
  .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
  .filter((name): name is string => name !== undefined);

beforeEach(() => {
  for (const name of [...documented, ...Object.keys(process.env).filter((n) => n.startsWith("NEXT_PUBLIC_"))]) {
    vi.stubEnv(name, undefined);
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("next.config.ts build checks", () => {
  it("loads with a clean environment and keeps its hardening options", async () => {
    const { default: config } = await loadConfig();
    expect(config.poweredByHeader).toBe(false);
    expect(config.productionBrowserSourceMaps).toBe(false);
  });

  it("fails the build when a secret is exposed as NEXT_PUBLIC_OPENAI_API_KEY, naming it but not its value", async () => {
    const value = "sk-" + "proj-" + randomBytes(30).toString("base64url");
    vi.stubEnv("NEXT_PUBLIC_OPENAI_API_KEY", value);
    const failure = await loadConfig().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/^Refusing to build:/);
    expect(message).toContain("NEXT_PUBLIC_OPENAI_API_KEY");
    expect(message).not.toContain(value);
  });

  it("fails the build when a harmless-looking NEXT_PUBLIC_ name carries a copy of a server secret", async () => {
    const secret = randomBytes(24).toString("hex");
    vi.stubEnv("NEXTAUTH_SECRET", secret);
    vi.stubEnv("NEXT_PUBLIC_BUILD_ID", secret);
    await expect(loadConfig()).rejects.toThrow(/NEXT_PUBLIC_BUILD_ID/);
  });

  it("lets a harmless NEXT_PUBLIC_APP_NAME through", async () => {
    vi.stubEnv("NEXT_PUBLIC_APP_NAME", "Bulwark");
    await expect(loadConfig()).resolves.toHaveProperty("default");
  });

  it("fails the build on a malformed variable, naming it", async () => {
    vi.stubEnv("CHAT_RATE_LIMIT", "twenty-per-minute");
    const failure = loadConfig();
    await expect(failure).rejects.toThrow(/Refusing to build: Invalid environment/);
    await expect(failure).rejects.toThrow(/CHAT_RATE_LIMIT/);
  });

  it("does not need runtime secrets to build", async () => {
    vi.stubEnv("NODE_ENV", "production");
    await expect(loadConfig()).resolves.toHaveProperty("default");
  });
});
