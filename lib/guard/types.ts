import type { EntityType } from "../config/entities";

/**
 * The shapes every guard stage shares. A stage is a pure function of its input and its policy; what
 * it decides is returned, never logged by the stage itself, so the pipeline writes one audit event
 * per decision with metadata only (stage, signals, score), never the text.
 */

/** What a deployment tells a stage to do (each stage accepts the subset that makes sense for it). */
export type GuardPolicy = "off" | "flag" | "redact" | "block";

/** A detected entity's kind: the placeholder's name is its upper-case form (`EMAIL` → `[EMAIL_1]`). */
export type { EntityType };

/** A span of the text, in UTF-16 code units, end exclusive. */
export type Span = { start: number; end: number; type: EntityType /** finer kind, e.g. "openai_key" for a SECRET */; subtype?: string };

/** A decision worth auditing. `signals` name what fired; no field ever holds user or model text. */
export type GuardFinding = {
  stage: "normalize" | "pii" | "injection" | "canary" | "output_secrets" | "output_links";
  action: "flagged" | "redacted" | "blocked";
  signals: string[];
  score?: number;
  count?: number;
};
