import { PII_ENTITY_NAMES } from "./entities";
import { MAX_ATTACHMENT_BYTES, MAX_REQUEST_BODY_BYTES } from "./limits";

/**
 * Every environment variable the app reads, declared once: its group, its type (with the rule a bad
 * value breaks), its default, and one line of documentation. From this table
 * - `lib/config/schema.ts` builds the zod schema that validates the environment at build and start-up,
 * - `scripts/config-docs.ts` writes `.env.example` and the README's configuration table
 *   (`npm run config:docs`; a unit test fails when either differs from what this table produces),
 * - `lib/config/secrets.ts` takes the list of secrets (never logged, never public, never the example
 *   value in production) and of the variables that may be read from a file (`NAME_FILE`).
 *
 * Plain data, no zod: next.config.ts loads the secret list on every start and must stay cheap.
 * Rules between variables (pairs that go together, what production requires) live in `parseEnv`.
 *
 * To add a variable: declare it here, run `npm run config:docs`, then read it from `parseEnv`'s result.
 */

/** How a value is checked. Each kind carries the words of the error a bad value gets. */
export type VariableType =
  | { kind: "text"; message?: string; minLength?: { length: number; message: string }; pattern?: { regex: RegExp; message: string } }
  | { kind: "int"; min: number; max: number; unit?: string }
  | { kind: "number"; min: number; max: number; above?: boolean; message: string; minMessage?: string; maxMessage?: string }
  | { kind: "enum"; values: readonly [string, ...string[]] }
  | { kind: "url"; message: string; lowerCaseScheme?: boolean }
  | { kind: "format"; format: Format; message?: string };

/** Values with a syntax of their own, each parsed by its module (see FORMATS in lib/config/schema.ts). */
export type Format =
  | "rate-limit"
  | "redis-url"
  | "local-users"
  | "models"
  | "provider-keys"
  | "prices"
  | "transport-variables"
  | "encryption-keys"
  | "pii-entities"
  | "emails"
  | "secrets"
  | "tools"
  | "hosts"
  | "ports";

export type Variable = {
  group: GroupName;
  type: VariableType;
  /** The value when unset or empty, written as in the environment. Absent: unset means off, or see `defaultText`. */
  default?: string | number;
  /** The README's default column when the default is not a fixed value (computed, or required). */
  defaultText?: string;
  /** What .env.example sets it to; without it, the default (or nothing). Secrets' examples must look like placeholders. */
  example?: string;
  /** A secret: never logged or public, refused in production while it holds the example value; may be read from `NAME_FILE`. */
  secret?: true;
  /** May be read from a file (`NAME_FILE`) though not a secret. */
  file?: true;
  /** What it does, in Markdown; the README shows it as written and .env.example as comment lines. */
  doc: string;
};

export type GroupName = keyof typeof GROUPS;

/** The sections of .env.example, in order, each with the comment lines that open it. */
export const GROUPS = {
  auth: { title: "Sign-in (next-auth)", intro: "" },
  models: {
    title: "Models",
    intro:
      "Provider keys are server-side only. In a secret manager, OPENAI_API_KEYS_FILE=/run/secrets/openai-keys (one key a line, # comments); key files are re-read when they change.",
  },
  chat: { title: "Chat limits", intro: "Rate limits are requests/window with a sliding window; the window in s, m, h or d." },
  budgets: { title: "Budgets (reset at 00:00 UTC)", intro: "" },
  store: {
    title: "Shared state",
    intro:
      "Where limits, budgets, conversations and usage records live. Set ONE of: Upstash Redis over HTTP (UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN), a Redis or Valkey server over TCP (REDIS_URL), or neither: state is then kept in this process, for one instance only (the server says so at start-up).",
  },
  guards: { title: "Guards (lib/guard; measured figures in docs/guards.md)", intro: "" },
  relay: {
    title: "API keys: personal keys for the OpenAI-compatible relay at /api/v1",
    intro:
      "Users make their own keys (bwk_…) in Settings → API keys; the server keeps only an HMAC of each key under RELAY_KEY_SECRET. Empty: API keys are off (Settings says so; creating a key and /api/v1 answer 404).",
  },
  tools: {
    title: "Tools the model may call",
    intro:
      "Each runs with the signed-in user's identity only; save_note runs only after the user approves its exact arguments, and what a tool returns reaches the model fenced as data after the input guards.",
  },
  documents: {
    title: "Documents: files attached to chat messages",
    intro:
      "Plain text, Markdown, CSV, JSON and PDF, recognised by their content. Each is stored encrypted with the conversation, checked for hidden text, instructions to an AI and personal data, and reaches the model fenced and marked as data (README, Documents).",
  },
  ops: { title: "Operations: admin dashboard, audit log, alerts", intro: "" },
  transport: {
    title: "Transport",
    intro:
      "In production NEXTAUTH_URL, OPENAI_BASE_URL, ANTHROPIC_BASE_URL, UPSTASH_REDIS_REST_URL, GUARD_INJECTION_JUDGE_URL and ALERT_WEBHOOK_URL must be https://, and REDIS_URL rediss://, unless the host is loopback. Never set NODE_TLS_REJECT_UNAUTHORIZED=0 (production refuses it: it turns certificate checks off for every connection). For a service with a private CA: NODE_EXTRA_CA_CERTS=/path/to/ca.pem.",
  },
  logging: { title: "Logging", intro: "" },
} as const satisfies Record<string, { title: string; intro: string }>;

const text = (message?: string) => ({ kind: "text", message }) as const;
const int = (min: number, max: number, unit?: string) => ({ kind: "int", min, max, unit }) as const;
const oneOf = <const V extends readonly [string, ...string[]]>(...values: V) => ({ kind: "enum", values }) as const;
const url = (message: string) => ({ kind: "url", message }) as const;
const format = <const F extends Format>(format: F, message?: string) => ({ kind: "format", format, message }) as const;
const fraction = { kind: "number", min: 0, max: 1, message: "must be a number from 0 to 1" } as const;
const rateLimit = format("rate-limit");

export const VARIABLES = {
  // ── Sign-in ──
  NEXTAUTH_URL: {
    group: "auth",
    type: { kind: "url", message: "must be an absolute http(s) URL, e.g. http://localhost:3000", lowerCaseScheme: true },
    defaultText: "— (required in production)",
    example: "http://localhost:3000",
    doc: "the public URL of the app, `https://` in production unless on loopback; with `https://` the session cookie is `__Secure-`",
  },
  NEXTAUTH_SECRET: {
    group: "auth",
    type: { kind: "text", minLength: { length: 32, message: "must be at least 32 characters (try `openssl rand -base64 32`)" } },
    defaultText: "— (required)",
    example: "change-me-to-a-long-random-secret-0123456789",
    secret: true,
    doc: "signs and encrypts sessions; at least 32 random characters (`openssl rand -base64 32`). Also keys the user hashes in the log and the user id the providers are told ([Provider privacy](#provider-privacy)): rotating it changes both",
  },
  SESSION_MAX_AGE_SECONDS: {
    group: "auth",
    type: int(60, 604_800, "seconds"),
    default: 3_600,
    doc: "session lifetime in seconds, counted from sign-in (JWT sessions): refreshing the cookie never extends it, and signing out ends every session of the account on the server",
  },
  AUTH_LOCAL_USERS: {
    group: "auth",
    type: format("local-users"),
    file: true,
    doc: "local accounts (the `credentials` provider): `email:hash,email:hash`, hashes from `npm run -s auth:hash-password -- 'a long password'`",
  },
  GITHUB_ID: {
    group: "auth",
    type: text(),
    doc: "GitHub OAuth app, on when both `GITHUB_ID` and `GITHUB_SECRET` are set; callback `<NEXTAUTH_URL>/api/auth/callback/github`",
  },
  GITHUB_SECRET: { group: "auth", type: text(), secret: true, doc: "the GitHub OAuth app's client secret" },
  GOOGLE_CLIENT_ID: {
    group: "auth",
    type: text(),
    doc: "Google OAuth client, on when both `GOOGLE_CLIENT_ID` and `GOOGLE_CLIENT_SECRET` are set; callback `<NEXTAUTH_URL>/api/auth/callback/google`",
  },
  GOOGLE_CLIENT_SECRET: { group: "auth", type: text(), secret: true, doc: "the Google OAuth client's secret" },
  SIGNIN_RATE_LIMIT_IP: {
    group: "auth",
    type: rateLimit,
    default: "30/15m",
    doc: "sign-in attempts per client IP (requests/window; window in `s`, `m`, `h`, `d`)",
  },
  SIGNIN_RATE_LIMIT_ACCOUNT: {
    group: "auth",
    type: rateLimit,
    default: "10/15m",
    doc: "sign-in attempts per account from one client IP (refused past it); past it across all IPs, each attempt for the account waits 2 s instead, so nobody can lock an owner out",
  },

  // ── Models ──
  AI_MODELS: {
    group: "models",
    type: format("models", "must be a comma-separated list of provider:model"),
    defaultText: "the models of the providers with keys, else `demo:demo`",
    example: "demo:demo",
    doc: "allowed models, `provider:model` comma-separated, the first the default; providers `openai`, `anthropic`, `demo` (the offline demo model: no key, no network). In production with no provider key the server refuses to start unless this names the demo model",
  },
  OPENAI_API_KEYS: {
    group: "models",
    type: format("provider-keys"),
    secret: true,
    doc: "OpenAI keys, comma-separated, the first preferred: a key the provider rejects (401/403) sits out `KEY_COOLDOWN_SECONDS` and the next one answers the same request. Each may carry its creation day, `key@2026-09-01`, for the age warning. Needed when `AI_MODELS` lists `openai:` models (any non-empty value for a local server that ignores keys). See [Keys and operations](#keys-and-operations)",
  },
  OPENAI_API_KEY: {
    group: "models",
    type: format("provider-keys"),
    secret: true,
    doc: "one OpenAI key, as before; used after `OPENAI_API_KEYS` when both are set",
  },
  OPENAI_BASE_URL: {
    group: "models",
    type: url("must be an absolute http(s) URL, e.g. http://localhost:11434/v1"),
    defaultText: "OpenAI",
    doc: "any OpenAI-compatible server, e.g. Ollama `http://localhost:11434/v1` or vLLM `https://host:8000/v1`; `https://` in production unless on loopback (or listed in `ALLOW_INSECURE_TRANSPORT`)",
  },
  ANTHROPIC_API_KEYS: {
    group: "models",
    type: format("provider-keys"),
    secret: true,
    doc: "Anthropic keys, the same way as `OPENAI_API_KEYS`; needed when `AI_MODELS` lists `anthropic:` models",
  },
  ANTHROPIC_API_KEY: {
    group: "models",
    type: format("provider-keys"),
    secret: true,
    doc: "one Anthropic key; used after `ANTHROPIC_API_KEYS` when both are set",
  },
  ANTHROPIC_BASE_URL: {
    group: "models",
    type: url("must be an absolute http(s) URL"),
    defaultText: "Anthropic",
    doc: "another Anthropic-compatible endpoint (a proxy or gateway); `https://` in production unless on loopback",
  },
  AI_MAX_OUTPUT_TOKENS: { group: "models", type: int(1, 200_000), default: 1_024, doc: "most tokens a reply may have" },
  AI_TIMEOUT_MS: {
    group: "models",
    type: int(100, 600_000, "milliseconds"),
    default: 120_000,
    doc: "longest a whole reply may take, in milliseconds, before it is cut off",
  },
  KEY_COOLDOWN_SECONDS: {
    group: "models",
    type: int(1, 86_400, "seconds"),
    default: 300,
    doc: "how long a key the provider rejected (401/403) stays out of rotation on an instance, in seconds",
  },
  KEY_MAX_AGE_DAYS: {
    group: "models",
    type: int(1, 3_650, "days"),
    default: 90,
    doc: "keys older than this many days (by their `@date`) are flagged for rotation in the dashboard and the log",
  },

  // ── Chat limits ──
  CHAT_RATE_LIMIT: { group: "chat", type: rateLimit, default: "20/60s", doc: "messages per user, sliding window" },
  CHAT_MAX_MESSAGE_CHARS: { group: "chat", type: int(1, 100_000), default: 8_000, doc: "longest message, in characters" },
  CHAT_MAX_BODY_BYTES: {
    group: "chat",
    type: int(1_024, MAX_REQUEST_BODY_BYTES, "bytes"),
    default: 65_536,
    doc: `largest chat request body, in bytes, refused (413) before it is parsed; at most \`${MAX_REQUEST_BODY_BYTES}\`, the cap \`proxy.ts\` puts on every route`,
  },
  CHAT_HISTORY_MAX_MESSAGES: { group: "chat", type: int(0, 200), default: 20, doc: "earlier turns of a conversation sent back to the model" },
  CHAT_MAX_CONCURRENT: {
    group: "chat",
    type: int(1, 100),
    default: 3,
    doc: "replies one user may have streaming at once, across tabs and instances",
  },
  API_RATE_LIMIT: {
    group: "chat",
    type: rateLimit,
    default: "120/60s",
    doc: "requests per user to the conversation, usage, API key and delete-my-data APIs",
  },

  // ── Budgets ──
  DAILY_TOKEN_BUDGET: { group: "budgets", type: int(1_000, 1_000_000_000, "tokens"), default: 200_000, doc: "tokens (in + out) per user per UTC day" },
  DAILY_SPEND_CAP_USD: {
    group: "budgets",
    type: {
      kind: "number",
      min: 0.01,
      max: 1_000_000,
      message: "must be a number of US dollars, e.g. 20 or 2.50",
      minMessage: "must be at least 0.01 (US dollars)",
      maxMessage: "must be at most 1000000 (US dollars)",
    },
    default: 20,
    doc: "what the whole service may spend per UTC day, in US dollars, from the usage providers report",
  },
  AI_MODEL_PRICES: {
    group: "budgets",
    type: format("prices", "must be a comma-separated list of provider:model=IN/OUT"),
    defaultText: "the table in `lib/config/prices.ts`",
    doc: "extra or corrected prices, `provider:model=IN/OUT` in USD per million tokens, comma-separated, e.g. `openai:llama3.2=0/0`; every model in `AI_MODELS` needs one, or the server refuses to start",
  },

  // ── Shared state ──
  UPSTASH_REDIS_REST_URL: {
    group: "store",
    type: url("must be the https URL of your Upstash Redis database"),
    doc: "the store on Upstash Redis over HTTP, with `UPSTASH_REDIS_REST_TOKEN` (both from your database's page in the Upstash console)",
  },
  UPSTASH_REDIS_REST_TOKEN: { group: "store", type: text(), secret: true, doc: "the Upstash database's REST token" },
  REDIS_URL: {
    group: "store",
    type: format("redis-url", "must be a redis:// or rediss:// URL, e.g. redis://localhost:6379"),
    secret: true,
    doc: "the store on a Redis or Valkey server over TCP, `redis://[user:password@]host:port[/db]` or `rediss://` (TLS; in production required unless on loopback, written in lower case and without a `?tls=` option, which ioredis would take instead)",
  },
  ALLOW_IN_MEMORY_STORE: {
    group: "store",
    type: oneOf("true", "false"),
    default: "false",
    doc: "with no store set, production refuses to start unless this is `true` (one instance on purpose)",
  },
  STORE_KEY_PREFIX: {
    group: "store",
    type: { kind: "text", pattern: { regex: /^[A-Za-z0-9_-]{1,32}$/, message: "must be 1 to 32 letters, digits, _ or -" } },
    default: "bulwark",
    doc: "prefix of every key, so several deployments can share one database",
  },
  CONVERSATION_ENCRYPTION_KEY: {
    group: "store",
    type: format("encryption-keys", "must be a comma-separated list of keys"),
    defaultText: "— (required with a Redis store)",
    secret: true,
    doc: "AES-256-GCM keys for conversation text at rest, comma-separated 32-byte keys, newest first: new data uses the first, old data still opens with the others. Make one with `npm run -s store:generate-key`; to rotate, put a new key first and keep the old ones until their conversations have expired (`CONVERSATION_TTL_DAYS`)",
  },
  CONVERSATION_TTL_DAYS: { group: "store", type: int(1, 3_650, "days"), default: 30, doc: "days a conversation is kept after its last message" },
  USAGE_RETENTION_DAYS: {
    group: "store",
    type: int(1, 3_650, "days"),
    default: 90,
    doc: "days the per-user, per-day usage records (requests, tokens, cost, refusals) are kept",
  },

  // ── Guards ──
  GUARD_NORMALIZE: {
    group: "guards",
    type: oneOf("off", "redact"),
    default: "redact",
    doc: "Unicode NFKC and removal of invisible, bidi and tag characters from the user's text: `redact` or `off`",
  },
  GUARD_PII: {
    group: "guards",
    type: oneOf("off", "flag", "redact", "block"),
    default: "redact",
    doc: "personal data and secrets in the prompt: `redact` (placeholders such as `[EMAIL_1]`, restored in the reply), `flag` (audit only), `block` (refuse the message with 400 `personal_data_rejected`) or `off`",
  },
  GUARD_PII_ENTITIES: {
    group: "guards",
    type: format("pii-entities", `must be a comma-separated list of ${PII_ENTITY_NAMES.join(", ")}`),
    default: PII_ENTITY_NAMES.join(","),
    defaultText: "all",
    doc: `which kinds of personal data the PII guard looks for, comma-separated: ${PII_ENTITY_NAMES.map((n) => `\`${n}\``).join(", ")}`,
  },
  GUARD_INJECTION: {
    group: "guards",
    type: oneOf("off", "flag", "block"),
    default: "block",
    doc: "the prompt-injection detector: `block`, `flag` (audit only) or `off`. Its score is the probability of an attack (0 to 1). With `block`, a message is refused (400 `prompt_rejected`, with the reason) at `GUARD_INJECTION_BLOCK_AT` when a named signal agrees (an override, an extraction request, a role-play jailbreak…), or at `GUARD_INJECTION_BLOCK_ALONE_AT` on the learned model's word alone; from `GUARD_INJECTION_FLAG_AT` it is audited and still answered",
  },
  GUARD_INJECTION_FLAG_AT: {
    group: "guards",
    type: fraction,
    defaultText: "measured ([docs/guards.md](docs/guards.md))",
    doc: "score from which a message is audited; tune the thresholds on your own traffic with `npm run -s guard -- scan`",
  },
  GUARD_INJECTION_BLOCK_AT: {
    group: "guards",
    type: fraction,
    defaultText: "measured",
    doc: "score at which a message a named signal confirms is refused",
  },
  GUARD_INJECTION_BLOCK_ALONE_AT: {
    group: "guards",
    type: fraction,
    defaultText: "measured",
    doc: "score at which a message is refused on the learned model's word alone",
  },
  GUARD_INJECTION_JUDGE: {
    group: "guards",
    type: oneOf("off", "llm", "http"),
    default: "off",
    doc: 'a second opinion on flagged messages only: `llm` asks a model of `AI_MODELS` with a fixed classification prompt (its tokens count in the user\'s budget and the spend cap); `http` asks your own classifier (POST `{"text"}`; answers `{"attack"}`, `{"score"}` or `{"label"}`, see `lib/guard/judge/`)',
  },
  GUARD_INJECTION_JUDGE_MODEL: {
    group: "guards",
    type: text("must be one of the AI_MODELS entries, e.g. openai:gpt-4o-mini"),
    defaultText: "the first of `AI_MODELS`",
    doc: "with `llm`: which model of `AI_MODELS` judges",
  },
  GUARD_INJECTION_JUDGE_URL: {
    group: "guards",
    type: url("must be an http(s) URL, e.g. https://classifier.internal/v1/classify"),
    doc: "with `http`: the classifier's address (`https://` in production unless on loopback)",
  },
  GUARD_INJECTION_JUDGE_TOKEN: {
    group: "guards",
    type: text(),
    secret: true,
    doc: "with `http`: a bearer token the classifier expects (optional)",
  },
  GUARD_INJECTION_JUDGE_TIMEOUT_MS: {
    group: "guards",
    type: int(100, 30_000, "milliseconds"),
    default: 3_000,
    doc: "how long a judgement may take, in milliseconds",
  },
  GUARD_INJECTION_JUDGE_ON_ERROR: {
    group: "guards",
    type: oneOf("allow", "block"),
    default: "allow",
    doc: "what no judgement in time means: `allow` (the message goes on, audited) or `block` (503 `guard_unavailable`, to be sent again)",
  },
  GUARD_CANARY: {
    group: "guards",
    type: oneOf("off", "block"),
    default: "block",
    doc: "a secret canary in the system prompt; a reply that reveals it is cut: `block` or `off`",
  },
  GUARD_OUTPUT_SECRETS: {
    group: "guards",
    type: oneOf("off", "redact"),
    default: "redact",
    doc: "keys and other secrets in the model's output are replaced before the browser sees them: `redact` or `off`",
  },

  // ── API keys ──
  RELAY_KEY_SECRET: {
    group: "relay",
    type: format("secrets", "must be a comma-separated list of secrets"),
    defaultText: "— (API keys off)",
    example: "change-me-to-a-long-random-relay-key-secret-0123",
    secret: true,
    doc: "turns on personal API keys and the OpenAI-compatible API at `/api/v1` ([Use it from code](#use-it-from-code)): secrets, comma-separated, each at least 32 characters (`openssl rand -base64 32`); the first signs new keys, all are tried on lookup, so a new one goes first and the old one stays until its keys are rolled (SECURITY.md). Removing a secret invalidates every key made under it. See [API keys](#api-keys-relay-keys)",
  },

  // ── Tools ──
  TOOLS: {
    group: "tools",
    type: format("tools"),
    default: "none",
    doc: "which tools the model may call in the chat: `all`, `none`, or a comma-separated list of `fetch_page` (read a public web page), `search_my_conversations` (the user's own earlier conversations) and `save_note` (a note in the user's notes, after their approval). The relay API at `/api/v1` never offers tools; `npm run quickstart` sets `all` unless you set it",
  },
  TOOLS_MAX_CALLS: {
    group: "tools",
    type: int(1, 20),
    default: 5,
    doc: "most tool calls one reply may make; the model then answers with what it has. Every step counts in the budgets and the spend cap",
  },

  TOOLS_FETCH_ALLOW_HOSTS: {
    group: "tools",
    type: format("hosts"),
    defaultText: "— (any public host)",
    doc: "the only hosts `fetch_page` may read, comma-separated; `example.com` is that host only, `*.example.com` it and every name under it. Whatever the lists say, an address that is not public (loopback, private, link-local, cloud metadata…) is never fetched",
  },
  TOOLS_FETCH_DENY_HOSTS: {
    group: "tools",
    type: format("hosts"),
    doc: "hosts `fetch_page` never reads, written as for `TOOLS_FETCH_ALLOW_HOSTS`; the deny list wins",
  },
  TOOLS_FETCH_TEST_LOOPBACK_PORTS: {
    group: "tools",
    type: format("ports"),
    doc: "for tests only: loopback ports `fetch_page` may read, so a test can serve it pages. The server refuses to start with it unless `NEXTAUTH_URL` is itself on loopback (a deployment others can reach can never turn it on), and warns at every start",
  },

  // ── Documents ──
  ATTACHMENTS: {
    group: "documents",
    type: oneOf("on", "off"),
    default: "on",
    doc: "`on`: people may attach documents to chat messages; `off`: the attach button is hidden and `/api/attachments` answers 404 `attachments_disabled`",
  },
  ATTACHMENTS_RATE_LIMIT: {
    group: "documents",
    type: rateLimit,
    default: "30/10m",
    doc: "uploads per user, sliding window (reading a PDF takes a worker thread for up to a second): more are refused with 429 `rate_limited`",
  },
  ATTACHMENTS_MAX_FILE_BYTES: {
    group: "documents",
    type: int(1_024, MAX_ATTACHMENT_BYTES, "bytes"),
    default: 2_097_152,
    doc: `largest file that may be attached (2 MiB by default, at most ${MAX_ATTACHMENT_BYTES.toLocaleString("en-US")}); a larger one is refused with 413 \`file_too_large\` before it is read`,
  },
  ATTACHMENTS_MAX_PER_MESSAGE: {
    group: "documents",
    type: int(1, 20),
    default: 5,
    doc: "most documents one message may carry; also the most a person may have uploaded and not yet sent",
  },
  ATTACHMENTS_MAX_PER_CONVERSATION: {
    group: "documents",
    type: int(1, 200),
    default: 20,
    doc: "most documents one conversation may hold; another is refused with 409 `too_many_attachments` until one is deleted",
  },
  ATTACHMENTS_MAX_PDF_PAGES: {
    group: "documents",
    type: int(1, 2_000, "pages"),
    default: 100,
    doc: "longest PDF that is read, in pages; a longer one is refused with 413 `document_too_long`",
  },
  ATTACHMENTS_MAX_TEXT_CHARS: {
    group: "documents",
    type: int(1_000, 5_000_000, "characters"),
    default: 300_000,
    doc: "most text one document may hold once read (a PDF's text layer, a file's text); more is refused with 413 `document_too_long`",
  },
  ATTACHMENTS_CONTEXT_CHARS: {
    group: "documents",
    type: int(1_000, 400_000, "characters"),
    default: 24_000,
    doc: "most document text one message sends to the model. Documents that fit go whole; otherwise the passages most relevant to the message are chosen (BM25 over the conversation's own documents). It counts in the token budgets like any prompt",
  },
  ATTACHMENTS_SPOTLIGHT: {
    group: "documents",
    type: oneOf("datamark", "base64", "off"),
    default: "datamark",
    doc: "how document text is marked as data inside its fence: `datamark` puts a marker character in place of every space (measured in docs/documents.md), `base64` encodes it (only for models that decode base64 reliably), `off` leaves it unmarked, fenced only",
  },

  // ── Operations ──
  ADMIN_EMAILS: {
    group: "ops",
    type: format("emails", "must be a comma-separated list of email addresses"),
    doc: "who may open the admin dashboard at `/admin`, comma-separated sign-in addresses; for everyone else it does not exist (404)",
  },
  AUDIT_RETENTION_DAYS: { group: "ops", type: int(1, 3_650, "days"), default: 90, doc: "days security events are kept in the audit log" },
  ALERT_WEBHOOK_URL: {
    group: "ops",
    type: url("must be the absolute http(s) URL of a Slack-compatible incoming webhook"),
    defaultText: "— (alerts go to the log only)",
    secret: true,
    doc: "a Slack-compatible incoming webhook for alerts (a secret; `https://`)",
  },
  ALERT_DEDUP_MINUTES: {
    group: "ops",
    type: int(1, 10_080, "minutes"),
    default: 60,
    doc: "an alert about the same thing is sent at most once in this many minutes",
  },
  ALERT_USAGE_FACTOR: {
    group: "ops",
    type: { kind: "number", min: 0, above: true, max: 1_000, message: "must be a number above 0 and at most 1000, e.g. 5" },
    default: 5,
    doc: "alert when a user's tokens today reach this many times their average of the previous 7 days…",
  },
  ALERT_USAGE_MIN_TOKENS: { group: "ops", type: int(1, 1_000_000_000, "tokens"), default: 50_000, doc: "…and at least this many tokens" },
  ALERT_INJECTION_BLOCKS: {
    group: "ops",
    type: int(1, 1_000),
    default: 5,
    doc: "alert when one user has this many messages blocked as injections…",
  },
  ALERT_INJECTION_WINDOW_MINUTES: { group: "ops", type: int(1, 1_440, "minutes"), default: 10, doc: "…within this many minutes" },

  // ── Transport ──
  ALLOW_INSECURE_TRANSPORT: {
    group: "transport",
    type: format("transport-variables", "must be a comma-separated list of URL variables"),
    doc: "URL variables that may go in clear text to a host off this machine in production, comma-separated (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `UPSTASH_REDIS_REST_URL`, `REDIS_URL`, `GUARD_INJECTION_JUDGE_URL`, `ALERT_WEBHOOK_URL`; never `NEXTAUTH_URL`, behind a TLS proxy use its `https://`): only for a hop a TLS-terminating sidecar (a service mesh) or private link encrypts; the server then starts, and warns on stderr at every start",
  },

  // ── Logging ──
  LOG_LEVEL: {
    group: "logging",
    type: oneOf("debug", "info", "warn", "error"),
    default: "info",
    doc: "`debug`, `info`, `warn` or `error`. Logs are JSON lines of metadata, never prompt or reply text",
  },
} as const satisfies Record<string, Variable>;

export type VariableName = keyof typeof VARIABLES;

const NAMES = Object.keys(VARIABLES) as VariableName[];

/** Variables whose values are secrets: never logged, never public, never the example in production. */
export const SECRET_VARIABLES: readonly VariableName[] = NAMES.filter((name) => "secret" in VARIABLES[name]);

/**
 * Variables that may instead name a file holding the value, as `NAME_FILE` (the convention of Docker
 * and Kubernetes secrets, Vault Agent and the cloud secret-store CSI drivers): every secret, and the
 * local accounts' password hashes.
 */
export const FILE_VARIABLES: readonly VariableName[] = NAMES.filter((name) => "secret" in VARIABLES[name] || "file" in VARIABLES[name]);
