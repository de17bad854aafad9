import { createHash } from "node:crypto";
import { z } from "zod";
import type { ToolSpec } from "../ai/types";

/**
 * The tools a model may ask to run, and the one way a call it asks for becomes a call that may run:
 * `resolveCall` finds the tool among those the deployment enabled and validates the arguments
 * against its schema. Anything else (an unknown name, a disabled tool, arguments that fail the
 * schema or are not JSON) is refused, and nothing runs.
 *
 * A tool runs with the signed-in user's identity and nothing else: `run` gets the user's id and the
 * conversation, never a server-wide credential, and each tool reaches only that user's data (or, for
 * `read-external`, the public web through lib/net/). What it returns is untrusted text: the caller
 * fences and scans it like a document before the model sees it.
 */

/** What a tool may touch: the user's own data, the outside world (read only), or the user's own data to change it. */
export type Privilege = "read-own-data" | "read-external" | "write-own-data";

export type ToolContext = {
  /** The signed-in user the call runs for: the only identity a tool has. */
  userId: string;
  conversationId: string | undefined;
  /** Aborted when the reply is stopped or times out: a tool stops with it. */
  signal: AbortSignal;
  requestId: string;
};

/** What a tool gives back: text for the model (untrusted) and a short line for the user. */
export type ToolOutput = { content: string; summary: string };

export type Tool<Args = unknown> = {
  name: string;
  /** What the model is told the tool does. */
  description: string;
  /** The arguments, strictly: unknown fields are refused. */
  args: z.ZodType<Args>;
  privilege: Privilege;
  /** Runs only after the user approves these exact arguments. Every `write-own-data` tool needs it. */
  needsApproval: boolean;
  /** Calls per user, as requests/window (e.g. `10/60s`). */
  rateLimit: string;
  /** Longest output the model is given, in characters; the rest is cut and marked. */
  outputCapChars: number;
  run(args: Args, context: ToolContext): Promise<ToolOutput>;
};

const NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Declares a tool, refusing declarations that would break the rules above: a name providers accept,
 * and approval for anything that writes.
 */
export function defineTool<Args>(tool: Tool<Args>): Tool<Args> {
  if (!NAME.test(tool.name)) throw new Error(`tool name ${JSON.stringify(tool.name)} must be lower-case letters, digits and _`);
  if (tool.privilege === "write-own-data" && !tool.needsApproval) throw new Error(`tool ${tool.name} writes the user's data, so it must need approval`);
  if (!(tool.outputCapChars > 0)) throw new Error(`tool ${tool.name} needs an output cap`);
  return tool;
}

export function toolSpecs(tools: readonly Tool[]): ToolSpec[] {
  return tools.map((tool) => {
    const { $schema: _, ...parameters } = z.toJSONSchema(tool.args, { io: "input" }) as Record<string, unknown>;
    return { name: tool.name, description: tool.description, parameters };
  });
}

export type ResolvedCall = { ok: true; tool: Tool; args: unknown; argsHash: string };
export type RefusedCall = { ok: false; reason: "unknown_tool" | "bad_arguments"; message: string };

/**
 * The model's request to call `name` with `argsJson` (the JSON text it wrote), checked against the
 * enabled tools. The message of a refusal goes back to the model so it can correct itself; it names
 * the failing fields, never echoes their values.
 */
export function resolveCall(enabled: readonly Tool[], name: string, argsJson: string): ResolvedCall | RefusedCall {
  const tool = enabled.find((t) => t.name === name);
  if (!tool) {
    const known = enabled.map((t) => t.name).join(", ") || "none";
    return { ok: false, reason: "unknown_tool", message: `There is no tool called that here. Tools available: ${known}.` };
  }
  let raw: unknown;
  try {
    raw = argsJson.trim() === "" ? {} : JSON.parse(argsJson);
  } catch {
    return { ok: false, reason: "bad_arguments", message: `The arguments for ${tool.name} were not valid JSON.` };
  }
  const parsed = tool.args.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "(arguments)"))];
    return { ok: false, reason: "bad_arguments", message: `The arguments for ${tool.name} do not fit its schema: check ${fields.join(", ")}.` };
  }
  return { ok: true, tool, args: parsed.data, argsHash: argsHash(tool.name, parsed.data) };
}

/**
 * A fingerprint of a call: the tool's name and its validated arguments in a canonical form (keys
 * sorted at every level). An approval is bound to it, so it runs exactly what the user saw.
 */
export function argsHash(name: string, args: unknown): string {
  return createHash("sha256").update(name).update("\0").update(canonicalJson(args)).digest("base64url");
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
