import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertBuildEnvironment } from "@/lib/config/build-checks";

/**
 * What `next build` checks first (lib/config/build-checks.ts, run by next.config.ts as Next loads it):
 * a thrown error there is the build failing. next.config.ts loads the schema half with require() only
 * outside `next start`, through the TypeScript hook Next puts around it, which vitest does not have:
 * here the checks are called directly, and next.config.ts is loaded the way `next start` loads it.
 */
const checkBuild = () => assertBuildEnvironment(process.env);

const loadConfigAtStart = async () => {
  vi.resetModules();
  const argv = process.argv;
  process.argv = [argv[0] ?? "node", "next", "start"];
  try {
    return await import("../../next.config");
  } finally {
    process.argv = argv;
  }
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

describe("build checks", () => {
  it("pass with a clean environment", () => {
    expect(checkBuild).not.toThrow();
  });

  it("fail the build when a secret is exposed as NEXT_PUBLIC_OPENAI_API_KEY, naming it but not its value", () => {
    const value = "sk-" + "proj-" + randomBytes(30).toString("base64url");
    vi.stubEnv("NEXT_PUBLIC_OPENAI_API_KEY", value);
    const message = (() => {
      try {
        checkBuild();
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/^Refusing to build:/);
    expect(message).toContain("NEXT_PUBLIC_OPENAI_API_KEY");
    expect(message).not.toContain(value);
  });

  it("fail the build when a harmless-looking NEXT_PUBLIC_ name carries a copy of a server secret", () => {
    const secret = randomBytes(24).toString("hex");
    vi.stubEnv("NEXTAUTH_SECRET", secret);
    vi.stubEnv("NEXT_PUBLIC_BUILD_ID", secret);
    expect(checkBuild).toThrow(/NEXT_PUBLIC_BUILD_ID/);
  });

  it("let a harmless NEXT_PUBLIC_APP_NAME through", () => {
    vi.stubEnv("NEXT_PUBLIC_APP_NAME", "Bulwark");
    expect(checkBuild).not.toThrow();
  });

  it("fail the build on a malformed variable, naming it", () => {
    vi.stubEnv("CHAT_RATE_LIMIT", "twenty-per-minute");
    expect(checkBuild).toThrow(/Refusing to build: Invalid environment/);
    expect(checkBuild).toThrow(/CHAT_RATE_LIMIT/);
  });

  it("do not need runtime secrets to build", () => {
    vi.stubEnv("NODE_ENV", "production");
    expect(checkBuild).not.toThrow();
  });
});

describe("next.config.ts at `next start`", () => {
  it("loads and keeps its hardening options", async () => {
    const { default: config } = await loadConfigAtStart();
    expect(config.poweredByHeader).toBe(false);
    expect(config.productionBrowserSourceMaps).toBe(false);
  });

  it("still refuses a secret behind NEXT_PUBLIC_", async () => {
    vi.stubEnv("NEXT_PUBLIC_OPENAI_API_KEY", "sk-" + "proj-" + randomBytes(30).toString("base64url"));
    await expect(loadConfigAtStart()).rejects.toThrow(/^Refusing to build: NEXT_PUBLIC_OPENAI_API_KEY/);
  });

  it("leaves the schema to instrumentation.ts (a malformed variable stops the server there, not here)", async () => {
    vi.stubEnv("CHAT_RATE_LIMIT", "twenty-per-minute");
    await expect(loadConfigAtStart()).resolves.toHaveProperty("default");
  });
});
