import "server-only";

/**
 * A provider key as the admin dashboard shows it: identity without the secret, how old it is, and
 * how it has been doing. Built by `providerKeyStatus()` in lib/provider-keys/pool.ts.
 */
export type KeyStatus = {
  provider: "openai" | "anthropic";
  /** Short SHA-256 of the key, the id used in logs and audit events. */
  fingerprint: string;
  /** For people: `sk-proj-…x4Qa`. */
  label: string;
  /** Where it comes from, e.g. `OPENAI_API_KEYS_FILE`. */
  source: string;
  /** 1 is preferred. */
  position: number;
  createdAt: string | undefined;
  ageDays: number | undefined;
  /** Older than KEY_MAX_AGE_DAYS: due for rotation. */
  tooOld: boolean;
  /** False while this instance has it out of rotation after a rejection. */
  inRotation: boolean;
  /** The last time any instance had it rejected, from the store. */
  lastFailure: { at: string; status: number } | undefined;
  failures: number;
};
