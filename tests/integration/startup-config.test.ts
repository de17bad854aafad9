/**
 * The server validates its environment at start-up and refuses to run when it is wrong, naming each
 * bad variable and never printing a value.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startApp, startAppExpectingFailure } from "../support/app-server";
import { makeUsers, runSecrets } from "../support/test-env";

async function base() {
  const { authLocalUsers } = await makeUsers(["alice"]);
  return { NEXTAUTH_URL: "http://localhost:3000", NEXTAUTH_SECRET: runSecrets.nextauthSecret, AUTH_LOCAL_USERS: authLocalUsers, AI_MODELS: "demo:demo" };
}

describe("in production the server refuses to start", () => {
  it("with the example NEXTAUTH_SECRET from .env.example", async () => {
    const example = "change-me-to-a-long-random-secret-0123456789";
    const { code, output } = await startAppExpectingFailure({ env: { ...(await base()), NEXTAUTH_SECRET: example } });
    expect(code).not.toBe(0);
    expect(output).toContain("NEXTAUTH_SECRET");
    expect(output).not.toContain(example);
  });

  it("with no session secret at all", async () => {
    const { NEXTAUTH_SECRET: _omit, ...env } = await base();
    const { code, output } = await startAppExpectingFailure({ env });
    expect(code).not.toBe(0);
    expect(output).toContain("NEXTAUTH_SECRET");
  });

  it("without a provider key unless the demo model is chosen explicitly", async () => {
    const { AI_MODELS: _omit, ...env } = await base();
    const { code, output } = await startAppExpectingFailure({ env });
    expect(code).not.toBe(0);
    expect(output).toContain("AI_MODELS=demo:demo");
  });

  it("naming every malformed variable at once, without their values", async () => {
    const bad = { CHAT_RATE_LIMIT: "lots-per-minute", OPENAI_BASE_URL: "not a url", AI_MODELS: "skynet:t800" };
    const { code, output } = await startAppExpectingFailure({ env: { ...(await base()), ...bad } });
    expect(code).not.toBe(0);
    for (const [name, value] of Object.entries(bad)) {
      expect(output).toContain(name);
      if (name !== "AI_MODELS") expect(output).not.toContain(value);
    }
  });
});

describe("in production the server refuses insecure transport at start-up", () => {
  // Each environment is otherwise complete, and each test asserts the transport rule's own message:
  // without the rule the server would start, or fail for another reason (a store host that does not
  // resolve), and the test fails either way.
  const complete = async () => ({ ...(await base()), ALLOW_IN_MEMORY_STORE: "true" });
  it("an http:// provider base URL on a host off this machine", async () => {
    const { code, output } = await startAppExpectingFailure({
      env: { ...(await complete()), OPENAI_BASE_URL: "http://llm.bulwark.test/v1", OPENAI_API_KEY: runSecrets.openaiKey },
    });
    expect(code).toBe(1);
    expect(output).toContain("OPENAI_BASE_URL: must be an https:// URL in production");
    expect(output).not.toContain("llm.bulwark.test");
  });

  it("an http:// NEXTAUTH_URL on a public host", async () => {
    const { code, output } = await startAppExpectingFailure({ env: { ...(await complete()), NEXTAUTH_URL: "http://chat.bulwark.test" } });
    expect(code).toBe(1);
    expect(output).toContain("NEXTAUTH_URL: must be an https:// URL in production");
  });

  it("a redis:// REDIS_URL on a host off this machine, without quoting its password", async () => {
    const password = `zqx${randomBytes(12).toString("hex")}`;
    const env = {
      ...(await complete()),
      REDIS_URL: `redis://default:${password}@redis.bulwark.test:6379`,
      CONVERSATION_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    const { code, output } = await startAppExpectingFailure({ env });
    expect(code).toBe(1);
    expect(output).toContain("REDIS_URL: must be a rediss:// (TLS) URL");
    expect(output).not.toContain(password);
  });

  it("NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
    const { code, output } = await startAppExpectingFailure({ env: { ...(await complete()), NODE_TLS_REJECT_UNAUTHORIZED: "0" } });
    expect(code).toBe(1);
    expect(output).toContain("NODE_TLS_REJECT_UNAUTHORIZED: is 0");
    expect(output).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("but starts with a variable ALLOW_INSECURE_TRANSPORT lists, and says so on stderr whatever LOG_LEVEL is", async () => {
    const env = { ...(await complete()), OPENAI_BASE_URL: "http://vllm.bulwark.test/v1", ALLOW_INSECURE_TRANSPORT: "OPENAI_BASE_URL", LOG_LEVEL: "error" };
    const app = await startApp({ env, name: "insecure-transport" });
    try {
      expect(app.logs()).toContain("Bulwark: WARNING: OPENAI_BASE_URL goes to a host off this machine without TLS, because ALLOW_INSECURE_TRANSPORT lists it");
    } finally {
      await app.stop();
    }
  }, 90_000);
});
