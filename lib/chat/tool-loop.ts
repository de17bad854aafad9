import "server-only";
import { fenceToolOutput } from "../ai/system-prompt";
import type { ChatProvider, ChatRequest, PromptMessage, StreamPart, ToolCallRequest, Usage } from "../ai/types";
import { promptTokenBound } from "../ai/prompt";
import { auditGuard, auditTool, type AuditContext } from "../audit/audit";
import { parseRateLimit } from "../config/limits";
import type { PlaceholderMap } from "../guard/pii";
import type { ToolOutputGuardResult } from "../guard/tool-output";
import { describeError, log } from "../log/logger";
import { toolCallAllowed } from "../ratelimit/limiter";
import { APPROVAL_TTL_MS, approvalStore, type PendingApproval } from "../tools/approvals";
import { ToolFailure } from "../tools/failure";
import { argsHash, resolveCall, type Tool, toolSpecs } from "../tools/registry";
import type { ToolEvent } from "../wire";
import type { Ticket } from "./admission";

/**
 * The steps of a reply that may call tools. The model writes; when it asks for tools, each call is
 * checked (an enabled tool, arguments that pass its schema, under TOOLS_MAX_CALLS and the tool's own
 * rate limit), run with the person's identity and nothing else, and its output guarded and fenced
 * as data before the model sees it; then the model writes again, each step admitted against the
 * budgets like the first. A call that needs approval is never run here: the reply ends with an
 * `approval-required` event and the call is held (lib/tools/approvals.ts) until the person answers.
 * Every call is audited by the tool's name and a hash of its arguments, never the arguments.
 */
export type ToolRun = {
  /** The tools this deployment enabled (TOOLS). */
  tools: readonly Tool[];
  maxCalls: number;
  /** Calls made before this request, when it resumes a reply after an approval. */
  callsSoFar: number;
  ticket: Pick<Ticket, "extend">;
  audit: AuditContext;
  conversationId: string;
  model: string;
  boundary: string;
  canary: string | undefined;
  /** The input guards, applied to what a tool returns (lib/guard/tool-output.ts). */
  guardOutput(text: string): ToolOutputGuardResult;
  /** The request's placeholders put back into arguments meant for the person's own data. */
  restore(text: string): string;
  /** The request's placeholder map, kept with a held call so the rest of the reply restores the same values. */
  placeholders: PlaceholderMap;
};

export const event = (e: ToolEvent): StreamPart => ({ type: "event", event: e });
export const toolTurn = (call: ToolCallRequest, content: string): PromptMessage => ({ role: "tool", toolCallId: call.id, name: call.name, content });

/** The name a refused call is shown and audited under: the model's own words only if they look like a tool name. */
const shownName = (name: string) => (/^[a-z][a-z0-9_]{0,63}$/.test(name) ? name : "(invalid name)");

/**
 * Runs one call the model made that needs no approval, or that the person approved: the tool's
 * output, capped, guarded and fenced, as the turn that goes back to the model, and the events the
 * person sees.
 */
export async function* runTool(
  { tool, args, argsHash, call }: { tool: Tool; args: unknown; argsHash: string; call: ToolCallRequest },
  run: ToolRun,
  signal: AbortSignal,
): AsyncGenerator<StreamPart, PromptMessage> {
  yield event({ type: "tool-call", id: call.id, name: tool.name, args });
  let output: { content: string; summary: string };
  try {
    output = await tool.run(args, { userId: run.audit.userId, conversationId: run.conversationId, signal, requestId: run.audit.requestId });
  } catch (error) {
    const summary = error instanceof ToolFailure ? error.message : "The tool could not finish.";
    if (!(error instanceof ToolFailure)) log.error("tool.failed", { tool: tool.name, requestId: run.audit.requestId, ...describeError(error) });
    await auditTool(run.audit, { kind: "called", tool: tool.name, argsHash, outcome: error instanceof ToolFailure ? error.code : "failed" });
    yield event({ type: "tool-result", id: call.id, ok: false, summary });
    return toolTurn(call, `The tool failed: ${summary}`);
  }
  const capped =
    output.content.length > tool.outputCapChars
      ? `${output.content.slice(0, tool.outputCapChars)}\n[… cut at ${tool.outputCapChars} characters]`
      : output.content;
  const guarded = run.guardOutput(capped);
  await Promise.all([
    ...guarded.findings.map((finding) => auditGuard(run.audit, finding)),
    auditTool(run.audit, { kind: "called", tool: tool.name, argsHash, outcome: "ok" }),
    guarded.withheld ? auditTool(run.audit, { kind: "blocked", tool: tool.name, argsHash, outcome: "withheld" }) : undefined,
  ]);
  yield event({ type: "tool-result", id: call.id, ok: true, summary: output.summary, ...(guarded.withheld && { withheld: true as const }) });
  return toolTurn(call, fenceToolOutput({ name: tool.name, text: guarded.text, boundary: run.boundary }));
}

/**
 * The provider, with the tool loop around it. `resume` (a reply carrying on after the person
 * answered an approval) runs first: it yields the answered call's events and returns the prompt
 * the model carries on from, in place of the request's.
 */
export function withTools(provider: ChatProvider, run: ToolRun, resume?: (signal: AbortSignal) => AsyncGenerator<StreamPart, PromptMessage[]>): ChatProvider {
  const specs = toolSpecs(run.tools);
  return {
    async *stream(request: ChatRequest): AsyncIterable<StreamPart> {
      const total: Usage = { inputTokens: 0, outputTokens: 0 };
      try {
        const messages = resume ? yield* resume(request.signal) : request.messages;
        yield* steps(provider, { ...request, messages, tools: specs }, run, total);
      } catch (error) {
        // What the steps before the failure used is still owed.
        yield { type: "usage", usage: total };
        throw error;
      }
      yield { type: "usage", usage: total };
    },
  };
}

async function* steps(provider: ChatProvider, request: ChatRequest, run: ToolRun, total: Usage): AsyncGenerator<StreamPart, void> {
  let messages = request.messages;
  let calls = run.callsSoFar;
  // The model gets one step more than it may make calls: enough to answer after its last call, and
  // no endless loop of calls refused at the cap.
  for (let step = 0; step <= run.maxCalls; step++) {
    if (step > 0) await run.ticket.extend({ messages, maxOutputTokens: request.maxOutputTokens });
    let text = "";
    const asked: ToolCallRequest[] = [];
    let reported: Usage | undefined;
    for await (const part of provider.stream({ ...request, messages })) {
      if (part.type === "usage") reported = part.usage;
      else if (part.type === "tool-call") asked.push(part.call);
      else {
        if (part.type === "text") text += part.text;
        yield part;
      }
    }
    const used = reported ?? {
      inputTokens: promptTokenBound(messages),
      outputTokens: Math.ceil((text.length + asked.reduce((n, c) => n + c.argsJson.length, 0)) / 4),
    };
    total.inputTokens += used.inputTokens;
    total.outputTokens += used.outputTokens;
    // The running total after every step: a reply stopped during a later step still counts the earlier ones.
    yield { type: "usage", usage: { ...total } };
    if (asked.length === 0 || request.signal.aborted) return;

    const before: PromptMessage[] = [...messages, { role: "assistant", content: text, toolCalls: asked }];
    const after: PromptMessage[] = [];
    let held: PendingApproval | undefined;
    for (const call of asked) {
      if (request.signal.aborted) return;
      if (held) {
        // One call waits for the person at a time; the model may ask again once it is answered.
        after.push(toolTurn(call, "Not run: another action in this turn is waiting for the user's approval. Ask again after it is answered."));
        yield event({ type: "tool-result", id: call.id, ok: false, summary: "Not run: another action is waiting for your approval." });
        continue;
      }
      const resolved = resolveCall(run.tools, call.name, call.argsJson);
      if (!resolved.ok) {
        await auditTool(run.audit, { kind: "refused", tool: shownName(call.name), outcome: resolved.reason });
        const summary = resolved.reason === "unknown_tool" ? "Refused: no such tool." : "Refused: the arguments did not fit the tool.";
        yield event({ type: "tool-result", id: call.id, ok: false, summary });
        before.push(toolTurn(call, `Refused: ${resolved.message}`));
        continue;
      }
      const { tool } = resolved;
      // Arguments for the person's own data get their placeholders back; nothing bound for the
      // outside world does, so a page cannot have the model send it the person's email address.
      const args = tool.privilege === "read-external" ? resolved.args : restoreStrings(resolved.args, run.restore);
      const hash = argsHash(tool.name, args);
      const refusal = calls >= run.maxCalls ? "max_calls" : (await withinToolLimit(tool, run.audit.userId)) ? null : "rate_limited";
      if (refusal) {
        await auditTool(run.audit, { kind: "refused", tool: tool.name, argsHash: hash, outcome: refusal });
        const why =
          refusal === "max_calls"
            ? `this reply has made the most tool calls allowed (${run.maxCalls}); answer with what you have.`
            : "this tool has been used too often; try again later.";
        yield event({ type: "tool-result", id: call.id, ok: false, summary: `Refused: ${why}` });
        before.push(toolTurn(call, `Refused: ${why}`));
        continue;
      }
      calls++;
      if (tool.needsApproval) {
        held = {
          id: call.id,
          conversationId: run.conversationId,
          name: tool.name,
          args,
          argsHash: hash,
          model: run.model,
          before,
          after,
          boundary: run.boundary,
          canary: run.canary,
          placeholders: run.placeholders.toJSON(),
          callsSoFar: calls,
          expiresAt: Date.now() + APPROVAL_TTL_MS,
        };
        continue;
      }
      before.push(yield* runTool({ tool, args, argsHash: hash, call }, run, request.signal));
    }
    if (held) {
      await (await approvalStore()).hold({ userId: run.audit.userId, pending: held });
      yield event({ type: "approval-required", id: held.id, name: held.name, args: held.args });
      return;
    }
    messages = before;
  }
}

/** Every string in `value`, with `restore` applied: placeholders back in arguments, JSON left well formed. */
function restoreStrings(value: unknown, restore: (text: string) => string): unknown {
  if (typeof value === "string") return restore(value);
  if (Array.isArray(value)) return value.map((v) => restoreStrings(v, restore));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, restoreStrings(v, restore)]));
  }
  return value;
}

async function withinToolLimit(tool: Tool, userId: string): Promise<boolean> {
  const spec = parseRateLimit(tool.rateLimit);
  // A tool declared without a valid limit never runs: limits fail closed.
  return spec ? toolCallAllowed({ tool: tool.name, spec, userId }) : false;
}
