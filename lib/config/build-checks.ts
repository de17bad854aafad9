import { EnvError, parseEnv } from "./schema";
import { assertNoPublicSecrets } from "./secrets";

/**
 * What `next build` checks before it compiles anything (next.config.ts runs this): no secret behind
 * NEXT_PUBLIC_ (see `assertNoPublicSecrets`), and every variable that is set well formed. Required
 * secrets are not needed to build; the server asks for them at start-up (lib/env.ts). Throws an Error
 * that starts "Refusing to build:", naming the variables, never their values.
 */
export function assertBuildEnvironment(source: Record<string, string | undefined>): void {
  assertNoPublicSecrets(source);
  try {
    parseEnv(source, { phase: "build" });
  } catch (error) {
    if (error instanceof EnvError) throw new Error(`Refusing to build: ${error.message}`);
    throw error;
  }
}
