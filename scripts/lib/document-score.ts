/**
 * How `npm run eval:documents` scores a document: in message mode (the normalised text, with what tag
 * characters hid, through scoreMessage and the calibrated policy: what guardToolOutput did before
 * document mode) and in document mode (scanDocument), with the shipped thresholds and block mode.
 */
import { reportedLevel, scanDocument } from "../../lib/guard/document";
import { DEFAULT_INPUT_GUARDS, type InputGuardConfig } from "../../lib/guard/input";
import { injectionVerdict, type InjectionVerdict } from "../../lib/guard/injection/policy";
import { scoreMessage } from "../../lib/guard/injection/score";
import { decodeTagSmuggling, normalizeInput } from "../../lib/guard/normalize";
import type { Case } from "./document-cases";

/** The defaults with PII off: it cannot change an injection verdict. */
export const CONFIG: InputGuardConfig = { ...DEFAULT_INPUT_GUARDS, pii: "off" };
const THRESHOLDS = { flag: CONFIG.injectionFlagAt, block: CONFIG.injectionBlockAt, blockAlone: CONFIG.injectionBlockAloneAt };

/** `reported`: what the attachment's chip says (reportedLevel), null when nothing is shown. */
export type Scored = Case & { message: InjectionVerdict; document: InjectionVerdict; signals: string[]; reported: "likely" | "suspicious" | null; ms: number };

export function messageVerdict(text: string): InjectionVerdict {
  const { text: clean, removed } = normalizeInput(text);
  return injectionVerdict(scoreMessage(clean, decodeTagSmuggling(text), { invisibleRemoved: removed.zeroWidth + removed.bidi + removed.tags }), THRESHOLDS);
}

export function scoreCase(c: Case): Scored {
  const message = messageVerdict(c.text);
  const started = performance.now();
  const scan = scanDocument({ text: c.text, config: CONFIG });
  const ms = performance.now() - started;
  return { ...c, message, document: scan.injection?.verdict ?? "allow", signals: scan.injection?.signals ?? [], reported: reportedLevel(scan.injection), ms };
}
