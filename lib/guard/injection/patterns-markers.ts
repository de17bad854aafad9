/**
 * Chat-template tokens and fake turn markers: text that tries to look like the boundary of the user's
 * turn or a message from the system. The app fixes roles on the server and fences the user's text, so
 * these cannot change a role; they are still a strong sign of intent, and a model may half-believe them.
 *
 * A developer asking "what does [INST] do?" is not an attacker: matches that lie only inside code
 * (backticks or a fenced block) count at a quarter of their weight (signals.ts), so a question about
 * tokens is not flagged on that alone, while the same tokens used to open a new turn still are.
 */
import { after, cross, E, gap, led, S, scan, words, type LedPattern, type Pattern } from "./pattern-kit";

/** At the start of a line, after optional quoting, list or emphasis characters. */
const AT_LINE_START = String.raw`(?<=(?:^|\n)[ \t>*_#\[(-]{0,6})`;
const ROLE_END = String.raw`[ \t*_\])]{0,4}:`;

const AFTER_HEADING_MARK = String.raw`(?<=(?:^|\n)[ \t]{0,3}#{2,4}[ \t]{0,3})`;

/** A led pattern that only counts at the start of a line ("System: …"). */
function lineStart(p: Parameters<typeof led>[0], where = AT_LINE_START): LedPattern {
  return { ...after(where, p), lineStart: true };
}

export const MARKER_PATTERNS: readonly Pattern[] = [
  // Every token is led by its name, found through the word index, and looks back for its brackets:
  // no pattern here scans the whole text.
  after(String.raw`(?<=<\|\s{0,2})`, {
    id: "chatml_token",
    family: "template_tokens",
    w: 0.9,
    lead: [
      "im_start",
      "im_end",
      "im_sep",
      "system",
      "user",
      "assistant",
      "endoftext",
      "end_of_text",
      "begin_of_text",
      "start_header_id",
      "end_header_id",
      "eot_id",
      "eom_id",
      "fim",
      "pad",
      "end",
      "start",
      "tool",
      "ipython",
      "developer",
      "channel",
      "message",
      "return",
      "call",
    ],
    // "What does the <|endoftext|> token do?" names the token; it does not use it.
    rest: String.raw`(?:_[a-z]{1,10})?\s{0,2}\|>(?!\s{0,2}(?:token|tokens|special token|marker|tag|string|symbol|delimiter|separator)${E})`,
  }),
  // A configuration line in the middle of a request: "safety=off", "jailbreak: enabled". Only keys that
  // name the model's own safeguards: "Dietary restrictions: none" and "Noise filter: off" are not this.
  led({
    id: "safety_switch_off",
    family: "fake_role",
    w: 0.6,
    lead: [
      "safety",
      "safe mode",
      "safemode",
      "safety filter",
      "safety filters",
      "content filter",
      "content filters",
      "censorship",
      "moderation",
      "guardrails",
      "alignment",
    ],
    rest: String.raw`\s{0,2}[=:]\s{0,2}${words("off", "false", "0", "disabled", "disable")}${E}`,
  }),
  led({
    id: "jailbreak_switch_on",
    family: "fake_role",
    w: 0.6,
    lead: ["jailbreak", "jailbroken", "developer mode", "dev mode", "dan mode", "god mode", "unrestricted", "uncensored", "unfiltered"],
    rest: String.raw`\s{0,2}[=:]\s{0,2}${words("on", "true", "1", "enabled", "enable", "active", "activated")}${E}`,
  }),
  after(String.raw`(?<=\[\/?)`, { id: "inst_token", family: "template_tokens", w: 0.75, lead: ["inst"], rest: String.raw`\]` }),
  after(String.raw`(?<=<<\/?)`, { id: "llama_sys", family: "template_tokens", w: 0.85, lead: ["sys"], rest: ">>" }),
  after(String.raw`(?<=<)`, { id: "turn_token", family: "template_tokens", w: 0.85, lead: ["start_of_turn", "end_of_turn"], rest: ">" }),
  after(String.raw`(?<=<\|?)`, { id: "bos_token", family: "template_tokens", w: 0.6, lead: ["bos", "eos"], rest: String.raw`\|?>` }),
  // Tags are led by their name (the word index finds it) and look back for the "<" or "</".
  after(String.raw`(?<=<\/?)`, {
    id: "system_tag",
    family: "template_tokens",
    w: 0.6,
    lead: [
      "system",
      "sys",
      "system_prompt",
      "system_message",
      "developer",
      "admin",
      "user_input",
      "instruction",
      "instructions",
      "untrusted_input",
      "im_start",
    ],
    rest: String.raw`(?:\s[^<>\n]{0,60})?>`,
  }),
  after(String.raw`(?<=<\/)`, {
    id: "closing_wrapper_tag",
    family: "template_tokens",
    w: 0.35,
    lead: ["user", "human", "assistant", "context", "input", "query", "document", "data", "message", "prompt"],
    rest: ">",
  }),
  after(String.raw`(?<=<\/)`, { id: "end_of_sentence_token", family: "template_tokens", w: 0.3, lead: ["s"], rest: ">" }),
  // "### Instruction:" (Alpaca, Vicuna): only after a markdown heading mark, not every "Input:" line.
  lineStart(
    {
      id: "alpaca_header",
      family: "template_tokens",
      w: 0.55,
      lead: ["system", "instruction", "instructions", "response", "assistant", "human", "user", "input"],
      rest: String.raw`\s{0,3}:`,
    },
    AFTER_HEADING_MARK,
  ),
  after(String.raw`(?<=\{\s{0,4}["'])`, {
    id: "role_json",
    family: "template_tokens",
    w: 0.5,
    lead: ["role"],
    rest: String.raw`["']\s{0,3}:\s{0,3}["'](?:system|assistant|developer|tool)["']`,
  }),
  after(String.raw`(?<=\[)`, { id: "bing_system_link", family: "template_tokens", w: 0.8, lead: ["system", "sys"], rest: String.raw`\]\s{0,3}\(#` }),

  lineStart({
    id: "line_system_colon",
    family: "fake_role",
    w: 0.4,
    lead: ["system", "sys", "developer", "admin", "administrator", "root", "openai", "anthropic", "security"],
    rest: ROLE_END,
  }),
  lineStart({
    id: "line_system_message",
    family: "fake_role",
    w: 0.7,
    lead: ["system", "sys", "developer", "admin", "administrator", "openai", "anthropic", "security", "important", "urgent"],
    rest: String.raw`\s{1,3}${words("message", "prompt", "note", "override", "instruction", "instructions", "update", "alert", "notice", "command", "directive", "announcement")}${ROLE_END}`,
  }),
  lineStart({
    id: "line_assistant_colon",
    family: "fake_role",
    w: 0.15,
    lead: ["assistant", "ai", "chatgpt", "gpt", "claude", "bot", "model", "gemini", "llama"],
    rest: ROLE_END,
  }),
  // A message that ends by opening the assistant's turn asks the model to continue as itself.
  scan({
    id: "ends_with_assistant_turn",
    chars: ":",
    tail: 48,
    family: "fake_role",
    w: 0.5,
    need: [":"],
    re: /(?:^|\n)[ \t>*_#[(-]{0,6}(?:assistant|ai|chatgpt|gpt|claude|bot|model|system)[ \t*_\])]{0,4}:\s*$/,
  }),
  lineStart({
    id: "fake_transcript",
    family: "fake_role",
    w: 0.2,
    lead: ["human", "user"],
    rest: String.raw`${ROLE_END}[^]{0,2000}?\n[ \t>*_#\[(-]{0,6}${words("assistant", "ai")}${ROLE_END}`,
  }),
  after(String.raw`(?<=[=\-#*]{3}\s{0,3})`, { id: "end_marker_rule", family: "fake_role", w: 0.5, lead: ["end"], rest: "" }),
  led({
    id: "end_of_prompt",
    family: "fake_role",
    w: 0.5,
    lead: ["end of"],
    rest: `${S}(?:the${S})?(?:system${S})?${words("prompt", "instructions", "instruction", "context", "conversation", "user input", "input", "document")}${E}`,
  }),
  after(String.raw`(?<=\[)`, { id: "end_of_bracket", family: "fake_role", w: 0.5, lead: ["end of"], rest: "" }),
  led({
    id: "message_from_system",
    family: "fake_role",
    w: 0.6,
    lead: cross(["message", "note", "update", "instruction", "instructions", "alert", "notice", "directive", "order"], ["from"]),
    rest: `${S}(?:${words("the", "your")}${S})?${words("system", "developer", "developers", "admin", "administrator", "openai", "anthropic", "creator", "creators", "operator", "operators")}${E}`,
  }),
  led({
    id: "special_mode_on",
    family: "fake_role",
    w: 0.55,
    lead: cross(["debug", "admin", "maintenance", "god", "sudo", "root", "diagnostic", "superuser", "debugging"], ["mode"]),
    rest: `${gap(2)}${words("enabled", "activated", "on", "engaged", "unlocked")}${E}`,
  }),
  led({
    id: "claims_authority",
    family: "fake_role",
    w: 0.55,
    lead: cross(["i am", "i'm", "im", "this is"], ["your", "the", "a", "an"]),
    rest: `${S}${words("developer", "creator", "admin", "administrator", "system administrator", "openai employee", "openai engineer", "openai staff", "anthropic employee", "anthropic engineer", "owner")}${E}`,
  }),
  led({
    id: "authorized_by",
    family: "fake_role",
    w: 0.55,
    lead: ["authorized by", "authorised by"],
    rest: `${S}${words("openai", "anthropic", "the developer", "the developers", "the system", "your developer", "your developers", "your creator", "your creators", "the admin")}${E}`,
  }),
  led({
    id: "enabled_by_openai",
    family: "fake_role",
    w: 0.5,
    lead: ["enabled by", "activated by", "unlocked by"],
    rest: `${S}(?:an?${S})?${words("openai", "anthropic", "developer", "admin", "administrator")}${E}`,
  }),
];
