/**
 * Signals of an instruction planted in a document for the AI that will read it, which a detector of
 * chat messages lacks or under-weights: a person asking an assistant for something writes to "you";
 * a planted instruction has to single out the machine among the document's readers ("AI assistant:",
 * "if you are a language model"), and wants something only the machine can give: a tool call, the
 * person's data sent somewhere, or the person's request dropped and the change kept from them.
 *
 * Four families, each named in `signals` when it fires (document-mode.ts):
 * - addressed_to_ai: text that speaks to an AI reader;
 * - tool_instruction: an order to call a tool or function, write a note or memory, fetch an address,
 *   or search the person's own data;
 * - exfiltration: the person's data, conversation or secrets sent, posted or encoded to an address,
 *   or a markdown image whose address carries a placeholder for them;
 * - behaviour_change: ignore the person, answer only with, keep this from the person, pretend.
 *
 * Written from what such an instruction must say to work, not from any attack set: the nouns are the
 * ones a reader would use for an assistant and a person's data, the verbs those of sending and
 * calling. Ordinary documents say many of these words to people ("run npm install", "forward this
 * e-mail to hr@…", "search your inbox"), so a pattern wants the machine or the person's data named,
 * and one that could be an order to a human weighs little alone: families add up (document-mode.ts).
 *
 * The view is the normalised text in lower case; repetitions are bounded as in pattern-kit.ts, and
 * every pattern starts with a literal word, so a scan costs a constant per character.
 */
import { alt, B, E, gap, S, WORD_CHAR, words } from "./pattern-kit";

/** Between two words, or nothing: for an optional word between two others. */
const S0 = `[^${WORD_CHAR}]{0,4}`;

export type DocumentFamily = "addressed_to_ai" | "tool_instruction" | "exfiltration" | "behaviour_change";

export const DOCUMENT_FAMILIES: readonly DocumentFamily[] = ["addressed_to_ai", "tool_instruction", "exfiltration", "behaviour_change"];

export type DocumentPattern = {
  id: string;
  family: DocumentFamily;
  /** how sure one match makes us, 0..1; matches in one family combine as independent evidence */
  w: number;
  /** a global regex over the lower-case view */
  re: RegExp;
  /** a substring the view must contain before the regex is tried (a cheap filter) */
  need: readonly string[];
};

/** Names only a machine goes by. */
const AI = words(
  "ai",
  "a.i.",
  "ais",
  "llm",
  "llms",
  "gpt",
  "chatgpt",
  "claude",
  "gemini",
  "copilot",
  "language model",
  "language models",
  "large language model",
  "large language models",
  "ai model",
  "ai models",
  "ai assistant",
  "ai assistants",
  "ai agent",
  "ai agents",
  "ai system",
  "ai systems",
  "ai tool",
  "ai tools",
  "llm agent",
  "llm agents",
  "chatbot",
  "chatbots",
  "chat bot",
  "chat bots",
  "virtual assistant",
  "virtual assistants",
  "automated assistant",
  "automated assistants",
  "automated reader",
  "automated readers",
  "automated system",
  "automated systems",
);
/** Names a machine shares with people ("note to the assistant" may be for a personal assistant). */
const READER = words(
  "assistant",
  "assistants",
  "agent",
  "agents",
  "model",
  "models",
  "bot",
  "bots",
  "summariser",
  "summarisers",
  "summarizer",
  "summarizers",
  "reader",
  "readers",
);
const ANY = `(?:${words("the", "any", "all", "every", "each", "whatever", "whichever", "an", "a", "all the", "any other")}${S})?`;
const DOCUMENT = words(
  "document",
  "documents",
  "page",
  "webpage",
  "web page",
  "file",
  "files",
  "email",
  "e-mail",
  "mail",
  "message",
  "text",
  "article",
  "content",
  "pdf",
  "attachment",
  "website",
  "site",
  "post",
  "note",
  "report",
  "spreadsheet",
  "table",
  "resume",
  "cv",
  "section",
  "paragraph",
);
const PROCESSING = words(
  "reading",
  "processing",
  "summarising",
  "summarizing",
  "parsing",
  "analysing",
  "analyzing",
  "ingesting",
  "scanning",
  "indexing",
  "reviewing",
  "going through",
  "looking at",
  "handling",
  "translating",
  "answering questions about",
  "asked about",
  "asked to summarise",
  "asked to summarize",
);
/** Whose data: the person the assistant works for, never "your" (a how-to says "search your inbox"). */
const PERSON = alt(
  words(
    "the user's",
    "the users'",
    "the user",
    "this user's",
    "your user's",
    "the person's",
    "the reader's",
    "the human's",
    "the customer's",
    "the requester's",
  ),
  words("their"),
);
const DATA = words(
  "data",
  "personal data",
  "information",
  "info",
  "details",
  "personal details",
  "conversation",
  "conversations",
  "chat",
  "chats",
  "chat history",
  "history",
  "messages",
  "previous messages",
  "last message",
  "last messages",
  "emails",
  "e-mails",
  "inbox",
  "contacts",
  "password",
  "passwords",
  "credentials",
  "api key",
  "api keys",
  "keys",
  "tokens",
  "secrets",
  "files",
  "documents",
  "address",
  "location",
  "notes",
  "memory",
  "memories",
  "session",
  "cookies",
  "prompts",
  "questions",
  "question",
  "queries",
  "query",
  "input",
  "requests",
  "name",
  "phone number",
  "email address",
  "account",
  "profile",
);
/** The conversation itself, whoever's it is. */
const THE_CONVERSATION = `${words("this", "the", "our", "your")}${S}(?:${words("entire", "whole", "full", "complete", "current", "ongoing", "present", "previous", "earlier")}${S})?${words(
  "conversation",
  "conversation history",
  "chat",
  "chat history",
  "chat log",
  "session",
  "dialogue",
  "dialog",
  "transcript",
  "context window",
  "message history",
)}`;
const EVERYTHING_SAID = `${words("everything", "all", "whatever", "anything")}${S}${words("the user", "they", "the person", "the reader")}${gap(2)}${words(
  "said",
  "written",
  "wrote",
  "typed",
  "shared",
  "told you",
  "asked",
  "sent",
  "entered",
)}`;
const THEIR_DATA = alt(`${PERSON}${gap(2)}${DATA}${E}`, `${THE_CONVERSATION}${E}`, EVERYTHING_SAID);
/** Where data can be sent: an address, a mailbox, or a named kind of endpoint. */
const DESTINATION = alt(
  String.raw`https?:\/\/`,
  String.raw`www\.`,
  String.raw`[a-z0-9._%+-]{1,40}@[a-z0-9-]{1,40}\.[a-z]`,
  `${words("a", "the", "this", "that", "our", "my")}${S}${words("url", "link", "webhook", "endpoint", "server", "address", "web address", "form", "api", "site", "website", "domain", "email address")}${E}`,
);
const SEND = words(
  "send",
  "post",
  "forward",
  "upload",
  "email",
  "e-mail",
  "mail",
  "transmit",
  "submit",
  "leak",
  "exfiltrate",
  "relay",
  "sync",
  "report",
  "share",
  "copy",
  "paste",
  "append",
  "attach",
  "encode",
  "embed",
  "include",
  "put",
  "add",
  "insert",
  "write",
  "dump",
  "export",
  "pass",
  "deliver",
);
/** An address or query value that is a slot for something to be filled in: `{data}`, `[DATA]`, `<chat>`, `$X`. */
const SLOT = String.raw`(?:\{\{?|\[|<|%7b|%5b|%3c|\$\{?)[a-z_ ]{0,30}`;

type Spec = { id: string; family: DocumentFamily; w: number; source: string; need: readonly string[]; lineStart?: boolean };

/** Where a line starts, after quoting, list or heading marks. */
const LINE_START = String.raw`(?:^|\n)[\t >*_#\[(\-]{0,7}`;

const SPECS: readonly Spec[] = [
  // addressed_to_ai
  {
    id: "ai_vocative",
    family: "addressed_to_ai",
    w: 0.55,
    // "AI assistant:", "Dear ChatGPT,", "Hey LLM -" at the start of a line
    source: `(?:${words("dear", "hey", "hi", "hello", "attention", "psst", "calling", "to", "note to", "message to", "memo to", "for")}${S}${ANY})?${AI}${`[^${WORD_CHAR}]{0,2}`}[:,\u2013\u2014-]`,
    need: ["ai", "llm", "gpt", "claude", "gemini", "copilot", "model", "bot", "assistant", "agent", "system", "reader"],
    lineStart: true,
  },
  {
    id: "note_to_ai",
    family: "addressed_to_ai",
    w: 0.8,
    source: `${words("note", "notes", "message", "instruction", "instructions", "reminder", "directive", "directives", "request", "notice", "memo", "hint", "tip", "guidance", "order", "orders", "attention", "warning", "important", "p.s.", "ps")}${S}${words("to", "for")}${S}${ANY}${AI}${E}`,
    need: ["to", "for"],
  },
  {
    id: "note_to_reader",
    family: "addressed_to_ai",
    w: 0.4,
    source: `${words("note", "message", "instruction", "instructions", "reminder", "directive", "directives", "notice", "memo", "hint", "order", "orders")}${S}${words("to", "for")}${S}${ANY}${READER}${E}`,
    need: ["to", "for"],
  },
  {
    id: "if_you_are_ai",
    family: "addressed_to_ai",
    w: 0.85,
    source: alt(
      `${words("if", "when", "since", "because", "as", "in case", "assuming")}${S}${words("you are", "you're", "youre", "u r", "you happen to be", "you are actually", "you're actually")}${S}${ANY}${alt(AI, READER)}${E}`,
      // inverted: "should you be a language model", "were you an AI"
      `${words("should you", "were you")}${S}(?:${words("happen to", "in fact", "actually")}${S})?(?:be${S})?${ANY}${AI}${E}`,
    ),
    need: ["you"],
  },
  {
    id: "ai_reading_this",
    family: "addressed_to_ai",
    w: 0.85,
    source: `${words("any", "every", "all", "each", "whatever", "whichever", "whoever's", "whosever", "the", "to the", "to any", "for any", "for the")}${S}${AI}${gap(2)}${PROCESSING}${S}${words("this", "these", "the following", "my", "our", "the")}${E}`,
    need: ["ing", "asked"],
  },
  {
    id: "reader_reading_this",
    family: "addressed_to_ai",
    w: 0.6,
    source: `${words("any", "every", "all", "each", "whatever", "whichever", "whoever's", "whosever", "to the", "to any", "for any")}${S}${READER}${gap(2)}${PROCESSING}${S}${words("this", "these", "the following")}${E}`,
    need: ["ing", "asked"],
  },
  {
    id: "when_processing_this",
    family: "addressed_to_ai",
    w: 0.45,
    // "When summarising this page, …": the work only an assistant is asked to do with a document
    source: `${words("when", "while", "before", "after", "if", "whenever", "once")}${S}${words("you", "you are", "you're")}${S}(?:${words("asked to")}${S})?${words("summarising", "summarizing", "summarise", "summarize", "parsing", "processing", "ingesting", "indexing", "answering questions about", "responding about", "analysing", "analyzing")}${S}${words("this", "the")}${S}${DOCUMENT}${E}`,
    need: ["you"],
  },
  {
    id: "when_summarising_this",
    family: "addressed_to_ai",
    w: 0.45,
    source: `${words("when", "while", "before", "after", "whenever", "once")}${S}${words("summarising", "summarizing", "parsing", "processing", "ingesting", "indexing")}${S}${words("this", "the")}${S}${DOCUMENT}${E}`,
    need: ["ing"],
  },
  {
    id: "for_ai_only",
    family: "addressed_to_ai",
    w: 0.8,
    source: `${words("for", "to")}${S}${ANY}${AI}${S}${words("only", "eyes only", "use only", "readers only", "summaries only", "summaries")}${E}`,
    need: ["only", "summar"],
  },
  {
    id: "hidden_note",
    family: "addressed_to_ai",
    w: 0.5,
    source: `${words("hidden", "secret", "invisible", "private", "covert", "embedded")}${S}${words("note", "notes", "instruction", "instructions", "message", "messages", "directive", "prompt", "command", "commands")}${S}${words("to", "for")}${E}`,
    need: ["to", "for"],
  },
  // tool_instruction
  {
    id: "call_named_function",
    family: "tool_instruction",
    w: 0.4,
    // "call save_note", "invoke send_email(…)", "use the `search_docs` tool": an identifier, not a verb
    source: `${words("call", "invoke", "use", "run", "execute", "trigger", "fire", "activate", "perform", "make a call to", "issue a call to")}${S}${words("the", "your", "a")}?\\W{0,3}[a-z][a-z0-9]{1,30}_[a-z0-9_]{2,40}${E}`,
    need: ["_"],
  },
  {
    id: "use_the_tool",
    family: "tool_instruction",
    w: 0.35,
    source: `${words("call", "invoke", "use", "run", "execute", "trigger", "activate")}${S}${words("the", "your", "a", "any", "an", "this")}${gap(3)}${words("tool", "tools", "function", "functions", "plugin", "plugins", "action", "tool call", "function call", "browsing tool", "web tool")}${E}`,
    need: ["tool", "function", "plugin", "action"],
  },
  {
    id: "tool_call_markup",
    family: "tool_instruction",
    w: 0.45,
    source: alt(
      words("<tool_call", "<tool_use", "<function_call", "<function_calls", "<invoke", "tool_call:", "function_call:", "tool call:", "function call:"),
      String.raw`"(?:tool|tool_name|function|function_call|tool_call|recipient_name)"\s{0,3}:\s{0,3}[{"]`,
    ),
    need: ["tool", "function", "invoke", "recipient"],
  },
  {
    id: "write_memory",
    family: "tool_instruction",
    w: 0.5,
    source: `${words("remember", "memorise", "memorize", "store", "save", "keep", "record", "write", "add", "log")}${S}${words("this", "that", "the following", "these", "it", "a note", "this note", "that", "the fact")}${gap(3)}${words("in", "into", "to", "as")}${S}${words("your", "the", "a")}${S}${words("memory", "memories", "long-term memory", "long term memory", "notes", "note", "knowledge base", "profile")}${E}`,
    need: ["memor", "note", "knowledge", "profile"],
  },
  {
    id: "save_person_data",
    family: "tool_instruction",
    w: 0.6,
    source: `${words("save", "store", "create", "write", "add", "keep", "record", "make")}${S}${words("a", "the", "this", "new", "one")}?${S0}${words("note", "notes", "memory", "reminder", "entry", "record", "file", "document")}${gap(6)}${words("with", "containing", "of", "holding", "that contains", "including", "listing")}${gap(3)}${THEIR_DATA}`,
    need: ["note", "memor", "remind", "entry", "record", "file", "document"],
  },
  {
    id: "search_person_data",
    family: "tool_instruction",
    w: 0.6,
    source: `${words("search", "look through", "go through", "scan", "read", "browse", "check", "query", "look up", "dig through", "retrieve", "find", "list", "collect", "gather", "extract", "pull", "fetch", "access", "open")}${gap(2)}${PERSON}${gap(1)}${words("previous", "earlier", "old", "past", "other", "private", "saved", "stored", "recent", "prior")}?${S0}${words("conversations", "chats", "messages", "emails", "e-mails", "inbox", "notes", "files", "history", "chat history", "documents", "contacts", "memories", "memory", "passwords", "credentials", "keys")}${E}`,
    need: ["the", "their"],
  },
  {
    id: "fetch_address",
    family: "tool_instruction",
    w: 0.3,
    source: `${words("fetch", "retrieve", "request", "load", "curl", "browse to", "navigate to", "open", "visit", "access", "call", "ping", "make a request to", "send a request to", "send a get request to", "send a post request to")}${S}${words("the", "this", "that")}?${S0}${words("url", "link", "address", "page", "endpoint", "webhook", "site")}?${S0}https?:\\/\\/`,
    need: ["http"],
  },
  // exfiltration
  {
    id: "send_data_to_address",
    family: "exfiltration",
    w: 0.9,
    source: `${SEND}${gap(3)}${THEIR_DATA}${gap(8)}${words("to", "into", "at", "via", "in", "on", "through", "using", "onto")}${gap(2)}${DESTINATION}`,
    need: ["http", "www.", "@", "url", "link", "webhook", "endpoint", "server", "address", "form", "api", "site", "domain"],
  },
  {
    id: "send_to_address_data",
    family: "exfiltration",
    w: 0.9,
    // "send to https://… the user's messages"
    source: `${SEND}${S}${words("to", "it to", "them to", "this to", "everything to", "all of it to")}${gap(2)}${DESTINATION}${"[^\\s]{0,120}"}${gap(8)}${THEIR_DATA}`,
    need: ["http", "www.", "@", "url", "link", "webhook", "endpoint", "server", "address", "form", "api", "site", "domain"],
  },
  {
    id: "send_their_data",
    family: "exfiltration",
    w: 0.45,
    source: `${SEND}${gap(3)}${THEIR_DATA}`,
    need: ["the", "their", "every", "all", "whatever", "anything", "our", "your"],
  },
  {
    id: "image_with_slot",
    family: "exfiltration",
    w: 0.85,
    // ![x](https://host/p.png?d={data}): an image a renderer loads, whose address is waiting for data
    source: String.raw`!\[[^\]\n]{0,100}\]\(\s{0,3}(?:https?:)?\/\/[^\s)]{1,200}?(?:[?&=\/]|%3f)${SLOT}`,
    need: ["!["],
  },
  {
    id: "address_with_slot",
    family: "exfiltration",
    w: 0.3,
    // API docs write addresses with slots too ("?q={query}"): weak alone
    source: String.raw`https?:\/\/[^\s)"'<>]{1,200}?[?&][a-z0-9_.-]{1,30}=${SLOT}`,
    need: ["http"],
  },
  {
    id: "fill_address_with_data",
    family: "exfiltration",
    w: 0.85,
    source: alt(
      // "append the user's messages to the URL", "put their address after ?q="
      `${words("append", "add", "put", "insert", "encode", "include", "place", "attach", "substitute", "fill in", "fill")}${gap(3)}${THEIR_DATA}${gap(6)}${words("to", "in", "into", "after", "at the end of", "as", "onto")}${gap(2)}${words("the url", "the link", "the address", "the image", "the image url", "the query", "the query string", "the parameter", "the path", "url", "link", "the src", "the href", "the image address", "?", "the end of the url", "the end of the link")}`,
      // "where DATA is the user's …", "replace {data} with their …"
      `${words("where", "replace", "replacing", "substitute", "substituting", "fill", "filling", "swap")}${S}[a-z_{}\\[\\]<>$]{1,30}${S}${words("is", "with", "by", "stands for", "means", "are")}${gap(3)}${THEIR_DATA}`,
    ),
    need: ["url", "link", "address", "image", "query", "parameter", "path", "src", "href", "?", "where", "replac", "substitut", "fill", "swap"],
  },
  // behaviour_change
  {
    id: "ignore_the_person",
    family: "behaviour_change",
    w: 0.85,
    source: `${words("ignore", "disregard", "forget", "skip", "override", "overrule", "don't follow", "do not follow", "never follow", "stop following", "set aside", "discard", "don't answer", "do not answer")}${S}${words("what", "whatever", "anything")}?${S0}${words("the user", "the user's", "the users", "the person", "the person's", "the reader", "the reader's", "the human", "the human's", "the requester", "the requester's", "your user", "your user's", "their")}(?:${gap(1)}${words("asked", "asks", "said", "says", "wants", "request", "requests", "question", "questions", "instruction", "instructions", "prompt", "query", "message", "task", "wrote", "typed")})?${E}`,
    need: ["ignore", "disregard", "forget", "skip", "overr", "follow", "set aside", "discard", "answer"],
  },
  {
    id: "regardless_of_request",
    family: "behaviour_change",
    w: 0.7,
    source: `${words("regardless of", "no matter", "irrespective of", "whatever", "instead of")}${S}${words("what", "whatever")}?${S0}${words("the user", "the person", "the reader", "the human", "they", "you were", "you've been", "you have been", "you are")}${S}${words("asks", "asked", "ask", "says", "said", "wants", "wanted", "request", "requested", "requests", "told", "asking")}${E}`,
    need: ["regardless", "matter", "irrespective", "whatever", "instead"],
  },
  {
    id: "your_only_task",
    family: "behaviour_change",
    w: 0.7,
    source: `${words("your", "the assistant's", "the model's", "the ai's")}${S}${words("only", "sole", "new", "real", "true", "actual", "one and only", "single", "primary", "updated")}${S}${words("task", "job", "goal", "purpose", "instruction", "instructions", "objective", "mission", "directive", "priority", "role")}${S}${words("is", "now", "from now", "here", "will be", "has become", "are")}${E}`,
    need: ["your", "assistant", "model", "ai"],
  },
  {
    id: "respond_only_with",
    family: "behaviour_change",
    w: 0.45,
    source: `${words("respond", "reply", "answer", "output", "say", "print", "write", "return", "begin your", "start your", "end your")}${gap(1)}${words("only", "just", "solely", "exclusively", "nothing but", "nothing except", "nothing other than", "with nothing but", "response with", "reply with", "answer with", "summary with")}${E}`,
    need: ["only", "just", "solely", "exclusively", "nothing", "with"],
  },
  {
    id: "keep_from_the_person",
    family: "behaviour_change",
    w: 0.85,
    source: alt(
      `${words("do not", "don't", "dont", "never", "without", "avoid", "must not", "should not", "shouldn't", "mustn't")}${S}${words("tell", "telling", "inform", "informing", "mention", "mentioning", "reveal", "revealing", "disclose", "disclosing", "show", "showing", "alert", "alerting", "warn", "warning", "notify", "notifying", "let", "letting", "say", "saying", "explain", "explaining")}${gap(3)}${words("the user", "the users", "your user", "the person", "the reader", "the human", "the requester", "them")}${E}`,
      `${words("keep", "hide", "conceal")}${S}${words("this", "these", "the", "that", "it", "my", "our")}${gap(2)}${words("secret", "hidden", "private", "confidential", "to yourself", "quiet")}?${S0}${words("from")}${S}${words("the user", "the users", "your user", "the person", "the reader", "the human", "them")}${E}`,
      `${words("keep", "stay", "remain", "say nothing", "be silent", "be quiet")}${S}(?:${words("quiet", "silent", "mum", "discreet")}${S})?${gap(2)}${words("to", "from", "towards")}${S}${words("the user", "the users", "your user", "the person", "the reader", "the human")}${E}`,
      `${words("do not", "don't", "dont", "never", "without")}${S}${words("mention", "mentioning", "reveal", "revealing", "say", "saying", "admit", "admitting", "acknowledge", "acknowledging", "tell them", "telling them", "disclose", "disclosing")}${S}${words("that", "this")}?${S0}${words("this page", "this document", "this email", "this text", "this note", "this file", "this message", "this instruction", "these instructions", "this comment", "we", "i", "someone", "the page", "the document", "the author")}${gap(1)}${words("told", "asked", "instructed", "requested", "wanted", "said", "exists", "exist")}${E}`,
    ),
    need: ["not", "don", "never", "without", "avoid", "keep", "hide", "conceal", "mustn", "shouldn", "stay", "remain", "say nothing", "silent", "quiet"],
  },
  {
    id: "pretend",
    family: "behaviour_change",
    w: 0.4,
    source: `${words("pretend", "act as if", "act as though", "behave as if", "roleplay that", "make believe")}${S}${words("you are", "you're", "to be", "that you", "that the user", "the user", "you have", "you were", "nothing")}${E}`,
    need: ["pretend", "act as", "behave as", "roleplay", "make believe"],
  },
  {
    id: "instead_of_task",
    family: "behaviour_change",
    w: 0.5,
    source: alt(
      `${words("instead of", "rather than")}${S}${words("summarising", "summarizing", "answering", "translating", "responding to", "replying to", "doing what", "following", "analysing", "analyzing")}${E}`,
      `${words("do not", "don't", "dont", "stop", "never")}${S}${words("summarise", "summarize", "summarising", "summarizing", "translate", "analyse", "analyze")}${S}${words("this", "the", "that", "anything", "it")}${E}`,
    ),
    need: ["instead", "rather", "not", "don", "stop", "never"],
  },
  {
    id: "from_now_on",
    family: "behaviour_change",
    w: 0.4,
    source: `${words("from now on", "from this point on", "from this point forward", "from here on", "henceforth", "for the rest of this conversation", "for the rest of the conversation", "in all future responses", "in every future response", "in all your responses", "in every response")}${S}${words("you", "your", "always", "only", "never", "respond", "reply", "answer", "act", "the assistant")}${E}`,
    need: ["from", "henceforth", "rest of", "future", "all your", "every response"],
  },
];

function compile(spec: Spec): DocumentPattern {
  const start = spec.lineStart ? LINE_START : B;
  return { id: spec.id, family: spec.family, w: spec.w, need: spec.need, re: new RegExp(`${start}${spec.source}`, "g") };
}

export const DOCUMENT_PATTERNS: readonly DocumentPattern[] = SPECS.map(compile);
