import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { describeError, log, setLogLevel } from "@/lib/log/logger";

type Write = typeof process.stdout.write;
let stdout: MockInstance<Write>;
let stderr: MockInstance<Write>;

beforeEach(() => {
  setLogLevel("info");
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel("info");
});

const written = (spy: MockInstance<Write>) => spy.mock.calls.map(([chunk]) => String(chunk)).join("");
/** Every record written to a stream, checking that each is exactly one JSON object on one line. */
function records(spy: MockInstance<Write>): Record<string, unknown>[] {
  const text = written(spy);
  if (text === "") return [];
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const openAiKey = () => "sk-" + "proj-" + "K".repeat(20) + "9".repeat(20);

describe("log", () => {
  it("writes one JSON object per line with time, level, event and the fields", () => {
    log.info("chat.reply", { requestId: "req-1", inputTokens: 20, ok: true, failure: null, skipped: undefined });
    const [record, ...rest] = records(stdout);
    expect(rest).toEqual([]);
    expect(record).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: "info",
      event: "chat.reply",
      requestId: "req-1",
      inputTokens: 20,
      ok: true,
      failure: null,
    });
    expect(record).not.toHaveProperty("skipped");
  });

  it("sends debug and info to stdout, warn and error to stderr", () => {
    setLogLevel("debug");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(records(stdout).map((r) => r.event)).toEqual(["d", "i"]);
    expect(records(stderr).map((r) => r.event)).toEqual(["w", "e"]);
  });

  it("masks secrets and emails in every string field and in the event name", () => {
    const key = openAiKey();
    log.warn(`provider.failed ${key}`, { detail: `401 Incorrect API key provided: ${key}`, who: "alice@example.com", count: 3 });
    const text = written(stderr);
    expect(text).not.toContain(key);
    expect(text).not.toContain("alice@example.com");
    const [record] = records(stderr);
    expect(record?.detail).toBe("401 Incorrect API key provided: [REDACTED_KEY]");
    expect(record?.who).toBe("[EMAIL]");
    expect(record?.count).toBe(3);
  });

  it("keeps a value with newlines on one line, so nobody can forge a log record", () => {
    log.info("signin.failed", { reason: 'bad\n{"level":"error","event":"admin.granted"}\r\nend' });
    const lines = written(stdout).split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(records(stdout)[0]?.event).toBe("signin.failed");
  });

  it("respects the level: info by default, debug when asked, only errors at error", () => {
    log.debug("hidden");
    expect(written(stdout)).toBe("");

    setLogLevel("debug");
    log.debug("shown");
    expect(records(stdout).map((r) => r.event)).toEqual(["shown"]);

    setLogLevel("error");
    log.info("quiet-info");
    log.warn("quiet-warn");
    log.error("loud");
    expect(records(stdout).map((r) => r.event)).toEqual(["shown"]);
    expect(records(stderr).map((r) => r.event)).toEqual(["loud"]);
  });

  it("at warn, drops info but keeps warn", () => {
    setLogLevel("warn");
    log.info("dropped");
    log.warn("kept");
    expect(written(stdout)).toBe("");
    expect(records(stderr).map((r) => r.level)).toEqual(["warn"]);
  });
});

describe("describeError", () => {
  it("keeps the class and a masked message, never the stack", () => {
    const key = openAiKey();
    const error = new TypeError(`fetch failed for ${key}`);
    expect(error.stack).toBeTruthy();
    const fields = describeError(error);
    expect(fields).toEqual({ errorName: "TypeError", errorMessage: "fetch failed for [REDACTED_KEY]" });
    const text = JSON.stringify(fields);
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/\n\s+at |logger\.test|node_modules/);
  });

  it("shortens a long message to 300 characters", () => {
    const fields = describeError(new Error("x ".repeat(1000)));
    expect(String(fields.errorMessage)).toHaveLength(300);
  });

  it("says only the type of something thrown that is not an Error", () => {
    expect(describeError("secret string thrown")).toEqual({ errorName: "string" });
    expect(describeError({ apiKey: openAiKey() })).toEqual({ errorName: "object" });
    expect(describeError(undefined)).toEqual({ errorName: "undefined" });
  });

  it("goes through the logger masked and without a stack", () => {
    const key = openAiKey();
    const error = new Error(`upstream said ${key}`);
    log.error("provider.failed", describeError(error));
    const text = written(stderr);
    expect(text).not.toContain(key);
    expect(text).not.toContain(" at ");
    expect(records(stderr)[0]).toMatchObject({ level: "error", event: "provider.failed", errorName: "Error" });
  });
});
