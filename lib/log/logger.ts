import { maskSecrets } from "./redact";
import { processSingleton } from "../singleton";

/**
 * The structured logger: one JSON object a line, metadata only. Callers pass named fields (ids,
 * hashes, counts, durations, outcomes), never prompt or reply text; every string is masked anyway.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | null | undefined>;

const RANK = { debug: 10, info: 20, warn: 30, error: 40 } as const satisfies Record<LogLevel, number>;
// Per process, not per bundle: start-up sets it once for every route (see lib/singleton.ts).
const settings = processSingleton("log.settings", () => ({ threshold: "info" as LogLevel }));

export function setLogLevel(level: LogLevel): void {
  settings.threshold = level;
}

function write(level: LogLevel, event: string, fields: LogFields = {}): void {
  if (RANK[level] < RANK[settings.threshold]) return;
  const record: Record<string, string | number | boolean | null> = { time: new Date().toISOString(), level, event: maskSecrets(event) };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    record[key] = typeof value === "string" ? maskSecrets(value) : value;
  }
  const line = `${JSON.stringify(record)}\n`;
  if (level === "error" || level === "warn") process.stderr.write(line);
  else process.stdout.write(line);
}

export const log = {
  debug: (event: string, fields?: LogFields) => write("debug", event, fields),
  info: (event: string, fields?: LogFields) => write("info", event, fields),
  warn: (event: string, fields?: LogFields) => write("warn", event, fields),
  error: (event: string, fields?: LogFields) => write("error", event, fields),
};

/** What may be logged of an unknown error: its class and a masked, shortened message. Never the stack. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) {
    return { errorName: error.name, errorMessage: maskSecrets(error.message).slice(0, 300) };
  }
  return { errorName: typeof error };
}
