import { randomBytes } from "node:crypto";
import { generateRelayKey } from "../../lib/api-keys/key-format";

/**
 * Fake credentials of the real shapes, made at run time: a literal key in the repository would trip
 * secret scanners, and a fresh one per run cannot be found anywhere by accident.
 */
const token = (bytes: number) => randomBytes(bytes).toString("base64url").replace(/[-_]/g, "x");

export function fakeOpenAIKey(): string {
  return ["sk", "proj", token(48)].join("-");
}

export function fakeAnthropicKey(): string {
  return ["sk", "ant", "api03", `${token(70)}AA`].join("-");
}

/**
 * A relay (personal API) key exactly as the server issues them (`bwk_`, 40 random base62 characters, a
 * 6-character checksum), so a scanner test breaks if the format drifts away from the scanners' pattern.
 * It exists in no store: as a credential it opens nothing.
 */
export function fakeRelayKey(): string {
  return generateRelayKey();
}

export function fakeSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Appends the Luhn check digit, computed here, independently of the code under test. */
export function withLuhn(partial: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = partial + check;
    const sum = [...candidate].reverse().reduce((acc, ch, i) => {
      const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
      return acc + (d > 9 ? d - 9 : d);
    }, 0);
    if (sum % 10 === 0) return candidate;
  }
  throw new Error("unreachable");
}
