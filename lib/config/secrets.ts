/**
 * Which variables hold secrets, and how to tell a placeholder from a real one. Used by the start-up
 * check (no example secrets in production) and the build check (no secret behind NEXT_PUBLIC_).
 */

import { SECRET_VARIABLES } from "./variables";

export { FILE_VARIABLES, SECRET_VARIABLES } from "./variables";

// The placeholders used in .env.example all contain one of these; a unit test keeps them in step.
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|your[-_ ]|example|placeholder|^x{4,}$|^(secret|password|changeit|test|dummy)$/i;

export function looksLikeExampleSecret(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

// Names that say "secret" and values that look like credentials.
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL/i;
// (`\b` cannot precede the PEM header: it starts with `-`, so a boundary there never matches.)
const SECRET_VALUE =
  /\b(sk-(proj|ant|live|svcacct|admin)?-?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}|bwk_[A-Za-z0-9]{46})|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Variables that Next.js would inline into the browser bundle (NEXT_PUBLIC_*) and that look secret,
 * by name or by value. The build fails when this returns anything.
 */
export function findPublicSecrets(source: Record<string, string | undefined>): string[] {
  const secretValues = new Set(SECRET_VARIABLES.map((name) => source[name]).filter((v): v is string => !!v && v.trim().length >= 8));
  return Object.entries(source)
    .filter(([name, value]) => name.startsWith("NEXT_PUBLIC_") && value)
    .filter(([name, value = ""]) => SECRET_NAME.test(name) || SECRET_VALUE.test(value) || secretValues.has(value))
    .map(([name]) => name);
}

/**
 * Fails the build when `findPublicSecrets` finds anything: such a value would be inlined into the
 * JavaScript every visitor downloads. Needs no zod, so next.config.ts can run it on every load cheaply.
 */
export function assertNoPublicSecrets(source: Record<string, string | undefined>): void {
  const publicSecrets = findPublicSecrets(source);
  if (publicSecrets.length > 0) {
    throw new Error(
      `Refusing to build: ${publicSecrets.join(", ")} would be shipped to every browser (NEXT_PUBLIC_ variables are public). ` +
        "Rename them without the NEXT_PUBLIC_ prefix and read them on the server through lib/env.ts.",
    );
  }
}
