import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type EnvError, parseEnv } from "@/lib/config/schema";
import { keyAgeDays, keyFingerprint, maskedKey, parseProviderKeys } from "@/lib/config/provider-keys";
import { KeyPool } from "@/lib/provider-keys/pool";
import { pooledProvider } from "@/lib/provider-keys/failover";
import { ProviderError } from "@/lib/ai/provider-error";
import type { ChatProvider, ChatRequest, StreamPart } from "@/lib/ai/types";
import type { ProviderConfig } from "@/lib/config/schema";
import { fakeAnthropicKey, fakeOpenAIKey, fakeSecret } from "../support/fake-keys";

const recorded = vi.hoisted(() => ({ audits: [] as unknown[], alerts: [] as unknown[], failures: [] as [string, number][] }));
vi.mock("@/lib/audit/audit", () => ({ audit: async (event: unknown) => void recorded.audits.push(event) }));
vi.mock("@/lib/alerts", () => ({ alertKeyFailure: async (alert: unknown) => void recorded.alerts.push(alert) }));
vi.mock(import("@/lib/provider-keys/pool"), async (original) => ({
  ...(await original()),
  keyFailureStore: async () => ({ record: async (fp: string, status: number) => void recorded.failures.push([fp, status]), readAll: async () => new Map() }),
}));

const devEnv = (extra: Record<string, string | undefined>) => ({
  NODE_ENV: "development",
  NEXTAUTH_SECRET: fakeSecret(),
  AUTH_LOCAL_USERS: "",
  GITHUB_ID: "id",
  GITHUB_SECRET: fakeSecret(),
  ...extra,
});

describe("provider key lists", () => {
  it("reads comma- or line-separated keys in order, with optional creation dates, each once", () => {
    const [a, b, c] = [fakeOpenAIKey(), fakeOpenAIKey(), fakeOpenAIKey()];
    expect(parseProviderKeys(` ${a}@2026-09-01 , ${b}\n# the old one, revoke after Friday\n${c}\n${a}\n`)).toEqual([
      { value: a, createdAt: "2026-09-01" },
      { value: b, createdAt: undefined },
      { value: c, createdAt: undefined },
    ]);
  });

  it("refuses an impossible creation date and a key with a space, naming the entry, never the key", () => {
    const key = fakeOpenAIKey();
    const badDate = parseProviderKeys(`${fakeOpenAIKey()},${key}@2026-02-30`);
    expect(badDate).toBe("entry 2 has a creation date that is not a real day (use key@YYYY-MM-DD)");
    expect(parseProviderKeys(`${key} ${key}`)).toMatch(/^entry 1 contains a space/);
  });

  it("shows a key only as a fingerprint and a masked label", () => {
    const key = fakeOpenAIKey();
    expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{12}$/);
    expect(maskedKey(key)).toBe(`sk-proj-…${key.slice(-4)}`);
    expect(maskedKey(fakeAnthropicKey())).toMatch(/^sk-ant-api03-…[A-Za-z0-9]{4}$/);
    expect(maskedKey("ollama")).toBe("…");
    expect(keyAgeDays({ value: key, createdAt: "2026-08-01" }, Date.parse("2026-11-23T12:00:00Z"))).toBe(114);
  });
});

describe("provider keys in the environment", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "bulwark-keys-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("puts the list first, then the single-key variable; an empty one counts as unset", () => {
    const [a, b, c] = [fakeOpenAIKey(), fakeOpenAIKey(), fakeOpenAIKey()];
    const env = parseEnv(devEnv({ OPENAI_API_KEYS: `${a},${b}`, OPENAI_API_KEY: c, ANTHROPIC_API_KEYS: "", ANTHROPIC_API_KEY: " " }));
    expect(env.ai.openai?.keys.map((k) => k.value)).toEqual([a, b, c]);
    expect(env.ai.anthropic).toBeUndefined();
    expect(env.ai.defaultModel.provider).toBe("openai");
  });

  it("reads every secret from NAME_FILE, without the file's final line break", () => {
    const [key, secret] = [fakeOpenAIKey(), fakeSecret()];
    writeFileSync(path.join(dir, "openai"), `${key}@2026-10-01\n`);
    writeFileSync(path.join(dir, "nextauth"), `${secret}\n`);
    const env = parseEnv({
      ...devEnv({}),
      NEXTAUTH_SECRET: undefined,
      NEXTAUTH_SECRET_FILE: path.join(dir, "nextauth"),
      OPENAI_API_KEYS_FILE: path.join(dir, "openai"),
    });
    expect(env.auth.secret).toBe(secret);
    expect(env.ai.openai?.keys).toEqual([{ value: key, createdAt: "2026-10-01" }]);
    expect(env.ai.openai?.sources).toEqual([{ variable: "OPENAI_API_KEYS", kind: "file", path: path.join(dir, "openai"), keys: env.ai.openai?.keys }]);
  });

  it("refuses NAME and NAME_FILE together, and a file it cannot read, naming the path but never a value", () => {
    const secret = fakeSecret();
    const both = (() => {
      try {
        parseEnv(devEnv({ NEXTAUTH_SECRET: secret, NEXTAUTH_SECRET_FILE: path.join(dir, "x") }));
      } catch (error) {
        return error as EnvError;
      }
    })();
    expect(both?.problems).toEqual(["NEXTAUTH_SECRET_FILE: set either NEXTAUTH_SECRET or NEXTAUTH_SECRET_FILE, not both"]);
    expect(() => parseEnv(devEnv({ OPENAI_API_KEYS_FILE: path.join(dir, "missing") }))).toThrow(
      `OPENAI_API_KEYS_FILE: cannot read ${path.join(dir, "missing")} (ENOENT); mount the secret there or unset OPENAI_API_KEYS_FILE`,
    );
  });

  it("in production, refuses a key list that still holds an example value", () => {
    expect(() =>
      parseEnv({
        ...devEnv({}),
        NODE_ENV: "production",
        NEXTAUTH_URL: "https://chat.bulwark.test",
        ALLOW_IN_MEMORY_STORE: "true",
        OPENAI_API_KEYS: `${fakeOpenAIKey()},sk-your-openai-key-here@2026-01-01`,
      }),
    ).toThrow("OPENAI_API_KEYS: still holds the example value");
  });
});

describe("the key pool", () => {
  let dir: string;
  let now: number;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "bulwark-pool-"));
    now = Date.parse("2026-11-23T12:00:00Z");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const valuePool = (values: string[]) =>
    new KeyPool(
      "openai",
      {
        sources: [{ variable: "OPENAI_API_KEYS", kind: "value", keys: values.map((value) => ({ value, createdAt: undefined })) }],
        keys: [],
        baseURL: undefined,
      },
      { cooldownMs: 60_000, maxAgeDays: 90, now: () => now },
    );

  const filePool = (file: string, values: string[]): KeyPool => {
    writeFileSync(file, values.join("\n"));
    const config: ProviderConfig = {
      sources: [{ variable: "OPENAI_API_KEYS", kind: "file", path: file, keys: values.map((value) => ({ value, createdAt: undefined })) }],
      keys: [],
      baseURL: undefined,
    };
    return new KeyPool("openai", config, { cooldownMs: 60_000, maxAgeDays: 90, now: () => now });
  };

  it("prefers the first key, skips a benched one for the cooldown, and takes it back after", () => {
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    const pool = valuePool([a, b]);
    expect(pool.next(new Set())?.value).toBe(a);
    pool.bench({ value: a, createdAt: undefined });
    expect(pool.next(new Set())?.value).toBe(b);
    now += 60_001;
    expect(pool.next(new Set())?.value).toBe(a);
  });

  it("when every key is cooling down, still tries the one that comes back first, but never one tried in this request", () => {
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    const pool = valuePool([a, b]);
    pool.bench({ value: b, createdAt: undefined });
    now += 1_000;
    pool.bench({ value: a, createdAt: undefined });
    expect(pool.next(new Set())?.value).toBe(b);
    expect(pool.next(new Set([a, b]))).toBeUndefined();
  });

  it("picks up a rotated file on the next use, including an atomic replace as secret managers do", () => {
    const file = path.join(dir, "keys");
    const [a, b, c] = [fakeOpenAIKey(), fakeOpenAIKey(), fakeOpenAIKey()];
    const pool = filePool(file, [a]);
    expect(pool.keys().map((k) => k.value)).toEqual([a]);
    writeFileSync(file, `${b}\n${a}\n`);
    expect(pool.keys().map((k) => k.value)).toEqual([b, a]);
    writeFileSync(path.join(dir, "next"), c);
    renameSync(path.join(dir, "next"), file);
    expect(pool.next(new Set())?.value).toBe(c);
  });

  it("keeps serving the last good keys while the file is missing or empty mid-rotation", () => {
    const file = path.join(dir, "keys");
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    const pool = filePool(file, [a]);
    rmSync(file);
    expect(pool.keys().map((k) => k.value)).toEqual([a]);
    writeFileSync(file, "\n");
    expect(pool.keys().map((k) => k.value)).toEqual([a]);
    writeFileSync(file, b);
    expect(pool.keys().map((k) => k.value)).toEqual([b]);
  });
});

describe("failover between keys", () => {
  beforeEach(() => {
    recorded.audits.length = 0;
    recorded.alerts.length = 0;
    recorded.failures.length = 0;
  });

  const request: ChatRequest = {
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "hi" }],
    maxOutputTokens: 10,
    signal: new AbortController().signal,
    endUserId: "end-user-test",
    origin: { userId: "credentials:a@example.test", route: "/api/chat", requestId: "r1" },
  };

  /** A fake SDK client per key: `behaviour` says what the provider does with that key. */
  const clients = (behaviour: Record<string, "ok" | 401 | 403 | 500 | "cut-after-text">) => {
    const calls: string[] = [];
    const clientFor = async ({ value }: { value: string }): Promise<ChatProvider> => ({
      async *stream(): AsyncIterable<StreamPart> {
        calls.push(value);
        const b = behaviour[value];
        if (b === 401 || b === 403) throw new ProviderError("auth", b);
        if (b === 500) throw new ProviderError("server", 500);
        yield { type: "text", text: `from ${value.slice(-4)}` };
        if (b === "cut-after-text") throw new ProviderError("auth", 401);
      },
    });
    return { calls, clientFor };
  };

  const collect = async (provider: ChatProvider) => {
    const parts: StreamPart[] = [];
    for await (const part of provider.stream(request)) parts.push(part);
    return parts;
  };

  const pool = (values: string[]) =>
    new KeyPool(
      "openai",
      {
        sources: [{ variable: "OPENAI_API_KEYS", kind: "value", keys: values.map((value) => ({ value, createdAt: undefined })) }],
        keys: [],
        baseURL: undefined,
      },
      { cooldownMs: 300_000, maxAgeDays: 90 },
    );

  it("answers on the second key in the same request when the first is rejected, and records it once", async () => {
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    const { calls, clientFor } = clients({ [a]: 401, [b]: "ok" });
    const provider = pooledProvider({ pool: pool([a, b]), clientFor });
    expect(await collect(provider)).toEqual([{ type: "text", text: `from ${b.slice(-4)}` }]);
    expect(await collect(provider)).toEqual([{ type: "text", text: `from ${b.slice(-4)}` }]);
    expect(calls).toEqual([a, b, b]);
    expect(recorded.audits).toEqual([
      {
        kind: "key.rejected",
        user: expect.any(String),
        route: "/api/chat",
        requestId: "r1",
        reason: "401",
        signals: ["openai", keyFingerprint(a), "failed_over"],
      },
    ]);
    expect(recorded.alerts).toEqual([{ provider: "openai", fingerprint: keyFingerprint(a), label: maskedKey(a), status: 401 }]);
    expect(recorded.failures).toEqual([[keyFingerprint(a), 401]]);
    expect(JSON.stringify([recorded.audits, recorded.alerts])).not.toContain(a);
  });

  it("fails over on 403 too, and reports the provider's refusal when every key is rejected", async () => {
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    const { calls, clientFor } = clients({ [a]: 403, [b]: 401 });
    await expect(collect(pooledProvider({ pool: pool([a, b]), clientFor }))).rejects.toMatchObject({ kind: "auth", status: 401 });
    expect(calls).toEqual([a, b]);
    expect(recorded.audits.map((e) => (e as { signals: string[] }).signals[2])).toEqual(["failed_over", "no_key_left"]);
  });

  it("does not fail over on other errors, nor once text has streamed (a reply is never repeated)", async () => {
    const [a, b] = [fakeOpenAIKey(), fakeOpenAIKey()];
    const server = clients({ [a]: 500, [b]: "ok" });
    await expect(collect(pooledProvider({ pool: pool([a, b]), clientFor: server.clientFor }))).rejects.toMatchObject({ kind: "server" });
    expect(server.calls).toEqual([a]);
    const cut = clients({ [a]: "cut-after-text", [b]: "ok" });
    await expect(collect(pooledProvider({ pool: pool([a, b]), clientFor: cut.clientFor }))).rejects.toMatchObject({ kind: "auth" });
    expect(cut.calls).toEqual([a]);
    expect(recorded.audits).toEqual([]);
  });
});
