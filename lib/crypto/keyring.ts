import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Encryption at rest for conversation text: AES-256-GCM under CONVERSATION_ENCRYPTION_KEY, a list of
 * keys, newest first. New data uses the newest key; old data still opens with the key that made it,
 * so a key can be rotated without rewriting the store.
 *
 * Token: `v1.<keyId>.<iv>.<ciphertext+tag>`, all base64url, so it holds only `[A-Za-z0-9_.-]`.
 * No `server-only` import: the key generator script runs under plain tsx, and nothing secret lives at
 * module level (keys are passed in).
 */

const VERSION = "v1";
const KEY_BYTES = 32;
// 96-bit random IVs: NIST's limit is 2^32 encryptions per key, far beyond a chat store between rotations.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A token that cannot be opened. The message never holds plaintext or key material. */
export class DecryptError extends Error {
  override readonly name = "DecryptError";
}

/** First 8 bytes of SHA-256 over the key: tells keys apart in tokens and logs without revealing one. */
function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest().subarray(0, 8).toString("base64url");
}

/** Strict base64url: Node's decoder skips junk and ignores spare bits, which would let a token vary. */
function fromBase64url(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}

/** Hex, or base64 in either alphabet with optional padding; undefined if neither. The length is checked by the caller. */
function decodeKey(entry: string): Buffer | undefined {
  // Even-length hex is read as hex even when too short, so the byte count in the error is the one meant.
  // A 32-byte key in base64 is 43 characters, or 44 ending in `=`, so no valid base64 key is taken for hex.
  if (/^(?:[0-9a-f]{2})+$/i.test(entry)) return Buffer.from(entry, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(entry)) return undefined;
  return Buffer.from(entry.replace(/=+$/, ""), "base64");
}

/**
 * Parses CONVERSATION_ENCRYPTION_KEY: keys separated by commas, newest first, each 32 bytes as base64
 * (standard or url-safe, padding optional) or 64 hex characters. Returns the keys, or a sentence saying
 * what is wrong that names entries by position and never quotes them: the value must not reach the logs.
 */
export function parseKeyList(text: string): Buffer[] | string {
  const keys: Buffer[] = [];
  for (const [index, entry] of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)
    .entries()) {
    const which = `entry ${index + 1}`;
    const key = decodeKey(entry);
    if (!key) return `${which} must be a 32-byte key written as base64 or as 64 hex characters`;
    if (key.length !== KEY_BYTES) {
      return `${which} is ${key.length} bytes; each key must be 32 bytes (base64 of 43 or 44 characters, or 64 hex characters)`;
    }
    const twin = keys.findIndex((k) => timingSafeEqual(k, key));
    if (twin >= 0) return `${which} is the same key as entry ${twin + 1}`;
    keys.push(key);
  }
  if (keys.length === 0) return "must list at least one key (make one with `npm run -s store:generate-key`)";
  return keys;
}

/** Encrypts with the newest key and decrypts with whichever listed key made the token. */
export class Keyring {
  // Private fields: util.inspect and JSON.stringify do not show them, so a logged keyring leaks nothing.
  readonly #byId = new Map<string, Buffer>();
  readonly #currentId: string;
  readonly #currentKey: Buffer;

  /** `keys` newest first. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error("a keyring needs at least one key");
    for (const [index, key] of keys.entries()) {
      if (key.length !== KEY_BYTES) throw new Error(`key ${index + 1} is ${key.length} bytes; AES-256 needs 32`);
      const id = keyIdOf(key);
      // Copied, so a caller reusing its buffer cannot change our keys.
      if (!this.#byId.has(id)) this.#byId.set(id, Buffer.from(key));
    }
    this.#currentId = keyIdOf(keys[0] as Buffer);
    this.#currentKey = this.#byId.get(this.#currentId) as Buffer;
  }

  /** The newest key's id (a fingerprint, safe to log). */
  get currentKeyId(): string {
    return this.#currentId;
  }

  /**
   * Encrypts UTF-8 `plaintext` under the newest key with a fresh random IV. `context` (e.g.
   * `conv:<userHash>:<conversationId>:title`) is authenticated, not stored: a token copied to another
   * record or user will not decrypt there.
   */
  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.#currentId, iv.toString("base64url"), body.toString("base64url")].join(".");
  }

  /** Throws DecryptError for a malformed token, an unknown key, altered data or a different context. */
  decrypt(token: string, context: string): string {
    const [version, keyId, ivText, bodyText, ...rest] = token.split(".");
    if (version !== VERSION || rest.length > 0 || keyId === undefined || ivText === undefined || bodyText === undefined) {
      throw new DecryptError("not a v1 encrypted value");
    }
    const iv = fromBase64url(ivText);
    const body = fromBase64url(bodyText);
    if (!iv || iv.length !== IV_BYTES || !body || body.length < TAG_BYTES) {
      throw new DecryptError("malformed encrypted value");
    }
    const key = this.#byId.get(keyId);
    // The id is a fingerprint, so naming it helps find the missing key; only quote it if it has the right shape.
    if (!key) {
      const named = /^[A-Za-z0-9_-]{11}$/.test(keyId) ? ` ${keyId}` : "";
      throw new DecryptError(`encrypted with key${named}, which is not in the key list`);
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
      return plain.toString("utf8");
    } catch {
      // OpenSSL says only "unable to authenticate"; one message for all causes gives an attacker no oracle.
      throw new DecryptError("encrypted value failed authentication (altered, or read under another context)");
    }
  }
}

/** A new random key in the CONVERSATION_ENCRYPTION_KEY format (standard base64, 44 characters). */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}
