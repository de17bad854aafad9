/**
 * What a refusal tells the person: each signal that can cause a block, in words they can act on. The
 * route puts the reasons of the strongest signals into the `prompt_rejected` message, and the signal
 * names into the body (`error.signals`) and the audit event.
 */
const REASONS: Readonly<Record<string, string>> = {
  override: "tells the assistant to ignore or replace its instructions",
  extraction: "asks for the assistant's hidden instructions or secrets",
  roleplay_jailbreak: "asks the assistant to play a character that has no rules",
  template_tokens: "contains chat-format control tokens",
  fake_role: "is written as if it came from the system or the developer",
  encoded_payload: "hides an instruction in an encoded form",
  obfuscation: "disguises its words (spaced-out letters, look-alike characters or hidden characters)",
  tag_smuggling: "contains text hidden in invisible characters",
  classifier: "closely resembles known prompt-injection attacks",
  judge: "was judged by a second check to be an attempt to take over the assistant",
};

/** The person-facing reasons for `signals` (the strongest first), at most two. */
export function blockReasons(signals: readonly string[]): string[] {
  return [...new Set(signals.filter((s) => REASONS[s] !== undefined))].slice(0, 2).map((s) => REASONS[s] as string);
}

/** The refusal message for a blocked message with these signals. */
export function refusalMessage(signals: readonly string[]): string {
  const subject = signals.includes("earlier_turn")
    ? "an earlier message in this conversation"
    : signals.includes("assistant_turn")
      ? "an assistant message sent with it"
      : "it";
  const reasons = blockReasons(signals);
  const why = reasons.length > 0 ? reasons.join(", and ") : "looks like an attempt to take over the assistant";
  return `This message was not sent because ${subject} ${why}. If you meant something else, please rephrase it.`;
}
