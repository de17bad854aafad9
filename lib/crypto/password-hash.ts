import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes for local accounts: scrypt from node:crypto with a random salt per password.
 * Format `scrypt.<log2 N>.<r>.<p>.<salt>.<hash>` (base64url), which holds no `:` or `,` so it can sit
 * in AUTH_LOCAL_USERS as `email:hash,email:hash`, and no `$`, which .env files and shells would expand. The parameters travel with the hash, so they can
 * be raised later without invalidating old hashes.
 */

// OWASP's recommended minimum for scrypt: N=2^17 (128 MiB), r=8, p=1.
const DEFAULT_PARAMS = { log2N: 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^scrypt\.(\d{1,2})\.(\d{1,2})\.(\d{1,2})\.([A-Za-z0-9_-]{16,})\.([A-Za-z0-9_-]{32,})$/;

type Params = { log2N: number; r: number; p: number };

function derive(password: string, salt: Buffer, { log2N, r, p }: Params, length: number): Promise<Buffer> {
  const N = 2 ** log2N;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize("NFKC"), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string, params: Params = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return ["scrypt", params.log2N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join(".");
}

export function isPasswordHash(value: string): boolean {
  const match = FORMAT.exec(value);
  if (!match) return false;
  const [log2N, r, p] = match.slice(1, 4).map(Number) as [number, number, number];
  return log2N >= 10 && log2N <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16;
}

/** Compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const match = FORMAT.exec(hash);
  if (!match || !isPasswordHash(hash)) return false;
  const [log2N, r, p] = match.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(match[4] ?? "", "base64url");
  const expected = Buffer.from(match[5] ?? "", "base64url");
  const actual = await derive(password, salt, { log2N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check, for an unknown account, so response time does not tell an
 * attacker which email addresses have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
  return false;
}
