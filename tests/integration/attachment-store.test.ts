/**
 * The attachment stores on their own: the same contract for the in-process store and for Redis,
 * against a real redis-server through both ways the app reaches it (@upstash/redis over TCP, and
 * over HTTP through the Upstash-compatible gateway). The routes are tested in attachments.test.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import IORedis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey, Keyring, parseKeyList } from "../../lib/crypto/keyring";
import { ApiError } from "../../lib/errors";
import { RedisAttachmentStore } from "../../lib/documents/redis-store";
import { type AttachmentMeta, type AttachmentStore, MemoryAttachmentStore } from "../../lib/documents/store";
import { startRedisRig, type RedisRig } from "../support/redis-clients";
import { dumpRedis } from "../support/redis-dump";

let rig: RedisRig;

beforeAll(async () => {
  rig = await startRedisRig();
});

afterAll(async () => {
  await rig?.stop();
});

const CAPS = { maxPerConversation: 4, maxDrafts: 3 };
const meta = (name = "notes.txt"): AttachmentMeta => ({ name, size: 5, type: "text/plain", chars: 5, findings: [] });
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof ApiError ? `${error.code}${error.extra.limit ? `:${error.extra.limit}` : ""}` : String(error);
  }
}

type Made = { store: AttachmentStore; dump?: () => Promise<{ key: string; values: string[] }[]>; ttls?: () => Promise<Map<string, number>> };

const kinds: { name: string; make: () => Made }[] = [
  { name: "memory", make: () => ({ store: new MemoryAttachmentStore({ ttlDays: 30, maxBytes: 64 * 1_048_576 }) }) },
  ...[
    { name: "Redis over TCP", client: () => rig.overTcp() },
    { name: "Redis over HTTP (Upstash API)", client: () => rig.overHttp() },
  ].map(({ name, client }) => ({
    name,
    make: (): Made => {
      const prefix = `att-${randomBytes(4).toString("hex")}`;
      const store = new RedisAttachmentStore(client(), { prefix, ttlDays: 30, keyring: new Keyring(parseKeyList(generateKey()) as Buffer[]) });
      return { store, dump: () => dumpRedis(rig.server.url, prefix), ttls: () => ttlsOf(prefix) };
    },
  })),
];

describe.each(kinds)("the attachment store: $name", ({ make }) => {
  it("keeps the file and its text whole, in parts, and finds them only under their owner", async () => {
    const { store, dump } = make();
    // A file past several of the Redis store's parts, and a text whose part boundary would fall inside a surrogate pair.
    const file = randomBytes(1_000_000);
    const text = `${"a".repeat(119_999)}😀${"b".repeat(130_000)} the zebra-lasagne festival`;
    const added = await store.add({ userId: "alice", conversationId: null, meta: meta("plan.pdf"), bytes: new Uint8Array(file), text, caps: CAPS });
    expect(added).toMatchObject({ name: "plan.pdf", conversationId: null, findings: [] });
    expect(added.id).toMatch(/^[0-9a-f-]{36}$/);

    expect(await store.text({ userId: "alice", attachmentId: added.id })).toBe(text);
    const read = await store.file({ userId: "alice", attachmentId: added.id });
    expect(Buffer.from(read?.bytes ?? []).equals(file)).toBe(true);
    expect(await store.getMany({ userId: "alice", ids: [added.id, randomUUID(), "not-an-id"] })).toEqual([added, null, null]);

    // Bob sees nothing of it, by any call.
    expect(await store.getMany({ userId: "bob", ids: [added.id] })).toEqual([null]);
    expect(await store.text({ userId: "bob", attachmentId: added.id })).toBeNull();
    expect(await store.file({ userId: "bob", attachmentId: added.id })).toBeNull();
    expect(await store.remove({ userId: "bob", attachmentId: added.id })).toBe(false);
    expect(await codeOf(store.bind({ userId: "bob", conversationId: randomUUID(), ids: [added.id], maxPerConversation: 4 }))).toBe("attachment_not_found");
    expect(await store.text({ userId: "alice", attachmentId: added.id })).toBe(text);

    if (dump) {
      const everything = await dump();
      const values = everything.flatMap((e) => e.values).join("\n");
      // Encrypted at rest: no text, no name, no file bytes, no user id in keys or values.
      expect(values).not.toContain("zebra-lasagne");
      expect(values).not.toContain("plan.pdf");
      expect(values).not.toContain(file.subarray(0, 48).toString("base64"));
      expect(JSON.stringify(everything)).not.toContain("alice");
      // No value near the 1 MB a hosted Redis takes in one request.
      expect(Math.max(...everything.flatMap((e) => e.values.map((v) => v.length)))).toBeLessThan(900_000);
    }
  });

  it("caps the drafts a person holds and the documents of a conversation, counted and written in one step", async () => {
    const { store } = make();
    const conversationId = randomUUID();
    // Five uploads at once against a cap of three drafts: exactly three are kept.
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        codeOf(store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("hello"), text: "hello", caps: CAPS })),
      ),
    );
    expect(results.filter((r) => r === "resolved")).toHaveLength(3);
    expect(results.filter((r) => r === "too_many_attachments:attachments_per_message")).toHaveLength(2);
    await store.removeAll({ userId: "alice" });

    // Four in the conversation at most, sent and drafted alike.
    const first = await store.add({ userId: "alice", conversationId, meta: meta(), bytes: bytes("one"), text: "one", caps: CAPS });
    const second = await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("two"), text: "two", caps: CAPS });
    await store.bind({ userId: "alice", conversationId, ids: [first.id, second.id], maxPerConversation: 4 });
    expect((await store.listConversation({ userId: "alice", conversationId })).map((a) => a.id).sort()).toEqual([first.id, second.id].sort());
    await store.add({ userId: "alice", conversationId, meta: meta(), bytes: bytes("three"), text: "three", caps: CAPS });
    await store.add({ userId: "alice", conversationId, meta: meta(), bytes: bytes("four"), text: "four", caps: CAPS });
    expect(await codeOf(store.add({ userId: "alice", conversationId, meta: meta(), bytes: bytes("five"), text: "five", caps: CAPS }))).toBe(
      "too_many_attachments:attachments_per_conversation",
    );
    // A new chat's draft cannot join a full conversation either.
    const loose = await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("six"), text: "six", caps: CAPS });
    expect(await codeOf(store.bind({ userId: "alice", conversationId, ids: [loose.id], maxPerConversation: 4 }))).toBe(
      "too_many_attachments:attachments_per_conversation",
    );
  });

  it("binds a draft to one conversation only, and sending it again there is harmless", async () => {
    const { store } = make();
    const [here, there] = [randomUUID(), randomUUID()];
    const draft = await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("x"), text: "x", caps: CAPS });
    const elsewhere = await store.add({ userId: "alice", conversationId: there, meta: meta(), bytes: bytes("y"), text: "y", caps: CAPS });
    expect(await codeOf(store.bind({ userId: "alice", conversationId: here, ids: [elsewhere.id], maxPerConversation: 4 }))).toBe("attachment_not_found");
    await store.bind({ userId: "alice", conversationId: here, ids: [draft.id], maxPerConversation: 4 });
    await store.bind({ userId: "alice", conversationId: here, ids: [draft.id], maxPerConversation: 4 });
    expect(await codeOf(store.bind({ userId: "alice", conversationId: there, ids: [draft.id], maxPerConversation: 4 }))).toBe("attachment_not_found");
    const [bound] = await store.getMany({ userId: "alice", ids: [draft.id] });
    expect(bound?.conversationId).toBe(here);
    // A sent document no longer counts as a draft: the person may attach three more.
    for (let i = 0; i < 2; i++) await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("z"), text: "z", caps: CAPS });
    await store.touch({ userId: "alice", conversationId: here });
    expect((await store.listConversation({ userId: "alice", conversationId: here })).map((a) => a.id)).toEqual([draft.id]);
  });

  it("lists a person's drafts for a new chat or one conversation, never what was sent or is someone else's", async () => {
    const { store } = make();
    const [here, there] = [randomUUID(), randomUUID()];
    const loose = await store.add({ userId: "alice", conversationId: null, meta: meta("a.txt"), bytes: bytes("a"), text: "a", caps: CAPS });
    const inHere = await store.add({ userId: "alice", conversationId: here, meta: meta("b.txt"), bytes: bytes("b"), text: "b", caps: CAPS });
    const sent = await store.add({ userId: "alice", conversationId: null, meta: meta("c.txt"), bytes: bytes("c"), text: "c", caps: CAPS });
    await store.bind({ userId: "alice", conversationId: there, ids: [sent.id], maxPerConversation: 4 });
    await store.add({ userId: "bob", conversationId: null, meta: meta("d.txt"), bytes: bytes("d"), text: "d", caps: CAPS });

    expect(await store.listDrafts({ userId: "alice", conversationId: null })).toEqual([loose]);
    expect(await store.listDrafts({ userId: "alice", conversationId: here })).toEqual([inHere]);
    expect(await store.listDrafts({ userId: "alice", conversationId: there })).toEqual([]);
    expect((await store.listDrafts({ userId: "bob", conversationId: null })).map((a) => a.name)).toEqual(["d.txt"]);
  });

  it("keeps a draft for a day, and a sent document as long as its conversation", async () => {
    const { store, ttls } = make();
    if (!ttls) return; // the memory store's expiry is checked on every read instead
    const conversationId = randomUUID();
    const draft = await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("a"), text: "a", caps: CAPS });
    const day = 86_400_000;
    const draftKeys = [...(await ttls())].filter(([key]) => key.includes(draft.id));
    expect(draftKeys).toHaveLength(3);
    for (const [, ttl] of draftKeys) {
      expect(ttl).toBeGreaterThan(day - 60_000);
      expect(ttl).toBeLessThanOrEqual(day);
    }

    await store.bind({ userId: "alice", conversationId, ids: [draft.id], maxPerConversation: 4 });
    await store.touch({ userId: "alice", conversationId });
    const sent = [...(await ttls())].filter(([key]) => key.includes(draft.id) || key.endsWith(`:c:${conversationId}`));
    expect(sent).toHaveLength(4);
    for (const [, ttl] of sent) expect(ttl).toBeGreaterThan(30 * day - 60_000);
  });

  it("deletes one document, a conversation's, or all of a person's, and nobody else's", async () => {
    const { store, dump } = make();
    const conversationId = randomUUID();
    const sent = await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("a"), text: "a", caps: CAPS });
    await store.bind({ userId: "alice", conversationId, ids: [sent.id], maxPerConversation: 4 });
    const drafted = await store.add({ userId: "alice", conversationId, meta: meta(), bytes: bytes("b"), text: "b", caps: CAPS });
    const other = await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("c"), text: "c", caps: CAPS });
    const bobs = await store.add({ userId: "bob", conversationId: null, meta: meta(), bytes: bytes("d"), text: "d", caps: CAPS });

    expect(await store.removeConversation({ userId: "alice", conversationId })).toBe(2);
    expect(await store.getMany({ userId: "alice", ids: [sent.id, drafted.id, other.id] })).toEqual([null, null, expect.objectContaining({ id: other.id })]);
    expect(await store.remove({ userId: "alice", attachmentId: other.id })).toBe(true);
    expect(await store.remove({ userId: "alice", attachmentId: other.id })).toBe(false);

    await store.add({ userId: "alice", conversationId: null, meta: meta(), bytes: bytes("e"), text: "e", caps: CAPS });
    expect(await store.removeAll({ userId: "alice" })).toBe(1);
    expect(await store.text({ userId: "bob", attachmentId: bobs.id })).toBe("d");
    if (dump) {
      const left = await dump();
      // Only bob's document (record, file, text) and his drafts index remain.
      expect(left.map((e) => e.key.replace(/^[^:]+:att:[^:]+:/, "")).sort()).toEqual([bobs.id, `${bobs.id}:b`, `${bobs.id}:t`, "drafts"].sort());
    }
  });
});

/** The time to live (ms) of every key under the prefix. */
async function ttlsOf(prefix: string): Promise<Map<string, number>> {
  const client = new IORedis(rig.server.url);
  try {
    const keys = await client.keys(`${prefix}:*`);
    return new Map(await Promise.all(keys.map(async (key) => [key, await client.pttl(key)] as const)));
  } finally {
    client.disconnect();
  }
}
