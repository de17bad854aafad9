/**
 * Linear time on hostile input: every 1 MB input of scripts/lib/hostile-inputs.ts through the whole
 * input pipeline (guardInput, every stage on, injection in flag mode so that redaction runs too) and
 * through the output guards (canary watch, secret redaction, link audit) streamed in 4 KB chunks, as a
 * reply arrives. The target is the slowest single input, well under a second.
 */
import { guardInput } from "../../lib/guard/input";
import { INJECTION_THRESHOLDS } from "../../lib/guard/injection/score";
import { newCanary } from "../../lib/guard/output/canary";
import { createOutputGuard } from "../../lib/guard/output/pipeline";
import { ENTITY_TYPES, findSecrets } from "../../lib/guard/pii";
import { ms, timed, type Table, type Target } from "./eval-format";
import { HOSTILE_INJECTION, HOSTILE_PII, HOSTILE_UNICODE } from "./hostile-inputs";

export const HOSTILE_TARGET_MS = 1_000;
const CHUNK = 4_096;

function throughInput(text: string): void {
  guardInput({
    text,
    history: [],
    config: {
      normalize: "redact",
      pii: "redact",
      piiEntities: ENTITY_TYPES,
      injection: "flag",
      injectionFlagAt: INJECTION_THRESHOLDS.flag,
      injectionBlockAt: INJECTION_THRESHOLDS.block,
      injectionBlockAloneAt: INJECTION_THRESHOLDS.blockAlone,
    },
  });
}

function throughOutput(text: string): void {
  const guard = createOutputGuard({ canary: newCanary(), findSecrets });
  for (let i = 0; i < text.length; i += CHUNK) guard.push(text.slice(i, i + CHUNK));
  guard.end();
}

export function evaluateHostile(): { tables: Table[]; targets: Target[] } {
  const inputs = [...HOSTILE_PII, ...HOSTILE_INJECTION, ...HOSTILE_UNICODE];
  // One untimed call first, so the first input does not pay for compiling the patterns.
  throughInput("warm-up");
  throughOutput("warm-up");
  const rows: string[][] = [];
  let slowest = { ms: 0, what: "" };
  for (const [name, text] of inputs) {
    const input = timed(() => throughInput(text)).ms;
    const output = timed(() => throughOutput(text)).ms;
    rows.push([name, ms(input), ms(output)]);
    for (const [stage, t] of [
      ["input pipeline", input],
      ["output guards", output],
    ] as const)
      if (t > slowest.ms) slowest = { ms: t, what: `${stage}, ${name}` };
  }
  const table: Table = {
    title: "Hostile input (1 MB each)",
    headers: ["input", "input pipeline", "output guards"],
    rows,
    notes: [
      `Each input is 1,000,000 UTF-16 code units built to make a backtracking pattern retry (scripts/lib/hostile-inputs.ts, shared with the unit tests). Input pipeline: guardInput with every stage on (injection in flag mode, so redaction runs too). Output guards: the canary watch, secret redaction and link audit, fed in ${CHUNK.toLocaleString("en")}-character chunks. One call each, after one untimed warm-up call.`,
    ],
  };
  return {
    tables: [table],
    targets: [
      {
        area: `hostile input, ${inputs.length} inputs of 1 MB`,
        target: `each < ${HOSTILE_TARGET_MS.toLocaleString("en")} ms, input pipeline and output guards`,
        measured: `slowest ${ms(slowest.ms)} (${slowest.what})`,
        met: slowest.ms < HOSTILE_TARGET_MS,
      },
    ],
  };
}
