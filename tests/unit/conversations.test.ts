import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { conversationStore, MemoryConversationStore } from "@/lib/store/conversations";
import type { HistoryTurn } from "@/lib/ai/prompt";

const turn = (role: HistoryTurn["role"], content: string): HistoryTurn => ({ role, content });
const exchange = (n: number): HistoryTurn[] => [turn("user", `question ${n}`), turn("assistant", `answer ${n}`)];

describe("MemoryConversationStore", () => {
  it("has no conversation until turns are appended, then returns them oldest first", async () => {
    const store = new MemoryConversationStore();
    const conversationId = randomUUID();
    expect(await store.getHistory({ userId: "alice", conversationId })).toBeNull();

    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(2) });
    expect(await store.getHistory({ userId: "alice", conversationId })).toEqual([...exchange(1), ...exchange(2)]);
  });

  it("finds a conversation only under its owner: another user's id behaves like an unknown id", async () => {
    const store = new MemoryConversationStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });

    expect(await store.getHistory({ userId: "mallory", conversationId })).toBeNull();
    expect(await store.getHistory({ userId: "mallory", conversationId: randomUUID() })).toBeNull();
  });

  it("keeps another user's append to the same id apart from the owner's conversation", async () => {
    const store = new MemoryConversationStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });
    await store.appendTurns({ userId: "mallory", conversationId, turns: [turn("user", "injected"), turn("assistant", "ok")] });

    expect(await store.getHistory({ userId: "alice", conversationId })).toEqual(exchange(1));
    expect(await store.getHistory({ userId: "mallory", conversationId })).toEqual([turn("user", "injected"), turn("assistant", "ok")]);
  });

  it("cannot be confused by user ids and conversation ids that concatenate alike", async () => {
    const store = new MemoryConversationStore();
    await store.appendTurns({ userId: "ab", conversationId: "c", turns: exchange(1) });
    expect(await store.getHistory({ userId: "a", conversationId: "bc" })).toBeNull();
    expect(await store.getHistory({ userId: "abc", conversationId: "" })).toBeNull();
  });

  it("returns a copy: changing the result does not change the store", async () => {
    const store = new MemoryConversationStore();
    const conversationId = randomUUID();
    await store.appendTurns({ userId: "alice", conversationId, turns: exchange(1) });

    const history = await store.getHistory({ userId: "alice", conversationId });
    if (!history) throw new Error("expected a history");
    history.push(turn("user", "pushed"));
    const [first] = history;
    if (first) {
      first.content = "rewritten";
      first.role = "assistant";
    }
    expect(await store.getHistory({ userId: "alice", conversationId })).toEqual(exchange(1));
  });

  it("stores a copy: changing the appended turns afterwards does not change the store", async () => {
    const store = new MemoryConversationStore();
    const conversationId = randomUUID();
    const turns = exchange(1);
    await store.appendTurns({ userId: "alice", conversationId, turns });
    const [first] = turns;
    if (first) first.content = "rewritten later";
    turns.push(turn("user", "pushed later"));
    expect(await store.getHistory({ userId: "alice", conversationId })).toEqual(exchange(1));
  });

  it("keeps only the most recent turns of a long conversation", async () => {
    const store = new MemoryConversationStore({ maxConversations: 10, maxTurnsPerConversation: 4 });
    const conversationId = randomUUID();
    for (let n = 1; n <= 5; n++) await store.appendTurns({ userId: "alice", conversationId, turns: exchange(n) });
    expect(await store.getHistory({ userId: "alice", conversationId })).toEqual([...exchange(4), ...exchange(5)]);
  });

  it("holds at most maxConversations, forgetting the least recently written first", async () => {
    const store = new MemoryConversationStore({ maxConversations: 2, maxTurnsPerConversation: 10 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await store.appendTurns({ userId: "u", conversationId: a, turns: exchange(1) });
    await store.appendTurns({ userId: "u", conversationId: b, turns: exchange(1) });
    await store.appendTurns({ userId: "u", conversationId: a, turns: exchange(2) }); // a is now the most recent
    await store.appendTurns({ userId: "u", conversationId: c, turns: exchange(1) }); // b goes

    expect(await store.getHistory({ userId: "u", conversationId: b })).toBeNull();
    expect(await store.getHistory({ userId: "u", conversationId: a })).toEqual([...exchange(1), ...exchange(2)]);
    expect(await store.getHistory({ userId: "u", conversationId: c })).toEqual(exchange(1));

    for (let i = 0; i < 100; i++) await store.appendTurns({ userId: `flood-${i}`, conversationId: randomUUID(), turns: exchange(i) });
    const conversations = (store as unknown as { conversations: Map<string, unknown> }).conversations;
    expect(conversations.size).toBe(2);
  });
});

describe("conversationStore", () => {
  it("is one store for the whole process", () => {
    expect(conversationStore()).toBe(conversationStore());
  });
});
