import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { warmChatRoute } from "@/lib/startup";
import { freePort } from "../support/free-port";

/** A stand-in for the server itself: records what reaches it and answers like the route does, 405. */
async function listen(): Promise<{ port: string; requests: Pick<IncomingMessage, "method" | "url" | "headers">[]; close: () => Promise<void> }> {
  const requests: Pick<IncomingMessage, "method" | "url" | "headers">[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(405, { Allow: "POST" }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: String((server.address() as AddressInfo).port), requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("warmChatRoute", () => {
  it("sends one GET to the chat route on loopback, without a cookie or a body", async () => {
    const server = await listen();
    try {
      warmChatRoute({ port: server.port });
      await vi.waitFor(() => expect(server.requests).toHaveLength(1));
      const [request] = server.requests;
      expect(request?.method).toBe("GET");
      expect(request?.url).toBe("/api/chat");
      expect(request?.headers.cookie).toBeUndefined();
      expect(request?.headers["content-length"]).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("does nothing without a port, and fails quietly when nothing listens", async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      expect(() => warmChatRoute({ port: undefined })).not.toThrow();
      expect(() => warmChatRoute({ port: "" })).not.toThrow();
      const closed = await freePort();
      expect(() => warmChatRoute({ port: String(closed) })).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
});
