import { describe, expect, it } from "vitest";
import { z } from "zod";
import { argsHash, canonicalJson, defineTool, resolveCall, type Tool, toolSpecs } from "@/lib/tools/registry";

const echo = defineTool({
  name: "echo_text",
  description: "Repeats a text.",
  args: z.strictObject({ text: z.string().min(1).max(100), times: z.number().int().min(1).max(3).optional() }),
  privilege: "read-own-data",
  needsApproval: false,
  rateLimit: "10/60s",
  outputCapChars: 1_000,
  run: async ({ text }) => ({ content: text, summary: "echoed" }),
});
const enabled = [echo] as Tool[];

describe("tool registry: the only way a model's call becomes one that runs", () => {
  it("resolves a call with valid arguments, and binds it to a hash of exactly those arguments", () => {
    const call = resolveCall(enabled, "echo_text", '{"text":"hi","times":2}');
    expect(call).toMatchObject({ ok: true, args: { text: "hi", times: 2 } });
    if (!call.ok) throw new Error("unreachable");
    expect(call.argsHash).toBe(argsHash("echo_text", { times: 2, text: "hi" }));
    const other = resolveCall(enabled, "echo_text", '{"text":"hi","times":3}');
    expect(other.ok && other.argsHash).not.toBe(call.argsHash);
  });

  it("refuses an unknown or disabled tool, naming the ones there are", () => {
    expect(resolveCall(enabled, "delete_everything", "{}")).toEqual({
      ok: false,
      reason: "unknown_tool",
      message: "There is no tool called that here. Tools available: echo_text.",
    });
    expect(resolveCall([], "echo_text", '{"text":"hi"}')).toMatchObject({ ok: false, reason: "unknown_tool" });
  });

  it("refuses arguments that are not JSON, miss a field, carry an extra one or break a rule, without echoing them", () => {
    for (const bad of ["{text:", '{"times":1}', '{"text":"hi","url":"http://169.254.169.254/"}', '{"text":""}', '{"text":"hi","times":9}', "[]", '"x"']) {
      const call = resolveCall(enabled, "echo_text", bad);
      expect(call, bad).toMatchObject({ ok: false, reason: "bad_arguments" });
      expect(JSON.stringify(call)).not.toContain("169.254");
    }
    expect(resolveCall(enabled, "echo_text", "")).toMatchObject({ ok: false, reason: "bad_arguments" });
  });

  it("refuses a declaration that writes without approval, or has a name providers reject", () => {
    expect(() => defineTool({ ...echo, name: "save_it", privilege: "write-own-data", needsApproval: false })).toThrow(/must need approval/);
    expect(() => defineTool({ ...echo, name: "Save It" })).toThrow(/lower-case/);
    expect(() => defineTool({ ...echo, outputCapChars: 0 })).toThrow(/output cap/);
  });

  it("describes each tool to providers with the JSON Schema of its arguments", () => {
    expect(toolSpecs(enabled)).toEqual([
      {
        name: "echo_text",
        description: "Repeats a text.",
        parameters: {
          type: "object",
          properties: { text: { type: "string", minLength: 1, maxLength: 100 }, times: { type: "integer", minimum: 1, maximum: 3 } },
          required: ["text"],
          additionalProperties: false,
        },
      },
    ]);
  });

  it("writes canonical JSON whatever the key order", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: "x", u: undefined })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
  });
});
