/**
 * The words of each alert: plain sentences an on-call person can act on, metadata only. A user
 * appears as the store's hash (`userKey`), which the dashboard can look up; a provider key only as
 * its masked label and fingerprint. Never a prompt, a reply, an email address or a secret.
 */
export const SPEND_THRESHOLDS = [50, 80, 100] as const;
export type SpendThreshold = (typeof SPEND_THRESHOLDS)[number];

/** Dollars from millionths, with cents, or tenths of a cent for caps under a dollar. */
export function formatUsd(microUsd: number, { cap }: { cap: number }): string {
  return `$${(microUsd / 1e6).toFixed(cap < 1e6 ? 4 : 2)}`;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** Prefixes `[Bulwark]` and the deployment's host, so a shared channel shows which deployment speaks. */
export function withHeader(text: string, appUrl: string | undefined): string {
  const host = appUrl && URL.canParse(appUrl) ? new URL(appUrl).host : undefined;
  return host ? `[Bulwark] ${host}: ${text}` : `[Bulwark] ${text}`;
}

export function spendMessage({
  pct,
  day,
  spentMicroUsd,
  capMicroUsd,
}: {
  pct: SpendThreshold;
  day: string;
  spentMicroUsd: number;
  capMicroUsd: number;
}): string {
  const spent = formatUsd(spentMicroUsd, { cap: capMicroUsd });
  const cap = formatUsd(capMicroUsd, { cap: capMicroUsd });
  const consequence = pct === 100 ? " No more replies will be written until 00:00 UTC." : "";
  return `Spend reached ${pct}% of the daily cap: ${spent} of ${cap} (UTC day ${day}).${consequence}`;
}

export function usageSpikeMessage({ user, day, tokensToday, baseline }: { user: string; day: string; tokensToday: number; baseline: number }): string {
  const usual =
    baseline > 0
      ? `${(tokensToday / baseline).toFixed(1)}× their average of ${count(baseline)} a day over the previous 7 days`
      : "with no usage in the previous 7 days";
  return `User ${user} has used ${count(tokensToday)} tokens today (UTC day ${day}), ${usual}.`;
}

export function keyFailureMessage({
  provider,
  label,
  fingerprint,
  status,
}: {
  provider: string;
  label: string | undefined;
  fingerprint: string | undefined;
  status: number | undefined;
}): string {
  const key = [label, fingerprint && `(fingerprint ${fingerprint})`].filter(Boolean).join(" ") || "(unidentified)";
  const outcome = status === undefined ? "failed" : `was refused with HTTP ${status}`;
  return `The ${provider} API key ${key} ${outcome}. Check it in the provider's console and rotate it if it was revoked or leaked.`;
}

export function canaryLeakMessage({ user, route, requestId }: { user: string; route: string; requestId: string }): string {
  return `Canary leak: a reply to user ${user} on ${route} (request ${requestId}) contained the system prompt's canary, so the prompt was being disclosed; the reply was cut.`;
}

export function injectionBurstMessage({
  user,
  blocks,
  windowMinutes,
  route,
  requestId,
}: {
  user: string;
  blocks: number;
  windowMinutes: number;
  route: string;
  requestId: string;
}): string {
  return `User ${user} had ${blocks} messages blocked as prompt injection within ${windowMinutes} minutes (latest on ${route}, request ${requestId}).`;
}
