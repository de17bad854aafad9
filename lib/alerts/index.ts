import "server-only";
import { env } from "../env";
import { log } from "../log/logger";
import { storeOp } from "../store/call";
import { usageStore } from "../usage/store";
import { alertState } from "./state";
import { userKey, utcDay } from "../store/keys";
import { processSingleton } from "../singleton";
import { sendAlert } from "./deliver";
import { canaryLeakMessage, injectionBurstMessage, keyFailureMessage, SPEND_THRESHOLDS, spendMessage, usageSpikeMessage } from "./messages";

/**
 * Operational alerts (issue 5, part 6): spend at 50/80/100% of the daily cap, a user far above their
 * usual rate, provider key failures, canary leaks and repeated blocked injections from one user.
 * Each is claimed once on the store before it is sent (SET NX with a TTL), so a burst spread over any
 * number of instances sends one message per window. Every function here costs a request at most one
 * store round trip, sends in the background (lib/alerts/deliver.ts) and never rejects: an alert that
 * cannot be checked is logged, and the request it is about goes on.
 */
export { alertDeliveries } from "./deliver";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// A day's claims outlive the UTC day they are about, whatever the clock skew between instances.
const DAY_CLAIM_MS = 2 * DAY_MS;
const BASELINE_DAYS = 7;

/** Sends one alert per threshold of the daily spend cap that `spentMicroUsd` has newly reached. */
export function checkSpendThresholds({ day, spentMicroUsd, capMicroUsd }: { day: string; spentMicroUsd: number; capMicroUsd: number }): Promise<void> {
  return safely("spend_threshold", async () => {
    if (!(capMicroUsd > 0)) return;
    const reached = SPEND_THRESHOLDS.filter((pct) => spentMicroUsd * 100 >= capMicroUsd * pct && !spendSettled.has(`${day}:${pct}`));
    if (reached.length === 0) return;
    const state = await storeOp("alerts.open", alertState);
    const claims = await storeOp("alerts.claim", () => Promise.all(reached.map((pct) => state.claimOnce(`spend:${day}:${pct}`, DAY_CLAIM_MS))));
    forgetOtherDays(spendSettled, day);
    reached.forEach((pct, i) => {
      // Claimed here or elsewhere, this threshold is done for the day: no more store calls for it.
      spendSettled.add(`${day}:${pct}`);
      if (claims[i]) sendAlert({ kind: "spend_threshold", text: spendMessage({ pct, day, spentMicroUsd, capMicroUsd }) });
    });
  });
}

/** Alerts when a user's tokens today reach ALERT_USAGE_FACTOR × their mean of the previous 7 days (and ALERT_USAGE_MIN_TOKENS). */
export function checkUsageSpike({ userId, day, tokensToday }: { userId: string; day: string; tokensToday: number }): Promise<void> {
  return safely("usage_spike", async () => {
    const { usageFactor, usageMinTokens } = env().alerts;
    // Below the floor nothing can fire: most requests end here without touching the store.
    if (tokensToday < usageMinTokens) return;
    const user = userKey(userId);
    const baseline = await baselineOf(user, day);
    if (tokensToday < Math.max(usageFactor * baseline, usageMinTokens)) return;
    if (!(await claim(`usage:${day}:${user}`, DAY_CLAIM_MS))) return;
    sendAlert({ kind: "usage_spike", user, text: usageSpikeMessage({ user, day, tokensToday, baseline }) });
  });
}

/** A provider refused one of our keys. `label` is the masked key (`sk-proj-…x4Qa`), `fingerprint` its 12-hex SHA-256 prefix. */
export function alertKeyFailure({
  provider,
  fingerprint,
  label,
  status,
}: {
  provider: string;
  fingerprint: string;
  label: string;
  status?: number;
}): Promise<void> {
  return safely("key_failure", async () => {
    // Only shapes that cannot carry a secret get into a message, whatever a caller passes.
    const safeProvider = /^[a-z][a-z0-9_-]{0,31}$/.test(provider) ? provider : "provider";
    const safeFingerprint = /^[0-9a-f]{12}$/.test(fingerprint) ? fingerprint : undefined;
    const safeLabel = /^[A-Za-z0-9_-]{0,24}…[A-Za-z0-9_-]{0,4}$/.test(label) ? label : undefined;
    const safeStatus = status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
    if (!(await claim(`key:${safeProvider}:${safeFingerprint ?? "unknown"}`, dedupMs()))) return;
    sendAlert({ kind: "key_failure", text: keyFailureMessage({ provider: safeProvider, label: safeLabel, fingerprint: safeFingerprint, status: safeStatus }) });
  });
}

/** The output guard saw the canary: the system prompt was being disclosed to this user. */
export function alertCanaryLeak({ userId, route, requestId }: { userId: string; route: string; requestId: string }): Promise<void> {
  return safely("canary_leak", async () => {
    const user = userKey(userId);
    if (!(await claim(`canary:${user}`, dedupMs()))) return;
    sendAlert({ kind: "canary_leak", user, route, requestId, text: canaryLeakMessage({ user, route, requestId }) });
  });
}

/** Counts a blocked injection; the ALERT_INJECTION_BLOCKS-th within the window raises one alert. */
export function noteInjectionBlock({ userId, route, requestId }: { userId: string; route: string; requestId: string }): Promise<void> {
  return safely("injection_burst", async () => {
    const { injectionBlocks, injectionWindowMinutes } = env().alerts;
    const user = userKey(userId);
    const state = await storeOp("alerts.open", alertState);
    const blocks = await storeOp("alerts.count", () => state.countInWindow(`injections:${user}`, injectionWindowMinutes * MINUTE_MS));
    if (blocks < injectionBlocks) return;
    if (!(await storeOp("alerts.claim", () => state.claimOnce(`injection:${user}`, dedupMs())))) return;
    sendAlert({
      kind: "injection_burst",
      user,
      route,
      requestId,
      text: injectionBurstMessage({ user, blocks, windowMinutes: injectionWindowMinutes, route, requestId }),
    });
  });
}

const dedupMs = () => env().alerts.dedupMinutes * MINUTE_MS;

async function claim(name: string, ttlMs: number): Promise<boolean> {
  const state = await storeOp("alerts.open", alertState);
  return storeOp("alerts.claim", () => state.claimOnce(name, ttlMs));
}

async function safely(check: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    // A store failure is already logged by storeOp; anything else is a bug worth a line, never a failed request.
    log.error("alert.check_failed", { check, errorName: error instanceof Error ? error.name : typeof error });
  }
}

// Thresholds of the day already claimed by this or another instance, so later requests skip the store.
const spendSettled = processSingleton("alerts.spend_settled", () => new Set<string>());

// Each user's baseline, read once per UTC day per process rather than seven reads a request.
const baselines = processSingleton("alerts.baselines", () => new Map<string, Promise<number>>());

function baselineOf(user: string, day: string): Promise<number> {
  const key = `${day}:${user}`;
  let baseline = baselines.get(key);
  if (!baseline) {
    if (baselines.size >= 10_000) forgetOtherDays(baselines, day);
    if (baselines.size >= 10_000) baselines.clear();
    baseline = readBaseline(user, day);
    baselines.set(key, baseline);
    // A failed read is not cached: the next request tries again.
    baseline.catch(() => baselines.delete(key));
  }
  return baseline;
}

/** Mean daily tokens (in + out) over the 7 UTC days before `day`; days without usage count as 0. */
async function readBaseline(user: string, day: string): Promise<number> {
  const start = Date.parse(`${day}T00:00:00Z`);
  const days = Array.from({ length: BASELINE_DAYS }, (_, i) => utcDay(start - (i + 1) * DAY_MS));
  const records = await storeOp("alerts.usage_baseline", async () => {
    const store = await usageStore();
    return Promise.all(days.map((d) => store.readUser({ userKey: user, day: d })));
  });
  return records.reduce((sum, r) => sum + r.inputTokens + r.outputTokens, 0) / BASELINE_DAYS;
}

/** Drops entries keyed `<day>:…` of other days, so per-day memory does not grow forever. */
function forgetOtherDays(entries: Set<string> | Map<string, unknown>, day: string): void {
  for (const key of entries.keys()) if (!key.startsWith(`${day}:`)) entries.delete(key);
}
