import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { audit } from "../audit/audit";
import { env } from "../env";
import { log } from "../log/logger";
import { processSingleton } from "../singleton";
import { withHeader } from "./messages";

/**
 * Sends an alert that has already been deduplicated: a log line `alert.<kind>` at once, then, when
 * ALERT_WEBHOOK_URL is set, a Slack-compatible POST `{ "text": … }` (also understood by Mattermost,
 * Rocket.Chat and Discord's `/slack` endpoint) in the background, so no user request waits for a
 * webhook. Each alert ends as an audit event: `alert.sent`, or `alert.failed` with the HTTP status or
 * "network" as its reason. The webhook URL is a secret (a Slack one is a bearer credential): it is
 * never logged and no error that might contain it is kept.
 */
export type AlertKind = "spend_threshold" | "usage_spike" | "key_failure" | "canary_leak" | "injection_burst";

export type Alert = { kind: AlertKind; text: string; user?: string; route?: string; requestId?: string };

const ATTEMPT_TIMEOUT_MS = 5_000;
const RETRY_PAUSE_MS = 250;

// Deliveries still under way in this process, so tests (and a graceful shutdown) can wait for them.
const inFlight = processSingleton("alerts.deliveries", () => new Set<Promise<void>>());

export function sendAlert(alert: Alert): void {
  const { alerts, auth } = env();
  const text = withHeader(alert.text, auth.url);
  const { user, route, requestId } = alert;
  log.warn(`alert.${alert.kind}`, { user, route, requestId, message: text, delivery: alerts.webhookUrl ? "webhook" : "log" });
  const delivered = alerts.webhookUrl ? post(alerts.webhookUrl, text) : Promise.resolve({ ok: true, reason: "log_only" });
  const done = delivered
    .then((result) => audit({ kind: result.ok ? "alert.sent" : "alert.failed", user, route, requestId, reason: result.reason, signals: [alert.kind] }))
    .finally(() => inFlight.delete(done));
  inFlight.add(done);
}

/** Resolves once every alert sent so far has been delivered or has failed (and been audited). */
export async function alertDeliveries(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

type Attempt = { ok: boolean; reason: string; retry: boolean };

/** One retry, after a network failure or a 5xx; a 4xx means the webhook itself is wrong and stays failed. */
async function post(url: string, text: string): Promise<{ ok: boolean; reason: string }> {
  let result = await attempt(url, text);
  if (result.retry) {
    await sleep(RETRY_PAUSE_MS);
    result = await attempt(url, text);
  }
  return { ok: result.ok, reason: result.reason };
}

async function attempt(url: string, text: string): Promise<Attempt> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      // A webhook does not redirect; following one would send the alert somewhere not configured.
      redirect: "manual",
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return { ok: true, reason: "delivered", retry: false };
    return { ok: false, reason: String(res.status), retry: res.status >= 500 };
  } catch {
    // The error may name the URL (undici puts the host in its cause): only the fact is kept.
    return { ok: false, reason: "network", retry: true };
  }
}
