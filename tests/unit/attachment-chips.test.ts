/**
 * The attachment chips' logic without a browser: the checks made before uploading, the statuses an
 * upload goes through, what a refusal leaves on the chip (the server's message, and Retry only when
 * it may help), Retry sending the same file, and Remove deleting what the server stored, even when
 * the chip went while the server was still checking the file. The XMLHttpRequest is a fake driven
 * by the test; DELETE goes through a stubbed fetch.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { toConversation } from "../../components/chat/api-shapes";
import { addFiles, removeChip, retryChip } from "../../components/chat/attachment-upload";
import { fileTooLargeMessage as tooLarge, tooManyDraftsMessage as tooMany } from "../../lib/documents/messages";
import { toAttachment } from "../../components/chat/attachments-api";
import { formatBytes } from "../../lib/format-bytes";
import type { AttachmentChip, AttachmentsConfig } from "../../components/chat/types";
import type { ChipStore } from "../../components/chat/use-attachments";

type ProgressEvent = { lengthComputable: boolean; loaded: number; total: number };

class FakeXhr {
  static sent: FakeXhr[] = [];
  upload: { onprogress: ((event: ProgressEvent) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  responseType = "";
  status = 0;
  responseText = "";
  url = "";
  body: FormData | null = null;
  aborted = false;
  open(_method: string, url: string) {
    this.url = url;
  }
  send(body: FormData) {
    this.body = body;
    FakeXhr.sent.push(this);
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  getResponseHeader() {
    return null;
  }
  /** All bytes sent, then the server's answer. */
  answer(status: number, json: unknown) {
    this.upload.onload?.();
    this.status = status;
    this.responseText = JSON.stringify(json);
    this.onload?.();
  }
}

const CONFIG: AttachmentsConfig = { enabled: true, maxFileBytes: 1_000, maxPerMessage: 2 };

function makeStore(config = CONFIG): ChipStore {
  let chips: AttachmentChip[] = [];
  return { config, list: () => chips, update: (change) => (chips = change(chips)), conversationId: () => "conv-1" };
}

const file = (name: string, bytes = 10) => new File(["x".repeat(bytes)], name, { type: "text/plain" });

function stored(id: string, name: string) {
  return {
    id,
    name,
    size: 10,
    type: "text/markdown",
    chars: 10,
    findings: [{ kind: "instructions", level: "likely", signals: ["exfiltration"], message: "It contains text addressed to an AI." }],
    conversationId: "conv-1",
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}

const sentName = (xhr: FakeXhr | undefined) => {
  const sent = xhr?.body?.get("file");
  return sent instanceof File ? sent.name : undefined;
};

const refusal = (code: string, message: string) => ({ error: { code, message } });

let deletes: string[];
let deleteStatus: number;

beforeEach(() => {
  FakeXhr.sent = [];
  deletes = [];
  deleteStatus = 204;
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit) => {
      if (init.method === "DELETE") deletes.push(path);
      return deleteStatus === 204
        ? new Response(null, { status: 204 })
        : new Response(JSON.stringify(refusal("internal_error", "Bulwark is having trouble right now.")), { status: deleteStatus });
    }),
  );
});

afterEach(() => vi.unstubAllGlobals());

describe("adding files", () => {
  it("fails a file over the size cap at once, without uploading it, and offers no Retry", () => {
    const store = makeStore();
    addFiles({ store, files: [file("big.txt", 1_001)] });
    expect(FakeXhr.sent).toHaveLength(0);
    expect(store.list()).toMatchObject([{ status: "failed", error: tooLarge(1_000), retry: false }]);
    expect(tooLarge(2_097_152)).toBe("This file is larger than 2 MB, the most that can be attached. Attach a smaller file, or the part you need.");
  });

  it("uploads up to the per-message cap with the open conversation's id, and fails the rest with Retry", () => {
    const store = makeStore();
    addFiles({ store, files: [file("a.txt"), file("b.txt"), file("c.txt")] });
    expect(FakeXhr.sent).toHaveLength(2);
    expect(FakeXhr.sent[0]?.url).toBe("/api/attachments");
    expect(sentName(FakeXhr.sent[0])).toBe("a.txt");
    expect(FakeXhr.sent[0]?.body?.get("conversationId")).toBe("conv-1");
    expect(store.list().map((c) => c.status)).toEqual(["uploading", "uploading", "failed"]);
    expect(store.list()[2]).toMatchObject({ error: tooMany(2), retry: true });
  });

  it("counts every document waiting to be sent: a retry fails again while the others fill the cap, and uploads once one is removed", async () => {
    const store = makeStore();
    addFiles({ store, files: [file("a.txt"), file("b.txt"), file("c.txt")] });
    const third = store.list()[2]!.key;
    retryChip({ store, key: third });
    expect(store.list()[2]).toMatchObject({ status: "failed", error: tooMany(2) });
    expect(FakeXhr.sent).toHaveLength(2);
    await removeChip({ store, key: store.list()[0]!.key });
    retryChip({ store, key: third });
    expect(FakeXhr.sent).toHaveLength(3);
    expect(store.list().map((c) => c.status)).toEqual(["uploading", "uploading"]);
  });

  it("goes from uploading (with progress) to checking to ready, with the server's findings", async () => {
    const store = makeStore();
    addFiles({ store, files: [file("notes.md")] });
    const xhr = FakeXhr.sent[0]!;
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 50, total: 100 });
    expect(store.list()[0]).toMatchObject({ status: "uploading", progress: 0.5 });
    xhr.answer(201, stored("att-1", "notes.md"));
    expect(store.list()[0]?.status).toBe("checking");
    await vi.waitFor(() => expect(store.list()[0]?.status).toBe("ready"));
    expect(store.list()[0]?.attachment).toMatchObject({ id: "att-1", findings: [{ message: "It contains text addressed to an AI." }] });
  });
});

describe("a refused upload", () => {
  it("shows the server's message; Retry only when sending again may work, and it sends the same file", async () => {
    const store = makeStore();
    const later = file("later.txt");
    addFiles({ store, files: [file("photo.txt"), later] });
    FakeXhr.sent[0]?.answer(415, refusal("unsupported_file_type", "This file is not a document Bulwark can read."));
    FakeXhr.sent[1]?.answer(429, refusal("rate_limited", "Too many uploads: try again in 30 s."));
    await vi.waitFor(() => expect(store.list().every((c) => c.status === "failed")).toBe(true));
    expect(store.list()).toMatchObject([
      { error: "This file is not a document Bulwark can read.", retry: false },
      { error: "Too many uploads: try again in 30 s.", retry: true },
    ]);

    const key = store.list()[1]!.key;
    retryChip({ store, key });
    expect(FakeXhr.sent).toHaveLength(3);
    expect(store.list()[1]).toMatchObject({ status: "uploading", error: undefined });
    expect(store.list()[1]?.file).toBe(later);
    expect(sentName(FakeXhr.sent[2])).toBe("later.txt");
    FakeXhr.sent[2]?.answer(201, stored("att-2", "later.txt"));
    await vi.waitFor(() => expect(store.list()[1]?.status).toBe("ready"));
  });

  it("says a network failure in our words, and offers Retry", async () => {
    const store = makeStore();
    addFiles({ store, files: [file("a.txt")] });
    FakeXhr.sent[0]?.onerror?.();
    await vi.waitFor(() => expect(store.list()[0]?.status).toBe("failed"));
    expect(store.list()[0]).toMatchObject({ error: "Could not reach Bulwark. Check your connection and try again.", retry: true });
  });
});

describe("removing a chip", () => {
  it("deletes an uploaded document, and keeps the chip with the reason when the server cannot", async () => {
    const store = makeStore();
    addFiles({ store, files: [file("a.txt"), file("b.txt")] });
    FakeXhr.sent[0]?.answer(201, stored("att-a", "a.txt"));
    FakeXhr.sent[1]?.answer(201, stored("att-b", "b.txt"));
    await vi.waitFor(() => expect(store.list().every((c) => c.status === "ready")).toBe(true));

    expect(await removeChip({ store, key: store.list()[0]!.key })).toBe(true);
    expect(deletes).toEqual(["/api/attachments/att-a"]);
    expect(store.list().map((c) => c.attachment?.id)).toEqual(["att-b"]);

    deleteStatus = 500;
    expect(await removeChip({ store, key: store.list()[0]!.key })).toBe(false);
    expect(store.list()[0]).toMatchObject({ removing: false, notice: "Could not remove it. Bulwark is having trouble right now." });
  });

  it("stops an upload still sending, and deletes one the server was checking once it is stored", async () => {
    const store = makeStore();
    addFiles({ store, files: [file("sending.txt"), file("checking.txt")] });
    const [sending, checking] = FakeXhr.sent;
    checking?.upload.onload?.();
    const [first, second] = store.list();
    expect(second?.status).toBe("checking");

    await removeChip({ store, key: first!.key });
    expect(sending?.aborted).toBe(true);
    await removeChip({ store, key: second!.key });
    expect(checking?.aborted).toBe(false);
    expect(store.list()).toEqual([]);

    checking?.answer(201, stored("att-late", "checking.txt"));
    await vi.waitFor(() => expect(deletes).toEqual(["/api/attachments/att-late"]));
    expect(store.list()).toEqual([]);
  });
});

describe("the shapes read from the server", () => {
  it("reads an upload's answer, keeping findings of kinds this page does not know", () => {
    const answer = { ...stored("att-1", "a.md"), pages: 3, findings: [{ kind: "new_kind", message: "Something new." }, { kind: "no_message" }] };
    expect(toAttachment(answer)).toMatchObject({ id: "att-1", pages: 3, findings: [{ kind: "new_kind", message: "Something new." }] });
    expect(toAttachment({ ...answer, type: "image/png" })).toBeUndefined();
    expect(toAttachment({ ...answer, conversationId: 7 })).toBeUndefined();
  });

  it("reads a stored message's documents, and refuses a conversation with a malformed one", () => {
    const conversation = {
      id: "c",
      title: "t",
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      messageCount: 1,
      messages: [
        { role: "user", content: "hi", createdAt: "2026-01-01T00:00:00.000Z", attachments: [{ id: "a", name: "a.pdf", size: 5, type: "application/pdf" }] },
      ],
    };
    expect(toConversation(conversation)?.messages[0]?.attachments).toEqual([{ id: "a", name: "a.pdf", size: 5, type: "application/pdf" }]);
    const broken = {
      ...conversation,
      messages: [{ ...conversation.messages[0], attachments: [{ id: "a", name: "a.pdf", size: -1, type: "application/pdf" }] }],
    };
    expect(toConversation(broken)).toBeUndefined();
  });

  it("writes sizes as people read them", () => {
    expect([0, 1, 512, 1_536, 14 * 1_024, 2_097_152, 5 * 1_073_741_824].map(formatBytes)).toEqual([
      "0 bytes",
      "1 byte",
      "512 bytes",
      "1.5 KB",
      "14 KB",
      "2 MB",
      "5 GB",
    ]);
  });
});
