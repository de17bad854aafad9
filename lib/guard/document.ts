import { scoreDocumentInjection } from "./injection/document-mode";
import type { InputGuardConfig } from "./input";
import { decodeTagSmuggling, normalizeInput } from "./normalize";
import type { PlaceholderMap } from "./pii";
import { findEntities } from "./pii/find";
import type { GuardFinding } from "./types";

/**
 * A document a person attached to a message, checked when it is uploaded: untrusted data that the
 * model will read, where indirect prompt injection lives. The text is normalised (invisible, bidi and
 * tag characters out, counted), scored by the injection detector in document mode
 * (injection/document-mode.ts: the whole text and each window of it, with the document signals of
 * injection/patterns-document.ts: text addressed to an AI, orders to call tools, exfiltration,
 * changed behaviour), and its personal data counted. Pure: the caller stores the scan, shows the
 * findings on the attachment chip and audits them (metadata only).
 *
 * A document is never refused or withheld for what it says: the person attached it and sees the
 * findings; its text reaches the model fenced and spotlighted as data (guardDocumentForPrompt).
 */
export type DocumentScan = {
  /** normalised: invisible, bidi and tag characters removed (normalizeInput) */
  text: string;
  /** characters removed by kind; `total` also counts the control characters normalisation drops */
  removed: { zeroWidth: number; bidi: number; tags: number; total: number };
  /** null when GUARD_INJECTION=off; in flag mode a block verdict reads "flag", as guardInput reports it */
  injection: { verdict: "allow" | "flag" | "block"; score: number; signals: string[] } | null;
  /** entities findEntities sees with config.piiEntities (0 when GUARD_PII=off) */
  piiCount: number;
  /** for the audit log: signals end with "document"; action "flagged", since nothing is withheld */
  findings: GuardFinding[];
};

/** The signal every document finding carries, as tool output's carry "tool_output". */
const DOCUMENT = "document";

export function scanDocument({ text, config }: { text: string; config: InputGuardConfig }): DocumentScan {
  const findings: GuardFinding[] = [];
  const normalized = normalizeInput(text);
  const { zeroWidth, bidi, tags, controls } = normalized.removed;
  const removed = { zeroWidth, bidi, tags, total: zeroWidth + bidi + tags + controls };
  const clean = normalized.text;
  if (removed.total > 0) {
    const signals = Object.entries(normalized.removed)
      .filter(([, n]) => n > 0)
      .map(([kind]) => kind);
    findings.push({ stage: "normalize", action: "redacted", signals: [...signals, DOCUMENT], count: removed.total });
  }

  let injection: DocumentScan["injection"] = null;
  if (config.injection !== "off") {
    const thresholds = { flag: config.injectionFlagAt, block: config.injectionBlockAt, blockAlone: config.injectionBlockAloneAt };
    const scored = scoreDocumentInjection({ text: clean, hidden: decodeTagSmuggling(text), invisibleRemoved: zeroWidth + bidi + tags, thresholds });
    const verdict = config.injection === "flag" && scored.verdict === "block" ? "flag" : scored.verdict;
    injection = { verdict, score: scored.score, signals: scored.signals };
    if (verdict !== "allow") findings.push({ stage: "injection", action: "flagged", signals: [...scored.signals, DOCUMENT], score: scored.score });
  }

  let piiCount = 0;
  if (config.pii !== "off") {
    const found = findEntities(clean, { types: config.piiEntities });
    piiCount = found.length;
    if (piiCount > 0) {
      const signals = [...new Set(found.map((e) => e.subtype ?? e.type.toLowerCase())), DOCUMENT];
      findings.push({ stage: "pii", action: "flagged", signals, count: piiCount });
    }
  }
  return { text: clean, removed, injection, piiCount, findings };
}

/**
 * What the person is told about a document's instructions (the attachment's chip): `likely` at the
 * block verdict; `suspicious` at the flag verdict when a named signal agrees (text addressed to an AI,
 * a tool or exfiltration instruction, hidden characters, a fake role…); nothing when the flag rests on
 * the model's word alone. That flag is still audited. Measured in docs/documents.md
 * (`npm run eval:documents`): on ordinary documents such flags are nearly all the flags, and common in
 * long ones, so showing them would teach people to ignore the warning.
 */
export function reportedLevel(injection: DocumentScan["injection"]): "likely" | "suspicious" | null {
  if (!injection || injection.verdict === "allow") return null;
  if (injection.verdict === "block") return "likely";
  return injection.signals.some((signal) => signal !== "classifier" && signal !== DOCUMENT) ? "suspicious" : null;
}

/**
 * A document's text as the model is to read it in this request: normalised, and in the `redact` and
 * `block` PII modes with its personal data replaced by the request's placeholders (a value the person
 * also wrote keeps its placeholder), as guardToolOutput does. Never withheld, whatever the detector
 * thinks of it: the person attached it and was shown the findings; the caller fences and spotlights it.
 */
export function guardDocumentForPrompt({ text, config, placeholders }: { text: string; config: InputGuardConfig; placeholders: PlaceholderMap }): {
  text: string;
  findings: GuardFinding[];
} {
  const clean = normalizeInput(text).text;
  if (config.pii !== "redact" && config.pii !== "block") return { text: clean, findings: [] };
  // `block` refuses a message with personal data; a document is not the person's message, so its
  // personal data goes to the model as placeholders instead.
  const { text: redacted, entities } = placeholders.redact(clean, { types: config.piiEntities });
  if (entities.length === 0) return { text: redacted, findings: [] };
  const signals = [...new Set(entities.map((e) => e.subtype ?? e.type.toLowerCase())), DOCUMENT];
  return { text: redacted, findings: [{ stage: "pii", action: "redacted", signals, count: entities.length }] };
}
