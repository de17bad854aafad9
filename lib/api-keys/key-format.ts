import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * The format of a relay (personal API) key: `bwk_` then 40 base62 characters of randomness (238
 * bits) then 6 of checksum (CRC32 of the random part), 50 characters in all, as GitHub's tokens do.
 * The fixed prefix lets secret scanners and people recognise a leaked key; the checksum lets the
 * server refuse a mistyped or made-up key without a store lookup.
 *
 * The store never sees a key: it keeps an HMAC-SHA256 of it under RELAY_KEY_SECRET, and for display
 * the key's public prefix (`bwk_` and the first 6 random characters), which gives away 36 of 238
 * bits. The secret keeps a stolen store dump from being searched offline for keys.
 */
export const RELAY_KEY_PREFIX = "bwk_";
const RANDOM_CHARS = 40;
const CHECKSUM_CHARS = 6;
const SHOWN_CHARS = 6;
export const RELAY_KEY_LENGTH = RELAY_KEY_PREFIX.length + RANDOM_CHARS + CHECKSUM_CHARS;

/** What secretlint, the log masker and the input guard look for (SECURITY.md lists it for scanners). */
export const RELAY_KEY_PATTERN = /\bbwk_[0-9A-Za-z]{46}\b/g;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SHAPE = /^bwk_[0-9A-Za-z]{46}$/;

function base62(value: bigint, width: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out;
}

function checksum(random: string): string {
  return base62(BigInt(crc32(random)), CHECKSUM_CHARS);
}

/** A fresh key. Rejection sampling keeps every character uniform over the 62 symbols. */
export function generateRelayKey(): string {
  let random = "";
  while (random.length < RANDOM_CHARS) {
    for (const byte of randomBytes(64)) {
      if (byte < 248 && random.length < RANDOM_CHARS) random += ALPHABET[byte % 62];
    }
  }
  return `${RELAY_KEY_PREFIX}${random}${checksum(random)}`;
}

/** Whether `text` has the shape and a valid checksum: the cheap check before any store lookup. */
export function isWellFormedRelayKey(text: string): boolean {
  if (!SHAPE.test(text)) return false;
  const random = text.slice(RELAY_KEY_PREFIX.length, RELAY_KEY_PREFIX.length + RANDOM_CHARS);
  const given = Buffer.from(text.slice(-CHECKSUM_CHARS));
  return timingSafeEqual(given, Buffer.from(checksum(random)));
}

/** The part of a key that may be shown and stored in plain: `bwk_AbC123`. */
export function relayKeyPrefix(key: string): string {
  return key.slice(0, RELAY_KEY_PREFIX.length + SHOWN_CHARS);
}

/** The store's name for a key under one secret; base64url of HMAC-SHA256. */
export function relayKeyHmac(key: string, secret: string): string {
  return createHmac("sha256", secret).update(key).digest("base64url");
}
