import { createHash, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { DecryptError, generateKey, Keyring, parseKeyList } from "@/lib/crypto/keyring";

// Keys are made at run time: a literal key in the repository would trip secret scanners.
const keyA = randomBytes(32);
const keyB = randomBytes(32);
const CONTEXT = "conv:user-hash-1:conversation-1:title";
const TOKEN = /^v1\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/;

/** Every spelling of a key that must never appear in an error message. */
const spellings = (key: Buffer) => [key.toString("hex"), key.toString("base64"), key.toString("base64url")];

/** The DecryptError that `fn` throws (fails the test when it throws nothing or something else). */
function decryptError(fn: () => unknown): DecryptError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptError);
    return error as DecryptError;
  }
  throw new Error("expected a DecryptError, got a result");
}

/** Changes one byte of a base64url part of a token (part 2 = iv, 3 = ciphertext + tag). */
function flipByte(token: string, part: 2 | 3, byte: (length: number) => number): string {
  const parts = token.split(".");
  const bytes = Buffer.from(parts[part] ?? "", "base64url");
  const at = byte(bytes.length);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("Keyring: encrypt and decrypt", () => {
  const ring = new Keyring([keyA]);

  it.each([
    ["ASCII", "Hello, world"],
    ["emoji", "🔐 secure chat 👩‍💻🇳🇿"],
    ["CJK", "会話の暗号化テスト、中文，한국어"],
    ["the empty string", ""],
    ["100 KB of text", "lorem ipsum ✓ ".repeat(7_500)],
  ])("round-trips %s", (_, text) => {
    const token = ring.encrypt(text, CONTEXT);
    expect(token).toMatch(TOKEN);
    expect(ring.decrypt(token, CONTEXT)).toBe(text);
  });

  it("writes v1.<keyId>.<iv>.<body> with only [A-Za-z0-9_.-], the key id being SHA-256 of the key, 8 bytes", () => {
    const token = ring.encrypt("x", CONTEXT);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    const [version, keyId, iv, body] = token.split(".");
    expect(version).toBe("v1");
    expect(keyId).toBe(createHash("sha256").update(keyA).digest().subarray(0, 8).toString("base64url"));
    expect(keyId).toBe(ring.currentKeyId);
    expect(Buffer.from(iv ?? "", "base64url")).toHaveLength(12);
    // One byte of ciphertext for "x", then the 16-byte tag.
    expect(Buffer.from(body ?? "", "base64url")).toHaveLength(17);
  });

  it("uses a fresh IV every time: the same text encrypts differently", () => {
    const a = ring.encrypt("same text", CONTEXT);
    const b = ring.encrypt("same text", CONTEXT);
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
    expect(ring.decrypt(a, CONTEXT)).toBe(ring.decrypt(b, CONTEXT));
  });

  it("leaves no trace of the plaintext in the token, in any encoding", () => {
    const secret = "my password is hunter2 hunter2 hunter2";
    const token = ring.encrypt(secret, CONTEXT);
    for (const word of ["hunter2", "password"]) {
      for (const encoding of ["utf8", "base64", "base64url", "hex"] as const) {
        expect(token).not.toContain(Buffer.from(word).toString(encoding).replace(/=+$/, ""));
      }
    }
    expect(Buffer.from(token.split(".")[3] ?? "", "base64url").toString("latin1")).not.toContain("hunter2");
  });

  it("never shows its keys when logged", () => {
    const shown = `${inspect(new Keyring([keyA, keyB]), { showHidden: true, depth: 5 })} ${JSON.stringify(new Keyring([keyA]))}`;
    for (const spelling of [...spellings(keyA), ...spellings(keyB)]) expect(shown).not.toContain(spelling);
  });

  it("refuses an empty key list and keys that are not 32 bytes", () => {
    expect(() => new Keyring([])).toThrow(/at least one key/);
    expect(() => new Keyring([randomBytes(16)])).toThrow(/32/);
    expect(() => new Keyring([keyA, randomBytes(33)])).toThrow(/key 2/);
  });

  it("keeps its own copy of the keys", () => {
    const key = Buffer.from(keyA);
    const copy = new Keyring([key]);
    const token = copy.encrypt("still readable", CONTEXT);
    key.fill(0);
    expect(copy.decrypt(token, CONTEXT)).toBe("still readable");
  });
});

describe("Keyring: rotation", () => {
  const old = new Keyring([keyA]);
  const rotated = new Keyring([keyB, keyA]);

  it("opens data written under the old key", () => {
    expect(rotated.decrypt(old.encrypt("from before the rotation", CONTEXT), CONTEXT)).toBe("from before the rotation");
  });

  it("writes new data under the newest key, which the old keyring cannot open", () => {
    const token = rotated.encrypt("after the rotation", CONTEXT);
    expect(rotated.currentKeyId).not.toBe(old.currentKeyId);
    expect(token.split(".")[1]).toBe(rotated.currentKeyId);
    expect(token.split(".")[1]).toBe(new Keyring([keyB]).currentKeyId);
    expect(rotated.decrypt(token, CONTEXT)).toBe("after the rotation");
    decryptError(() => old.decrypt(token, CONTEXT));
  });

  it("cannot open data once its key is dropped from the list", () => {
    const token = old.encrypt("written under A", CONTEXT);
    const error = decryptError(() => new Keyring([keyB]).decrypt(token, CONTEXT));
    expect(error.message).toContain(old.currentKeyId);
  });
});

describe("Keyring: attacks and damage all end in DecryptError", () => {
  const ring = new Keyring([keyA]);
  const plaintext = "the secret plan";
  const token = ring.encrypt(plaintext, CONTEXT);

  it("opens only under the context it was written with (another record, another user)", () => {
    decryptError(() => ring.decrypt(token, "conv:user-hash-1:conversation-1:message:0"));
    decryptError(() => ring.decrypt(token, "conv:user-hash-2:conversation-1:title"));
    decryptError(() => ring.decrypt(token, ""));
    expect(ring.decrypt(token, CONTEXT)).toBe(plaintext);
  });

  it.each([
    ["the first ciphertext byte", 3, () => 0],
    ["the last ciphertext byte", 3, (n: number) => n - 17],
    ["the first tag byte", 3, (n: number) => n - 16],
    ["the last tag byte", 3, (n: number) => n - 1],
    ["the first IV byte", 2, () => 0],
    ["the last IV byte", 2, (n: number) => n - 1],
  ] as const)("detects a change to %s", (_, part, byte) => {
    const altered = flipByte(token, part, byte);
    expect(altered).not.toBe(token);
    decryptError(() => ring.decrypt(altered, CONTEXT));
  });

  it("detects a truncated or extended body", () => {
    const [head, body = ""] = [token.slice(0, token.lastIndexOf(".")), token.split(".")[3]];
    const bytes = Buffer.from(body, "base64url");
    decryptError(() => ring.decrypt(`${head}.${bytes.subarray(1).toString("base64url")}`, CONTEXT));
    decryptError(() => ring.decrypt(`${head}.${Buffer.concat([bytes, Buffer.of(0)]).toString("base64url")}`, CONTEXT));
  });

  it("refuses a token re-spelled in the spare bits of its last character (one ciphertext, one spelling)", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const body = token.split(".")[3] ?? "";
    // 31 bytes leave 4 unused bits in the last character; flipping the lowest keeps the same bytes.
    const respelled = body.slice(0, -1) + alphabet[alphabet.indexOf(body.slice(-1)) ^ 1];
    expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(body, "base64url"));
    decryptError(() => ring.decrypt(token.replace(/[^.]+$/, respelled), CONTEXT));
  });

  it("refuses a key id it does not know, and one swapped for another known key's id", () => {
    const parts = token.split(".");
    decryptError(() => ring.decrypt([parts[0], "AAAAAAAAAAA", parts[2], parts[3]].join("."), CONTEXT));
    const both = new Keyring([keyB, keyA]);
    decryptError(() => both.decrypt([parts[0], both.currentKeyId, parts[2], parts[3]].join("."), CONTEXT));
  });

  it.each([
    ["another version", token.replace(/^v1\./, "v2.")],
    ["no version", token.slice(3)],
    ["a missing part", token.split(".").slice(0, 3).join(".")],
    ["an extra part", `${token}.AAAA`],
    ["an empty IV", token.replace(/^(v1\.[^.]+\.)[^.]+/, "$1")],
    ["an IV of the wrong length", token.replace(/^(v1\.[^.]+\.)[^.]+/, "$1AAAAAAAA")],
    ["a body shorter than a tag", token.replace(/[^.]+$/, "AAAA")],
    ["standard base64 characters", token.replace(/[^.]+$/, (b) => `+/${b.slice(2)}`)],
    ["base64 padding", `${token}=`],
    ["a space", token.replace(".", ". ")],
    ["non-base64 text", "v1.not a key.not an iv.not a body!"],
    ["the plaintext itself", plaintext],
    ["the empty string", ""],
  ])("refuses a token with %s", (_, bad) => {
    decryptError(() => ring.decrypt(bad, CONTEXT));
  });

  it("says nothing in its messages about the plaintext or the key", () => {
    const parts = token.split(".");
    const failures = [
      () => ring.decrypt(token, "wrong context"),
      () =>
        ring.decrypt(
          flipByte(token, 3, () => 0),
          CONTEXT,
        ),
      () => ring.decrypt([parts[0], "AAAAAAAAAAA", parts[2], parts[3]].join("."), CONTEXT),
      () => ring.decrypt(`v1.${plaintext}`, CONTEXT),
      () => ring.decrypt(plaintext, CONTEXT),
      () => ring.decrypt(token.replace(/^v1/, "v9"), CONTEXT),
    ];
    for (const fail of failures) {
      const error = decryptError(fail);
      expect(error.name).toBe("DecryptError");
      const text = `${error.message} ${String(error.stack)} ${inspect(error)}`;
      expect(text).not.toContain(plaintext);
      expect(text).not.toContain("secret plan");
      for (const spelling of spellings(keyA)) expect(text).not.toContain(spelling);
      expect(error.cause).toBeUndefined();
    }
  });
});

describe("parseKeyList", () => {
  it.each([
    ["standard base64 with padding", (k: Buffer) => k.toString("base64")],
    ["standard base64 without padding", (k: Buffer) => k.toString("base64").replace(/=+$/, "")],
    ["base64url", (k: Buffer) => k.toString("base64url")],
    ["base64url with padding", (k: Buffer) => `${k.toString("base64url")}=`],
    ["lower-case hex", (k: Buffer) => k.toString("hex")],
    ["upper-case hex", (k: Buffer) => k.toString("hex").toUpperCase()],
  ])("reads %s", (_, write) => {
    expect(parseKeyList(write(keyA))).toEqual([keyA]);
  });

  it("keeps the order (newest first), trims whitespace around entries and skips empty ones", () => {
    const text = ` \t${keyB.toString("base64")} ,\n, ${keyA.toString("hex")}\n,`;
    expect(parseKeyList(text)).toEqual([keyB, keyA]);
  });

  it("accepts what generateKey makes, and makes a new key every time", () => {
    const [one, two] = [generateKey(), generateKey()];
    expect(one).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(one).not.toBe(two);
    const keys = parseKeyList(`${one},${two}`);
    expect(Array.isArray(keys) && keys.map((k) => k.length)).toEqual([32, 32]);
  });

  it.each([
    ["16 bytes of base64", randomBytes(16).toString("base64"), 16],
    ["33 bytes of base64url", randomBytes(33).toString("base64url"), 33],
    ["31 bytes of base64", randomBytes(31).toString("base64"), 31],
    ["62 hex characters", randomBytes(31).toString("hex"), 31],
    ["128 hex characters", randomBytes(64).toString("hex"), 64],
  ])("refuses a key of the wrong length (%s), naming its position and size but not the key", (_, bad, bytes) => {
    const message = parseKeyList(`${keyA.toString("base64")}, ${bad}`);
    expect(typeof message).toBe("string");
    expect(message).toMatch(/^entry 2 /);
    expect(message).toContain(`${bytes} bytes`);
    expect(message).toContain("32 bytes");
    expect(message).not.toContain(bad);
    expect(message).not.toContain(bad.slice(0, 8));
    for (const spelling of spellings(keyA)) expect(message).not.toContain(spelling);
  });

  it("refuses text that is neither base64 nor hex, without quoting it", () => {
    const bad = `${keyB.toString("base64").slice(0, 20)}!${keyB.toString("base64").slice(21)}`;
    const message = parseKeyList(`${bad},${keyA.toString("hex")}`);
    expect(message).toMatch(/^entry 1 .*32-byte key/);
    expect(message).not.toContain(bad.slice(0, 8));
    expect(parseKeyList("a key with spaces")).toMatch(/^entry 1 /);
    expect(parseKeyList(`${keyA.toString("base64url")}==x`)).toMatch(/^entry 1 /);
  });

  it("refuses the same key twice, even spelled differently", () => {
    const message = parseKeyList(`${keyA.toString("base64")},${keyB.toString("hex")},${keyA.toString("hex")}`);
    expect(message).toBe("entry 3 is the same key as entry 1");
  });

  it.each(["", " ", ",", " , ,\n"])("refuses a list with no key (%j)", (text) => {
    expect(parseKeyList(text)).toMatch(/at least one key/);
  });

  it("gives keys that Keyring accepts, the first being the one it encrypts with", () => {
    const keys = parseKeyList(`${keyB.toString("base64url")},${keyA.toString("base64")}`);
    if (typeof keys === "string") throw new Error(keys);
    expect(new Keyring(keys).currentKeyId).toBe(new Keyring([keyB]).currentKeyId);
  });
});
