import "server-only";
import type { PromptMessage } from "../ai/types";
import { auditTool, type AuditContext } from "../audit/audit";
import { env } from "../env";
import { ApiError } from "../errors";
import { PlaceholderMap } from "../guard/pii";
import type { ReplyOutcome } from "../ai/reply-stream";
import { storeOp } from "../store/call";
import { approvalStore } from "../tools/approvals";
import { enabledTools } from "../tools/catalogue";
import { argsHash } from "../tools/registry";
import type { ReplyInput } from "./reply";
import { runReply } from "./reply";
import { event, runTool, toolTurn } from "./tool-loop";

/**
 * The rest of a reply after the person answered a tool call that waited for them (POST /api/chat
 * with `toolApproval`). The call runs only if it is held for this user and this conversation, has
 * not expired or been answered before, its tool is still enabled and its arguments are still the
 * ones shown (their hash is checked again); otherwise nothing runs and the answer is a 404. Approved,
 * it runs with those arguments; declined, the model is told so. Either way the model carries on
 * from where it stopped, under the same fence, canary and placeholders, with its calls still counted.
 */
export async function resumeReply({
  approval,
  conversationId,
  afterReply,
  ...input
}: Omit<ReplyInput, "text" | "history" | "afterReply" | "tools" | "conversationId" | "model"> & {
  conversationId: string;
  approval: { id: string; approve: boolean };
  afterReply?: (outcome: ReplyOutcome) => Promise<void>;
}): Promise<Response> {
  const { ai } = env();
  const audit: AuditContext = { userId: input.userId, route: input.where.route, requestId: input.where.requestId };
  const held = await storeOp("approvals.take", async () => (await approvalStore()).take({ userId: input.userId, conversationId, id: approval.id }));
  const tools = enabledTools();
  const tool = held && tools.find((t) => t.name === held.name);
  const model = held && ai.models.find((m) => m.id === held.model);
  const intact = !!held && !!tool && tool.args.safeParse(held.args).success && argsHash(tool.name, held.args) === held.argsHash;
  if (!held || !tool || !model || !intact) {
    await auditTool(audit, {
      kind: "refused",
      tool: tool?.name ?? "(approval)",
      argsHash: held?.argsHash,
      outcome: held ? "approval_invalid" : "approval_not_pending",
    });
    throw new ApiError(
      "approval_not_found",
      "That action is no longer waiting for your approval: it was answered already, it expired, or it is not in this conversation. Nothing was run. Send your message again to ask for it anew.",
    );
  }

  const call = { id: held.id, name: held.name, argsJson: JSON.stringify(held.args) };
  // Admitted with the most the call's output can add, before it runs: a reply refused for its budget runs nothing.
  const bound = toolTurn(call, "x".repeat(tool.outputCapChars + 200));
  return runReply({
    input: { ...input, model, history: [], conversationId },
    messages: [...held.before, bound, ...held.after],
    canary: held.canary,
    placeholders: PlaceholderMap.fromJSON(held.placeholders),
    maxOutputTokens: ai.maxOutputTokens,
    tools: { tools, boundary: held.boundary, callsSoFar: held.callsSoFar, conversationId },
    resume: (run) =>
      async function* (signal: AbortSignal) {
        let result: PromptMessage;
        if (approval.approve) {
          await auditTool(audit, { kind: "approved", tool: tool.name, argsHash: held.argsHash, outcome: "approved" });
          result = yield* runTool({ tool, args: held.args, argsHash: held.argsHash, call }, run, signal);
        } else {
          await auditTool(audit, { kind: "denied", tool: tool.name, argsHash: held.argsHash, outcome: "denied" });
          yield event({ type: "tool-result", id: held.id, ok: false, summary: "Declined" });
          result = toolTurn(
            call,
            "The user declined this action. Do not try to do it another way; carry on without it, or ask them what they would like instead.",
          );
        }
        return [...held.before, result, ...held.after];
      },
    afterReply,
  });
}
