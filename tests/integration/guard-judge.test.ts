/**
 * The second opinion on flagged messages (GUARD_INJECTION_JUDGE), against the mock upstream and a
 * classifier server of our own. The detector's thresholds are set so that every message is flagged
 * and none is blocked by the detector: what happens is the judge's doing. Proven here: the judge's
 * "attack" blocks with a 400 naming it, and the chat model is never called; "benign" lets the chat go
 * on; its call is fenced and counted in the user's tokens; an unreadable or late answer is refused
 * with a 503 when the deployment fails closed, and let through when it fails open.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startApp, type AppServer } from "../support/app-server";
import { pageCall } from "../support/app-calls";
import { signIn } from "../support/auth";
import { postChat, readEvents, replyText } from "../support/chat-client";
import { startMockAnthropic } from "../support/mock-anthropic";
import { startMockOpenAI } from "../support/mock-openai";
import type { MockUpstream } from "../support/mock-upstream";
import { appEnv, makeUsers, runSecrets } from "../support/test-env";

let openai: MockUpstream;
let anthropic: MockUpstream;
let llmApp: AppServer;
let httpApp: AppServer;
let classifier: Server;
let classifierUrl = "";
const classifierSeen: string[] = [];
let llmCookie: string;
let httpCookie: string;
let judgedEmail: string;

/** Every message flagged, none blocked by the detector itself. */
const GREY_ZONE = { GUARD_INJECTION_FLAG_AT: "0", GUARD_INJECTION_BLOCK_AT: "1", GUARD_INJECTION_BLOCK_ALONE_AT: "1" };

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  // The deployer's classifier: answers by a word in the text, hangs on "slowly", fails on "broken".
  classifier = createServer((req, res) => {
    let body = "";
    req.on("data", (part: Buffer) => (body += part.toString("utf8")));
    req.on("end", () => {
      const text = (JSON.parse(body) as { text: string }).text;
      classifierSeen.push(`${req.headers.authorization ?? ""} ${text}`);
      if (text.includes("slowly")) return;
      if (text.includes("broken")) return void res.writeHead(500).end("{}");
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(text.includes("hostile") ? { label: "INJECTION", score: 0.97 } : { label: "BENIGN", score: 0.02 }));
    });
  });
  await new Promise<void>((resolve) => classifier.listen(0, "127.0.0.1", resolve));
  classifierUrl = `http://127.0.0.1:${(classifier.address() as AddressInfo).port}/classify`;

  const { users, authLocalUsers } = await makeUsers(["judged", "classified"]);
  judgedEmail = users.judged!.email;
  const base = { openaiUrl: openai.url, anthropicUrl: anthropic.url, authLocalUsers };
  [llmApp, httpApp] = await Promise.all([
    startApp({
      name: "judge-llm",
      env: appEnv({
        ...base,
        extra: {
          ...GREY_ZONE,
          GUARD_INJECTION_JUDGE: "llm",
          GUARD_INJECTION_JUDGE_MODEL: "openai:gpt-4o-mini",
          GUARD_INJECTION_JUDGE_TIMEOUT_MS: "1500",
          GUARD_INJECTION_JUDGE_ON_ERROR: "block",
        },
      }),
    }),
    startApp({
      name: "judge-http",
      env: appEnv({
        ...base,
        extra: {
          ...GREY_ZONE,
          GUARD_INJECTION_JUDGE: "http",
          GUARD_INJECTION_JUDGE_URL: classifierUrl,
          GUARD_INJECTION_JUDGE_TOKEN: "judge-token-for-tests",
          GUARD_INJECTION_JUDGE_TIMEOUT_MS: "500",
        },
      }),
    }),
  ]);
  [llmCookie, httpCookie] = await Promise.all([signIn({ baseUrl: llmApp.url, ...users.judged! }), signIn({ baseUrl: httpApp.url, ...users.classified! })]);
});

afterAll(async () => {
  await Promise.all([llmApp?.stop(), httpApp?.stop()]);
  await Promise.all([openai?.close(), anthropic?.close(), new Promise((resolve) => classifier?.close(resolve))]);
});

beforeEach(() => openai.reset());

const send = (app: AppServer, cookie: string, message: string) => postChat({ baseUrl: app.url, cookie, body: { message, model: "openai:gpt-4o-mini" } });
const tokensUsed = async (app: AppServer, cookie: string) =>
  ((await (await pageCall(app.url, "/api/usage", { cookie })).json()) as { tokens: { used: number } }).tokens.used;
const auditLines = (app: AppServer) =>
  app
    .logs()
    .split("\n")
    .filter((line) => line.includes('"audit.guard.injection"'));

describe("GUARD_INJECTION_JUDGE=llm", () => {
  it("blocks on the judge's word: 400 naming it, the chat model never called, the judgement fenced and paid for", async () => {
    const before = await tokensUsed(llmApp, llmCookie);
    const res = await send(llmApp, llmCookie, "[[mock:judge-attack]] tell me a story about a lighthouse keeper");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; signals: string[] } };
    expect(body.error.code).toBe("prompt_rejected");
    expect(body.error.signals).toContain("judge");
    expect(body.error.message).toMatch(/second check/);

    // One upstream call only: the judgement, with the fixed prompt and the text fenced as data.
    expect(openai.requests).toHaveLength(1);
    const sent = JSON.stringify(openai.requests[0]?.body);
    expect(sent).toContain("security classifier");
    expect(sent).toMatch(/<message id=\\"[A-Za-z0-9_-]+\\">\\n\[\[mock:judge-attack\]\] tell me a story about a lighthouse keeper\\n<\/message id=/);
    const limits = openai.requests[0]?.body as { max_tokens?: number; max_completion_tokens?: number };
    expect(limits.max_completion_tokens ?? limits.max_tokens).toBeLessThanOrEqual(40);
    expect(await tokensUsed(llmApp, llmCookie)).toBeGreaterThan(before);
    expect(auditLines(llmApp).at(-1)).toMatch(/"action":"blocked".*"judge"|"judge".*"action":"blocked"/);
  });

  it("lets the chat go on when the judge clears the message", async () => {
    const res = await send(llmApp, llmCookie, "[[mock:judge-benign]] what is a good name for a cat?");
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    expect(events.at(-1)?.type).toBe("done");
    expect(replyText(events)).toContain('"attack": false');
    expect(openai.requests).toHaveLength(2);
    expect(auditLines(llmApp).some((line) => line.includes("judge_cleared"))).toBe(true);
  });

  it("tells the provider who asked on the judge's call as on the chat's: the user's keyed id, never the email", async () => {
    const res = await send(llmApp, llmCookie, "[[mock:judge-benign]] what is a good name for a parrot?");
    expect(res.status).toBe(200);
    await res.text();
    expect(openai.requests).toHaveLength(2);
    const ids = openai.requests.map((request) => (request.body as { safety_identifier?: unknown }).safety_identifier);
    // Recomputed here from its definition (lib/ai/provider-user-id.ts): HMAC-SHA256 of `provider:<user id>` under NEXTAUTH_SECRET.
    const expected = createHmac("sha256", runSecrets.nextauthSecret).update(`provider:credentials:${judgedEmail}`).digest("base64url");
    expect(ids).toEqual([expected, expected]);
    for (const request of openai.requests) expect(JSON.stringify(request.body)).not.toContain(judgedEmail);
  });

  it("fails closed on an answer that is not the agreed JSON: 503, retryable, the chat model never called", async () => {
    const res = await send(llmApp, llmCookie, "[[mock:judge-junk]] recommend a board game");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("guard_unavailable");
    expect(openai.requests).toHaveLength(1);
    expect(auditLines(llmApp).at(-1)).toContain("judge_unreadable");
  });

  it("fails closed when the judge does not answer in time", async () => {
    const started = Date.now();
    const res = await send(llmApp, llmCookie, "[[mock:hang]] how tall is a giraffe?");
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(auditLines(llmApp).at(-1)).toContain("judge_timeout");
  });
});

describe("GUARD_INJECTION_JUDGE=http", () => {
  it("asks the deployer's classifier with its token, and blocks on its label", async () => {
    const res = await send(httpApp, httpCookie, "a hostile little message about cats");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { signals: string[] } }).error.signals).toContain("judge");
    expect(classifierSeen.at(-1)).toBe("Bearer judge-token-for-tests a hostile little message about cats");
    expect(openai.requests).toHaveLength(0);
  });

  it("sends the text with personal data already replaced by placeholders", async () => {
    const res = await send(httpApp, httpCookie, "please write to robin.example@example.org about the picnic");
    expect(res.status).toBe(200);
    await readEvents(res);
    expect(classifierSeen.at(-1)).toContain("[EMAIL_1]");
    expect(classifierSeen.at(-1)).not.toContain("robin.example@example.org");
  });

  it("fails open by default: a classifier error or timeout lets the message through, audited", async () => {
    for (const message of ["this classifier is broken today", "answer slowly please"]) {
      const res = await send(httpApp, httpCookie, message);
      expect(res.status).toBe(200);
      expect((await readEvents(res)).at(-1)?.type).toBe("done");
    }
    const lines = auditLines(httpApp).join("\n");
    expect(lines).toContain("judge_unreadable");
    expect(lines).toContain("judge_timeout");
  });
});
