import { isRecord } from "./api-shapes";
import type { ToolActivity, ToolEvent, ToolState } from "./types";

/**
 * A reply's tool activities after one more tool event, in the order the calls first appeared; `at`
 * is how much of the reply's text had arrived. A result for a call never announced in this reply
 * still gets a line of its own: named after `answered` when it is the call the person just answered
 * (a declined one has only its result), unnamed when the server refused it before running it.
 */
export function applyToolEvent({
  list,
  event,
  at,
  answered,
}: {
  list: readonly ToolActivity[];
  event: ToolEvent;
  at: number;
  answered?: { id: string; name: string | null; args: Record<string, unknown> };
}): ToolActivity[] {
  const known = list.find((a) => a.id === event.id);
  const seed = answered?.id === event.id ? { name: answered.name, args: answered.args } : { name: null, args: {} };
  const base: ToolActivity = known ?? { id: event.id, ...seed, state: "running", at };
  let next: ToolActivity;
  if (event.type === "tool-result") {
    const state: ToolState = !event.ok ? "failed" : event.withheld ? "withheld" : "done";
    next = { ...base, state, summary: event.summary };
  } else {
    next = { ...base, name: event.name, args: isRecord(event.args) ? event.args : {}, state: event.type === "tool-call" ? "running" : "awaiting" };
  }
  return known ? list.map((a) => (a === known ? next : a)) : [...list, next];
}

/** The text of a reply cut where its tool activities happened: text, then the activities that followed it. */
export function splitAtTools({ text, tools }: { text: string; tools: readonly ToolActivity[] }): { text: string; tools: ToolActivity[] }[] {
  const parts: { text: string; tools: ToolActivity[] }[] = [];
  let from = 0;
  for (const activity of tools) {
    const at = Math.min(Math.max(activity.at, from), text.length);
    const last = parts.at(-1);
    if (last && at === from) last.tools.push(activity);
    else parts.push({ text: text.slice(from, at), tools: [activity] });
    from = at;
  }
  if (from < text.length || parts.length === 0) parts.push({ text: text.slice(from), tools: [] });
  return parts;
}
