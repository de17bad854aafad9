import { createHash, createHmac, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { hashId } from "@/lib/log/hash-id";
import { hashKey, userKey } from "@/lib/store/keys";
import { providerUserId } from "@/lib/ai/provider-user-id";

/** The id the providers are told (lib/ai/provider-user-id.ts), under a secret of this test's own. */
const ALICE = "credentials:alice@example.test";
const BOB = "credentials:bob@example.test";
let secret: string;

function useSecret(value: string) {
  vi.stubEnv("NEXTAUTH_SECRET", value);
  resetEnvForTests();
}

beforeEach(() => {
  for (const [name, value] of Object.entries({
    NODE_ENV: "test",
    AI_MODELS: "demo:demo",
    GITHUB_ID: "Iv1.abc",
    GITHUB_SECRET: randomBytes(20).toString("hex"),
  }))
    vi.stubEnv(name, value);
  for (const name of ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "REDIS_URL"]) vi.stubEnv(name, undefined);
  secret = randomBytes(24).toString("hex");
  useSecret(secret);
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe("providerUserId", () => {
  it("is stable per user and differs between users", () => {
    expect(providerUserId(ALICE)).toBe(providerUserId(ALICE));
    expect(providerUserId(ALICE)).not.toBe(providerUserId(BOB));
    // Ids that differ only in case or by a provider prefix are other people.
    expect(providerUserId("github:42")).not.toBe(providerUserId("google:42"));
    expect(providerUserId(ALICE)).not.toBe(providerUserId(ALICE.toUpperCase()));
  });

  it("is the HMAC-SHA256 of `provider:<user id>` under NEXTAUTH_SECRET, in base64url", () => {
    const expected = createHmac("sha256", secret).update(`provider:${ALICE}`).digest("base64url");
    expect(providerUserId(ALICE)).toBe(expected);
  });

  it("is keyed: another secret gives another id, and the unkeyed hash of the same input is not it", () => {
    const before = providerUserId(ALICE);
    useSecret(randomBytes(24).toString("hex"));
    expect(providerUserId(ALICE)).not.toBe(before);
    expect(before).not.toBe(createHash("sha256").update(`provider:${ALICE}`).digest("base64url"));
  });

  it("fits both providers' fields: 43 characters of [A-Za-z0-9_-] (OpenAI allows 64, Anthropic 256)", () => {
    for (const id of [ALICE, "github:1", "x".repeat(10_000), ""]) {
      expect(providerUserId(id)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it("holds neither the email, its local part nor the user id", () => {
    const id = providerUserId(ALICE);
    for (const part of [ALICE, "alice@example.test", "alice", "example.test", "credentials"]) expect(id).not.toContain(part);
  });

  it("equals neither the log hash nor the store's hash of the same user, nor their keyed twin under the log prefix", () => {
    const id = providerUserId(ALICE);
    const logged = hashId(userKey(ALICE));
    expect(id).not.toBe(logged);
    expect(id.startsWith(logged)).toBe(false);
    expect(id).not.toBe(userKey(ALICE));
    expect(id).not.toBe(hashKey(ALICE));
    expect(id).not.toBe(createHmac("sha256", secret).update(`log:${ALICE}`).digest("base64url"));
    expect(id).not.toBe(
      createHmac("sha256", secret)
        .update(`log:${userKey(ALICE)}`)
        .digest("base64url"),
    );
  });
});
