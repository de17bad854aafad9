/**
 * English system-prompt extraction: asking to reveal, print, repeat or translate the system prompt,
 * the initial instructions or "everything above". "Print a system report" or "write a system prompt
 * for my bot" are not extraction: the patterns want "your" instructions or the definite, hidden ones.
 */
import { alt, cross, E, gap, led, S, words, type Pattern } from "./pattern-kit";

const REVEAL = [
  "reveal",
  "show",
  "print",
  "display",
  "output",
  "repeat",
  "recite",
  "tell",
  "give",
  "dump",
  "leak",
  "share",
  "expose",
  "list",
  "spell",
  "type",
  "copy",
  "return",
  "paste",
  "echo",
  "disclose",
  "state",
  "summarize",
  "summarise",
  "translate",
  "spell-check",
  "spellcheck",
  "quote",
  "reproduce",
  "send",
  "write out",
  "write down",
];
const SECRET_PROMPT = alt(
  String.raw`system\s*(?:prompt|message|instructions?)`,
  String.raw`(?:initial|original|hidden|secret|internal|confidential|starting|first|full|entire|complete|exact|previous|developer|pre)[\s-]*(?:prompts?|instructions?|messages?|directives?)`,
  String.raw`pre-?prompt`,
  String.raw`prompt\s+above`,
  String.raw`above\s+prompt`,
  String.raw`instructions\s+above`,
  String.raw`(?:text|words)\s+above`,
  String.raw`above\s+(?:text|instructions)`,
);

export const EXTRACTION_PATTERNS: readonly Pattern[] = [
  led({
    id: "reveal_your_prompt",
    family: "extraction",
    w: 0.8,
    lead: REVEAL,
    rest: `${gap(3)}your${gap(2)}${words("prompts", "prompt", "prompt texts", "prompt text", "system prompt", "instructions", "initial instructions", "rules", "directives", "guidelines", "configuration", "programming", "pre-prompt", "context", "system message")}${E}`,
  }),
  led({ id: "reveal_the_system_prompt", family: "extraction", w: 0.85, lead: REVEAL, rest: `${gap(3)}${words("the", "this", "that", "all")}${S}${SECRET_PROMPT}${E}` }),
  led({
    id: "reveal_text_above",
    family: "extraction",
    w: 0.65,
    lead: REVEAL,
    rest: `${gap(2)}${words("everything", "all", "the text", "the words", "the content", "the prompt", "the instructions", "the message", "what's written", "what is written", "what was written", "whats written")}${gap(1)}${words("above", "before this", "before that", "so far", "preceding", "that came before", "at the beginning", "at the start", "at the top")}${E}`,
  }),
  led({ id: "what_was_written_above", family: "extraction", w: 0.75, lead: cross(["what is", "what was", "what are", "what were"], ["written", "said"]), rest: `${gap(4)}${words("above", "beginning", "start", "top", "before")}${E}` }),
  led({
    id: "what_are_your_instructions",
    family: "extraction",
    w: 0.75,
    lead: cross(["what"], ["are your", "were your", "is your", "was your"]),
    rest: `${S}(?:${words("initial", "original", "first", "system", "hidden", "secret", "exact", "current", "actual")}${S})?${words("instructions", "prompt", "system prompt", "directives", "rules", "guidelines", "programming")}${E}`,
  }),
  led({ id: "your_instructions_were", family: "extraction", w: 0.7, lead: cross(cross(["your"], ["initial", "original", "system", "hidden", "secret", "first"]), ["instructions", "prompt"]), rest: `${S}${words("were", "are", "was", "is", "say")}${E}` }),
  led({ id: "repeat_above", family: "extraction", w: 0.7, lead: ["repeat"], rest: `${gap(4)}${words("above", "verbatim", "word for word", "starting with", "beginning with")}${E}` }),
  led({ id: "beginning_of_prompt", family: "extraction", w: 0.5, lead: cross(cross(["beginning of", "start of", "top of"], ["this", "the", "your"]), ["prompt", "conversation", "context", "instructions"]), rest: "" }),
  led({ id: "use_the_prompt", family: "extraction", w: 0.5, lead: cross(["information", "text", "content", "words"], ["in", "from", "of"]), rest: `${S}${words("the", "your")}${S}${words("prompt", "system prompt", "instructions", "system message")}${E}` }),
  led({ id: "mentions_system_prompt", family: "extraction", w: 0.2, lead: cross(["system", "initial", "hidden", "secret", "original"], ["prompt"]), rest: "" }),
  led({ id: "return_embeddings", family: "extraction", w: 0.5, lead: cross(["return", "output", "print", "dump", "reveal", "show", "return your", "output your", "print your", "dump your", "reveal your", "show your"], ["embeddings", "weights", "training data", "context window"]), rest: "" }),
];

