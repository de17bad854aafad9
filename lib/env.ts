import "server-only";
import { EnvError, parseEnv, type Env } from "./config/schema";

/**
 * The one reader of process.env for application code. Parsed once, on first use, so `next build`
 * (which loads route modules) does not need production secrets; `instrumentation.ts` calls
 * `assertEnvAtStartup` so a bad environment stops the server before it serves a request.
 */
let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Validates now; on failure prints every problem (names and rules, never values) and exits. */
export function assertEnvAtStartup(): Env {
  try {
    return env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`\nBulwark cannot start: ${error.message}\n\nSee .env.example for every variable and its format.\n`);
    process.exit(1);
  }
}

/** For tests that start a server per case: forget the parsed environment. */
export function resetEnvForTests(): void {
  cached = undefined;
}
