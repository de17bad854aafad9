import type { GuardFinding } from "../types";
import { CanaryWatch } from "./canary";
import { auditLinks } from "./links";
import { SecretRedactor, type SecretFinder, type SecretHoldStart } from "./secrets";

/** The PII stage's streaming restorer: placeholders back to the person's own values. */
export type StreamRestorer = { push(chunk: string): string; end(): string };

/** What one step of the guarded stream gives the caller. */
export type OutputStep = {
  /** Text to send to the browser now (may be empty while something is held back). */
  text: string;
  /** The canary was seen: send an error event and end the stream; nothing more will come. */
  leaked: boolean;
  /** Decisions made during this step (at most one per stage). */
  findings: GuardFinding[];
};

export type OutputGuard = {
  push(chunk: string): OutputStep;
  /** Flushes what was held back and audits the links of the whole reply. */
  end(): OutputStep;
  /** Every decision so far, merged to one finding per stage: for the audit event, however the reply ended. */
  summary(): GuardFinding[];
};

/**
 * The output guards of one reply, in the order of the design: the canary watch on the model's raw
 * output (a leak cuts the stream), then secret redaction, then the optional placeholder restore, so
 * that what reaches the browser is the person's own text with secrets removed. Nothing is emitted
 * after a leak. Each stage holds back only a bounded tail, so the whole is linear in the output.
 */
export function createOutputGuard({
  canary,
  findSecrets,
  secretHoldStart,
  restore,
}: {
  canary: string | undefined;
  findSecrets: SecretFinder;
  /** Lets a word that cannot be a secret's beginning through at once (default: every last word is held). */
  secretHoldStart?: SecretHoldStart;
  restore?: StreamRestorer;
}): OutputGuard {
  // No canary (GUARD_CANARY=off): nothing to watch for.
  const watch: Pick<CanaryWatch, "push" | "end"> = canary
    ? new CanaryWatch(canary)
    : { push: (text) => ({ text, leaked: false }), end: () => ({ text: "", leaked: false }) };
  const redactor = new SecretRedactor(findSecrets, secretHoldStart);
  const raw: string[] = [];
  const redacted: string[] = [];
  let leakFinding: GuardFinding | undefined;
  let linkFinding: GuardFinding | undefined;
  let ended = false;

  const silent = (findings: GuardFinding[] = []): OutputStep => ({ text: "", leaked: leakFinding !== undefined, findings });

  const leak = (): OutputStep => {
    leakFinding = { stage: "canary", action: "blocked", signals: ["canary_leak"] };
    return silent([leakFinding]);
  };

  const secretsFinding = (kinds: string[]): GuardFinding[] =>
    kinds.length === 0 ? [] : [{ stage: "output_secrets", action: "redacted", signals: [...new Set(kinds)].sort(), count: kinds.length }];

  return {
    push(chunk) {
      if (leakFinding !== undefined || ended) return silent();
      raw.push(chunk);
      const watched = watch.push(chunk);
      if (watched.leaked) return leak();
      const clean = redactor.push(watched.text);
      redacted.push(...clean.redacted);
      return { text: restore ? restore.push(clean.text) : clean.text, leaked: false, findings: secretsFinding(clean.redacted) };
    },

    end() {
      if (leakFinding !== undefined || ended) return silent();
      ended = true;
      const watched = watch.end();
      if (watched.leaked) return leak();
      const last = redactor.push(watched.text);
      const rest = redactor.end();
      const kinds = [...last.redacted, ...rest.redacted];
      redacted.push(...kinds);
      const clean = last.text + rest.text;
      const text = restore ? restore.push(clean) + restore.end() : clean;
      const findings = secretsFinding(kinds);
      const links = auditLinks(raw.join(""));
      if (links.signals.length > 0) {
        const count = links.images + links.blockedLinks; // images and refused links; 0 if only a followed link carries data
        linkFinding = { stage: "output_links", action: "flagged", signals: links.signals, ...(count > 0 ? { count } : {}) };
        findings.push(linkFinding);
      }
      return { text, leaked: false, findings };
    },

    summary() {
      return [...(leakFinding ? [leakFinding] : []), ...secretsFinding(redacted), ...(linkFinding ? [linkFinding] : [])];
    },
  };
}
