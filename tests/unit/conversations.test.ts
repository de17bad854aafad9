import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CONVERSATION_LIMITS, historyOf, MemoryConversationStore, titleFrom, type Conversation } from "@/lib/conversations/store";
import type { HistoryTurn } from "@/lib/ai/prompt";

const turn = (role: HistoryTurn["role"], content: string): HistoryTurn => ({ role, content });
const exchange = (n: number): HistoryTurn[] => [turn("user", `question ${n}`), turn("assistant", `answer ${n}`)];
const DAY_MS = 86_400_000;
const T0 = new Date("2026-03-01T12:00:00.000Z");

const newStore = (options = { ttlDays: 30, maxConversations: 1_000 }) => new MemoryConversationStore(options);

/** The conversation, failing the test when the store has none. */
async function mustGet(store: MemoryConversationStore, userId: string, conversationId: string): Promise<Conversation> {
  const conversation = await store.get({ userId, conversationId });
  if (!conversation) throw new Error(`expected ${userId} to have conversation ${conversationId}`);
  return conversation;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("titleFrom", () => {
  it("keeps a short first message as it is, with whitespace collapsed", () => {
    expect(titleFrom("How do I   rotate\n\tkeys?  ")).toBe("How do I rotate keys?");
  });

  it("names an empty or blank message New chat", () => {
    expect(titleFrom("")).toBe("New chat");
    expect(titleFrom(" \n\t ")).toBe("New chat");
  });

  it("keeps exactly titleChars characters, and cuts anything longer at a word with an ellipsis", () => {
    const exact = "a".repeat(60);
    expect(titleFrom(exact)).toBe(exact);

    const words = "the quick brown fox jumps over the lazy dog again and again and again";
    const title = titleFrom(words);
    expect(title.endsWith("…")).toBe(true);
    expect(title.length).toBeLessThanOrEqual(60 + 1);
    expect(words.startsWith(title.slice(0, -1))).toBe(true);
    expect(words[title.length - 1]).toBe(" "); // cut at a word boundary
  });

  it("cuts a long word-less message at titleChars", () => {
    const title = titleFrom("x".repeat(500));
    expect(title).toBe(`${"x".repeat(60)}…`);
  });
});

describe("historyOf", () => {
  it("returns the role and text of each message, oldest first, without timestamps", () => {
    const conversation: Conversation = {
      id: "c",
      title: "t",
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      messageCount: 2,
      messages: [
        { role: "user", content: "q", createdAt: T0.toISOString() },
        { role: "assistant", content: "a", createdAt: T0.toISOString() },
      ],
    };
    expect(historyOf(conversation)).toEqual([turn("user", "q"), turn("assistant", "a")]);
  });
});

describe("MemoryConversationStore: get and appendTurns", () => {
  it("has no conversation until turns are appended, then returns them oldest first", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore();
    const conversationId = randomUUID();
    expect(await store.get({ userId: "alice", conversationId })).toBeNull();

    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });
    vi.setSystemTime(T0.getTime() + 5_000);
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(2) });

    const conversation = await mustGet(store, "alice", conversationId);
    expect(historyOf(conversation)).toEqual([...exchange(1), ...exchange(2)]);
    expect(conversation).toMatchObject({
      id: conversationId,
      title: "question 1",
      createdAt: T0.toISOString(),
      updatedAt: new Date(T0.getTime() + 5_000).toISOString(),
      messageCount: 4,
    });
    expect(conversation.messages.map((m) => m.createdAt)).toEqual([
      T0.toISOString(),
      T0.toISOString(),
      new Date(T0.getTime() + 5_000).toISOString(),
      new Date(T0.getTime() + 5_000).toISOString(),
    ]);
  });

  it("titles a conversation after its first user message, and later turns do not change the title", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: [turn("assistant", "greeting"), turn("user", "  What is   AES-GCM? ")] });
    await store.appendTurns({ userId: "alice", conversationId, turns: [turn("user", "another question")] });
    expect((await mustGet(store, "alice", conversationId)).title).toBe("What is AES-GCM?");
  });

  it("titles a conversation with no user message New chat", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: [turn("assistant", "hello")] });
    expect((await mustGet(store, "alice", conversationId)).title).toBe("New chat");
  });

  it("returns a copy: changing the result does not change the store", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });

    const conversation = await mustGet(store, "alice", conversationId);
    conversation.title = "rewritten";
    conversation.messages.push({ role: "user", content: "pushed", createdAt: T0.toISOString() });
    const [first] = conversation.messages;
    if (first) {
      first.content = "rewritten";
      first.role = "assistant";
    }
    const again = await mustGet(store, "alice", conversationId);
    expect(again.title).toBe("question 1");
    expect(historyOf(again)).toEqual(exchange(1));
  });

  it("stores a copy: changing the appended turns afterwards does not change the store", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    const turns = exchange(1);
    await store.appendTurns({ userId: "alice", conversationId, turns });
    const [first] = turns;
    if (first) first.content = "rewritten later";
    turns.push(turn("user", "pushed later"));
    expect(historyOf(await mustGet(store, "alice", conversationId))).toEqual(exchange(1));
  });

  it(`keeps only the most recent ${CONVERSATION_LIMITS.maxMessages} messages of a long conversation`, async () => {
    const store = newStore();
    const conversationId = randomUUID();
    const rounds = CONVERSATION_LIMITS.maxMessages / 2 + 3;
    for (let n = 1; n <= rounds; n++) await store.appendTurns({ userId: "alice", conversationId, turns: exchange(n) });

    const conversation = await mustGet(store, "alice", conversationId);
    expect(conversation.messageCount).toBe(CONVERSATION_LIMITS.maxMessages);
    expect(conversation.messages).toHaveLength(CONVERSATION_LIMITS.maxMessages);
    expect(historyOf(conversation).slice(0, 2)).toEqual(exchange(4));
    expect(historyOf(conversation).slice(-2)).toEqual(exchange(rounds));
    // The title is the first message's, even after that message has been trimmed away.
    expect(conversation.title).toBe("question 1");
    // One append larger than the cap keeps its own tail.
    const big = Array.from({ length: CONVERSATION_LIMITS.maxMessages + 10 }, (_, i) => turn("user", `m${i}`));
    const other = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId: other, turns: big });
    const trimmed = await mustGet(store, "alice", other);
    expect(trimmed.messages).toHaveLength(CONVERSATION_LIMITS.maxMessages);
    expect(trimmed.messages[0]?.content).toBe("m10");
  });

  it("holds at most maxConversations, forgetting the least recently written first", async () => {
    const store = newStore({ ttlDays: 30, maxConversations: 2 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await store.appendTurns({ userId: "u", conversationId: a, turns: exchange(1) });
    await store.appendTurns({ userId: "u", conversationId: b, turns: exchange(1) });
    await store.appendTurns({ userId: "u", conversationId: a, turns: exchange(2) }); // a is now the most recent
    await store.appendTurns({ userId: "u", conversationId: c, turns: exchange(1) }); // b goes

    expect(await store.get({ userId: "u", conversationId: b })).toBeNull();
    expect(historyOf(await mustGet(store, "u", a))).toEqual([...exchange(1), ...exchange(2)]);
    expect(historyOf(await mustGet(store, "u", c))).toEqual(exchange(1));

    for (let i = 0; i < 100; i++) await store.appendTurns({ userId: `flood-${i}`, conversationId: randomUUID(), turns: exchange(i) });
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect(entries.size).toBe(2);
    expect(await store.list({ userId: "u" })).toEqual([]);
  });
});

describe("MemoryConversationStore: ownership", () => {
  it("finds a conversation only under its owner: another user's id behaves like an unknown id", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });

    for (const id of [conversationId, randomUUID()]) {
      expect(await store.get({ userId: "mallory", conversationId: id })).toBeNull();
      expect(await store.rename({ userId: "mallory", conversationId: id, title: "pwned" })).toBeNull();
      expect(await store.remove({ userId: "mallory", conversationId: id })).toBe(false);
    }
    expect(await store.list({ userId: "mallory" })).toEqual([]);

    // Alice's conversation is untouched by all of that.
    const conversation = await mustGet(store, "alice", conversationId);
    expect(conversation.title).toBe("question 1");
    expect(historyOf(conversation)).toEqual(exchange(1));
  });

  it("keeps another user's append to the same id apart from the owner's conversation", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });
    await store.appendTurns({ userId: "mallory", conversationId, turns: [turn("user", "injected"), turn("assistant", "ok")] });

    expect(historyOf(await mustGet(store, "alice", conversationId))).toEqual(exchange(1));
    expect(historyOf(await mustGet(store, "mallory", conversationId))).toEqual([turn("user", "injected"), turn("assistant", "ok")]);
    expect((await mustGet(store, "alice", conversationId)).title).toBe("question 1");
    expect(await store.remove({ userId: "mallory", conversationId })).toBe(true);
    expect(historyOf(await mustGet(store, "alice", conversationId))).toEqual(exchange(1));
  });

  it("cannot be confused by user ids and conversation ids that concatenate alike", async () => {
    const store = newStore();
    await store.appendTurns({ userId: "ab", conversationId: "c", turns: exchange(1) });
    expect(await store.get({ userId: "a", conversationId: "bc" })).toBeNull();
    expect(await store.get({ userId: "abc", conversationId: "" })).toBeNull();
    expect(await store.list({ userId: "a" })).toEqual([]);
    expect(await store.removeAll({ userId: "a" })).toBe(0);
    expect(await store.get({ userId: "ab", conversationId: "c" })).not.toBeNull();
  });

  it("removeAll deletes every conversation of the user and only the user's", async () => {
    const store = newStore();
    const [a1, a2, shared] = [randomUUID(), randomUUID(), randomUUID()];
    await store.appendTurns({ userId: "alice", conversationId: a1, turns: exchange(1) });
    await store.appendTurns({ userId: "alice", conversationId: a2, turns: exchange(2) });
    await store.appendTurns({ userId: "alice", conversationId: shared, turns: exchange(3) });
    await store.appendTurns({ userId: "bob", conversationId: shared, turns: exchange(4) });
    await store.appendTurns({ userId: "bob", conversationId: randomUUID(), turns: exchange(5) });

    expect(await store.removeAll({ userId: "alice" })).toBe(3);
    expect(await store.list({ userId: "alice" })).toEqual([]);
    for (const id of [a1, a2, shared]) expect(await store.get({ userId: "alice", conversationId: id })).toBeNull();

    expect((await store.list({ userId: "bob" })).map((c) => c.title)).toEqual(["question 5", "question 4"]);
    expect(historyOf(await mustGet(store, "bob", shared))).toEqual(exchange(4));
    expect(await store.removeAll({ userId: "alice" })).toBe(0);
  });
});

describe("MemoryConversationStore: list, rename and remove", () => {
  it("lists the user's conversations most recently updated first, with summaries and no messages", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await store.appendTurns({ userId: "alice", conversationId: a, turns: exchange(1) });
    vi.setSystemTime(T0.getTime() + 1_000);
    await store.appendTurns({ userId: "alice", conversationId: b, turns: exchange(2) });
    vi.setSystemTime(T0.getTime() + 2_000);
    await store.appendTurns({ userId: "alice", conversationId: c, turns: exchange(3) });
    vi.setSystemTime(T0.getTime() + 3_000);
    await store.appendTurns({ userId: "alice", conversationId: a, turns: exchange(4) }); // a moves to the top

    const list = await store.list({ userId: "alice" });
    expect(list.map((s) => s.id)).toEqual([a, c, b]);
    expect(list[0]).toEqual({
      id: a,
      title: "question 1",
      createdAt: T0.toISOString(),
      updatedAt: new Date(T0.getTime() + 3_000).toISOString(),
      messageCount: 4,
    });
    for (const summary of list) expect(summary).not.toHaveProperty("messages");
  });

  it(`lists at most ${CONVERSATION_LIMITS.listLength} conversations, the most recent`, async () => {
    const store = newStore();
    const ids: string[] = [];
    for (let i = 0; i < CONVERSATION_LIMITS.listLength + 5; i++) {
      const id = randomUUID();
      ids.push(id);
      await store.appendTurns({ userId: "alice", conversationId: id, turns: exchange(i) });
    }
    const list = await store.list({ userId: "alice" });
    expect(list).toHaveLength(CONVERSATION_LIMITS.listLength);
    expect(list.map((s) => s.id)).toEqual(ids.slice(5).reverse());
  });

  it("renames a conversation, returning its summary; the new title sticks", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });
    const summary = await store.rename({ userId: "alice", conversationId, title: "Key rotation" });
    expect(summary).toMatchObject({ id: conversationId, title: "Key rotation", messageCount: 2 });
    expect(summary).not.toHaveProperty("messages");
    expect((await mustGet(store, "alice", conversationId)).title).toBe("Key rotation");
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(2) });
    expect((await mustGet(store, "alice", conversationId)).title).toBe("Key rotation");
  });

  it("renaming or removing an unknown conversation creates nothing", async () => {
    const store = newStore();
    const conversationId = randomUUID();
    expect(await store.rename({ userId: "alice", conversationId, title: "ghost" })).toBeNull();
    expect(await store.remove({ userId: "alice", conversationId })).toBe(false);
    expect(await store.get({ userId: "alice", conversationId })).toBeNull();
    expect(await store.list({ userId: "alice" })).toEqual([]);
  });

  it("removes a conversation once: true the first time, false after", async () => {
    const store = newStore();
    const [keep, drop] = [randomUUID(), randomUUID()];
    await store.appendTurns({ userId: "alice", conversationId: keep, turns: exchange(1) });
    await store.appendTurns({ userId: "alice", conversationId: drop, turns: exchange(2) });
    expect(await store.remove({ userId: "alice", conversationId: drop })).toBe(true);
    expect(await store.remove({ userId: "alice", conversationId: drop })).toBe(false);
    expect(await store.get({ userId: "alice", conversationId: drop })).toBeNull();
    expect((await store.list({ userId: "alice" })).map((s) => s.id)).toEqual([keep]);

    // Appending to a removed id starts a new conversation, titled afresh.
    await store.appendTurns({ userId: "alice", conversationId: drop, turns: exchange(3) });
    const restarted = await mustGet(store, "alice", drop);
    expect(restarted.title).toBe("question 3");
    expect(historyOf(restarted)).toEqual(exchange(3));
  });
});

describe("MemoryConversationStore: expiry", () => {
  it("forgets a conversation ttlDays after its last update, and each update restarts the clock", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore({ ttlDays: 2, maxConversations: 100 });
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });

    vi.setSystemTime(T0.getTime() + 2 * DAY_MS - 1);
    expect(await store.get({ userId: "alice", conversationId })).not.toBeNull();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(2) }); // the clock restarts here
    const updatedAt = T0.getTime() + 2 * DAY_MS - 1;

    vi.setSystemTime(updatedAt + 2 * DAY_MS - 1);
    expect(historyOf(await mustGet(store, "alice", conversationId))).toEqual([...exchange(1), ...exchange(2)]);

    vi.setSystemTime(updatedAt + 2 * DAY_MS);
    expect(await store.get({ userId: "alice", conversationId })).toBeNull();
    expect(await store.list({ userId: "alice" })).toEqual([]);
  });

  it("renaming does not keep a conversation alive, and an expired one cannot be renamed or removed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore({ ttlDays: 1, maxConversations: 100 });
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });
    vi.setSystemTime(T0.getTime() + DAY_MS / 2);
    expect(await store.rename({ userId: "alice", conversationId, title: "renamed" })).not.toBeNull();

    vi.setSystemTime(T0.getTime() + DAY_MS);
    expect(await store.rename({ userId: "alice", conversationId, title: "too late" })).toBeNull();
    expect(await store.remove({ userId: "alice", conversationId })).toBe(false);
  });

  it("starts a fresh conversation when turns are appended to an expired one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore({ ttlDays: 1, maxConversations: 100 });
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });

    vi.setSystemTime(T0.getTime() + 3 * DAY_MS);
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(2) });
    const conversation = await mustGet(store, "alice", conversationId);
    expect(historyOf(conversation)).toEqual(exchange(2));
    expect(conversation.title).toBe("question 2");
    expect(conversation.createdAt).toBe(new Date(T0.getTime() + 3 * DAY_MS).toISOString());
  });

  it("removeAll counts only live conversations but deletes expired ones too", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
    const store = newStore({ ttlDays: 1, maxConversations: 100 });
    await store.appendTurns({ userId: "alice", conversationId: randomUUID(), turns: exchange(1) });
    vi.setSystemTime(T0.getTime() + 2 * DAY_MS);
    await store.appendTurns({ userId: "alice", conversationId: randomUUID(), turns: exchange(2) });

    expect(await store.removeAll({ userId: "alice" })).toBe(1);
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect(entries.size).toBe(0);
  });

  it("holds message text only in memory: nothing about it is kept after removal", async () => {
    const store = newStore();
    const secret = randomBytes(12).toString("hex");
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: [turn("user", secret)] });
    await store.remove({ userId: "alice", conversationId });
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect(JSON.stringify([...entries])).not.toContain(secret);
  });
});

describe("conversationStore (lib/conversations/store.ts)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is one store for the whole process, in memory when no shared store is configured", async () => {
    const { conversationStore } = await import("@/lib/conversations/store");
    const { resetEnvForTests } = await import("@/lib/env");
    vi.stubEnv("NEXTAUTH_SECRET", randomBytes(24).toString("hex"));
    vi.stubEnv("GITHUB_ID", "Iv1.abcdef");
    vi.stubEnv("GITHUB_SECRET", randomBytes(12).toString("hex"));
    for (const name of ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "REDIS_URL", "AI_MODELS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"])
      vi.stubEnv(name, "");
    resetEnvForTests();
    try {
      const first = conversationStore();
      expect(conversationStore()).toBe(first);
      const store = await first;
      expect(store).toBeInstanceOf(MemoryConversationStore);
      expect(await conversationStore()).toBe(store);
    } finally {
      resetEnvForTests();
    }
  });
});
