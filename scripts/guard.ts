/**
 * Runs the input guards over JSON Lines, one `{"text": "…"}` per line, one JSON result per line in the
 * same order, for tuning thresholds and entity lists on your own traffic:
 *
 *   npm run -s guard -- scan   < messages.jsonl > scores.jsonl
 *   npm run -s guard -- redact --entities EMAIL,PHONE < messages.jsonl
 *
 * It streams: a line is answered before the next chunk of input is read, and output waits for a slow
 * reader, so input of any length runs in constant memory (bar one line). A bad line gets an
 * `{"error": …}` line and the run goes on; the exit code is 0 unless standard input fails (1) or the
 * arguments are wrong (2). `npm run guard -- --help` prints the usage.
 */
import { once } from "node:events";
import { parseArgs } from "node:util";
import type { InjectionThresholds } from "../lib/guard/injection/policy";
import { INJECTION_PRIOR, INJECTION_THRESHOLDS } from "../lib/guard/injection/score";
import { normalizeInput } from "../lib/guard/normalize";
import { ENTITY_TYPES, PlaceholderMap, type RedactedEntity } from "../lib/guard/pii";
import type { EntityType } from "../lib/guard/types";
import { scanText } from "./lib/eval-scan";

const USAGE = `usage: npm run -s guard -- scan   [--flag-at N] [--block-at N] [--block-alone-at N]  < in.jsonl > out.jsonl
       npm run -s guard -- redact [--entities ${ENTITY_TYPES.join(",")}]  < in.jsonl > out.jsonl

Reads JSON Lines from standard input, one {"text": "..."} per line, and writes one JSON line per input
line, in order. Text is normalised first (invisible, bidi and tag characters removed, NFKC), as the
chat route does.

  scan     prompt-injection score: {"verdict":"block"|"flag"|"allow","score":0..1,"signals":[...]}
           (a probability at a base rate of one attack in ${Math.round(1 / INJECTION_PRIOR)} messages).
           Text hidden in Unicode tag characters is scored too (signal "tag_smuggling").
           --flag-at N         flag at score >= N (default ${INJECTION_THRESHOLDS.flag}, or GUARD_INJECTION_FLAG_AT)
           --block-at N        block at score >= N when a named signal agrees (any signal but
                               "classifier"; default ${INJECTION_THRESHOLDS.block}, or GUARD_INJECTION_BLOCK_AT)
           --block-alone-at N  block at score >= N whatever the signals (default
                               ${INJECTION_THRESHOLDS.blockAlone}, or GUARD_INJECTION_BLOCK_ALONE_AT)
  redact   personal data replaced by placeholders, a fresh numbering per line:
           {"text":"Mail [EMAIL_1]","entities":[{"type":"EMAIL","placeholder":"[EMAIL_1]"}]}
           (SECRET entities also carry a "subtype", e.g. "openai_key")
           --entities LIST  comma-separated, any of ${ENTITY_TYPES.join(", ")} (default: all)

A line that is not JSON, or has no string "text", gets {"error":"line N: ..."} and the run goes on.
Exit code: 0, or 1 if standard input fails, or 2 for bad arguments.`;

/** Longest line read; a longer one is skipped (with an error line), so one line cannot exhaust memory. */
const MAX_LINE_CHARS = 16 * 1024 * 1024;

type Mode = { kind: "scan"; thresholds: InjectionThresholds } | { kind: "redact"; types: readonly EntityType[] };

class UsageError extends Error {}

function parseModeOrThrow(argv: string[]): Mode | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      "flag-at": { type: "string" },
      "block-at": { type: "string" },
      "block-alone-at": { type: "string" },
      entities: { type: "string" },
    },
  });
  if (values.help) return "help";
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  if (command === "scan") {
    if (values.entities !== undefined) throw new UsageError("--entities applies to redact only");
    const flagAt = threshold({ flag: values["flag-at"], env: "GUARD_INJECTION_FLAG_AT", name: "--flag-at" }) ?? INJECTION_THRESHOLDS.flag;
    const blockAt = threshold({ flag: values["block-at"], env: "GUARD_INJECTION_BLOCK_AT", name: "--block-at" }) ?? INJECTION_THRESHOLDS.block;
    const blockAloneAt =
      threshold({ flag: values["block-alone-at"], env: "GUARD_INJECTION_BLOCK_ALONE_AT", name: "--block-alone-at" }) ?? INJECTION_THRESHOLDS.blockAlone;
    if (flagAt > blockAt) throw new UsageError(`the flag threshold (${flagAt}) is above the block threshold (${blockAt})`);
    if (blockAt > blockAloneAt) throw new UsageError(`the block threshold (${blockAt}) is above the block-alone threshold (${blockAloneAt})`);
    return { kind: "scan", thresholds: { flag: flagAt, block: blockAt, blockAlone: blockAloneAt } };
  }
  if (command === "redact") {
    if (values["flag-at"] !== undefined || values["block-at"] !== undefined || values["block-alone-at"] !== undefined) {
      throw new UsageError("--flag-at, --block-at and --block-alone-at apply to scan only");
    }
    return { kind: "redact", types: values.entities === undefined ? ENTITY_TYPES : entityTypes(values.entities) };
  }
  throw new UsageError(command === undefined ? "missing command: scan or redact" : `unknown command ${JSON.stringify(command)}: use scan or redact`);
}

/** A threshold from the flag, else from the environment (empty counts as unset), else undefined. */
function threshold({ flag, env, name }: { flag: string | undefined; env: string; name: string }): number | undefined {
  const fromEnv = process.env[env]?.trim();
  const [raw, source] = flag !== undefined ? [flag, name] : fromEnv ? [fromEnv, env] : [undefined, name];
  if (raw === undefined) return undefined;
  const value = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!(value >= 0 && value <= 1)) throw new UsageError(`${source} must be a number from 0 to 1, not ${JSON.stringify(raw)}`);
  return value;
}

function entityTypes(list: string): EntityType[] {
  const names = list
    .split(",")
    .map((name) => name.trim().toUpperCase())
    .filter(Boolean);
  const known: ReadonlySet<string> = new Set(ENTITY_TYPES);
  const unknown = names.filter((name) => !known.has(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--entities must list types from ${ENTITY_TYPES.join(", ")}${unknown.length > 0 ? `; unknown: ${unknown.join(", ")}` : ""}`);
  }
  return names as EntityType[];
}

function redact(text: string, mode: Extract<Mode, { kind: "redact" }>): { text: string; entities: RedactedEntity[] } {
  return new PlaceholderMap().redact(normalizeInput(text).text, { types: mode.types });
}

/** The answer to one input line, as a JSON line without its newline. */
function answer({ line, number, mode }: { line: string; number: number; mode: Mode }): string {
  if (line.trim() === "") return JSON.stringify({ error: `line ${number}: empty line; expected {"text": "..."}` });
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (error) {
    return JSON.stringify({ error: `line ${number}: not valid JSON (${error instanceof Error ? error.message : String(error)})` });
  }
  const text = typeof input === "object" && input !== null && !Array.isArray(input) ? (input as { text?: unknown }).text : undefined;
  if (typeof text !== "string") return JSON.stringify({ error: `line ${number}: expected an object with a string "text" field, like {"text": "..."}` });
  return JSON.stringify(mode.kind === "scan" ? scanText({ text, thresholds: mode.thresholds }) : redact(text, mode));
}

const TOO_LONG = Symbol("line too long");

/** The lines of a stream ("\n" or "\r\n"), read one chunk at a time; a last line without "\n" counts. */
async function* readLines(input: NodeJS.ReadableStream): AsyncGenerator<string | typeof TOO_LONG> {
  input.setEncoding("utf8");
  let carry = "";
  let skipping = false; // inside a line longer than MAX_LINE_CHARS: drop it up to its newline
  let first = true;
  const finish = (line: string): string => {
    let text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (first) text = text.replace(/^\uFEFF/, "");
    first = false;
    return text;
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let from = 0;
    for (let newline = chunk.indexOf("\n"); newline !== -1; newline = chunk.indexOf("\n", from)) {
      const line = skipping ? TOO_LONG : carry + chunk.slice(from, newline);
      from = newline + 1;
      carry = "";
      skipping = false;
      yield line === TOO_LONG || line.length > MAX_LINE_CHARS ? TOO_LONG : finish(line);
    }
    if (!skipping) carry += chunk.slice(from);
    if (carry.length > MAX_LINE_CHARS) {
      skipping = true;
      carry = "";
    }
  }
  if (skipping) yield TOO_LONG;
  else if (carry !== "") yield finish(carry);
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, "drain");
}

async function main(): Promise<void> {
  let mode: Mode | "help";
  try {
    mode = parseModeOrThrow(process.argv.slice(2));
  } catch (error) {
    console.error(`guard: ${error instanceof Error ? error.message : String(error)}\n(npm run -s guard -- --help for usage)`);
    process.exit(2);
  }
  if (mode === "help") {
    console.log(USAGE);
    return;
  }
  // A reader that went away (`| head`) is not an error of ours.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => process.exit(error.code === "EPIPE" ? 0 : 1));
  if (process.stdin.isTTY) console.error('guard: reading JSON Lines ({"text": "..."}) from standard input; Ctrl-D ends.');

  let number = 0;
  try {
    for await (const line of readLines(process.stdin)) {
      number++;
      const out =
        line === TOO_LONG ? JSON.stringify({ error: `line ${number}: longer than ${MAX_LINE_CHARS} characters; skipped` }) : answer({ line, number, mode });
      await write(`${out}\n`);
    }
  } catch (error) {
    console.error(`guard: reading standard input failed after ${number} lines: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

void main();
