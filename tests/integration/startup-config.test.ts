/**
 * The server validates its environment at start-up and refuses to run when it is wrong, naming each
 * bad variable and never printing a value.
 */
import { describe, expect, it } from "vitest";
import { startAppExpectingFailure } from "../support/app-server";
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
