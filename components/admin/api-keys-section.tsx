import type { AdminApiKey, ApiKeysReport } from "@/lib/admin/queries";
import { formatCount, formatTime, formatUsd, shortKey } from "./format";
import { ActionNotice, type ActionNoticeData, type Loaded, Problem, Section } from "./section";
import { UserCell } from "./user-cell";
import { badgeClass, type BadgeTone } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import table from "@/components/ui/data-table.module.css";
import ui from "@/components/ui/page.module.css";
import admin from "./admin.module.css";

/** The keys, and the addresses of owners the rows may not name (the owner of a key just revoked). */
export type ApiKeysData = ApiKeysReport & { names: Map<string, string> };

type ApiKeysSectionProps = {
  data: Loaded<ApiKeysData>;
  /** What the last revoke said (`?notice=&target=`, the target being the key's owner). */
  notice: ActionNoticeData | undefined;
};

/**
 * Every user's personal API keys, most recently used first, each with a Revoke button: a plain
 * form posting to the admin API, which answers 303 back here with a notice, so it works without
 * JavaScript. Only the key's public prefix is ever shown; the key itself is not kept anywhere.
 */
export function ApiKeysSection({ data, notice }: ApiKeysSectionProps) {
  const nameOf = (key: string) =>
    (data.ok ? (data.value.keys.find((k) => k.owner === key)?.ownerEmail ?? data.value.names.get(key)) : undefined) ?? shortKey(key);
  return (
    <Section
      id="api-keys"
      title="API keys"
      aside={
        data.ok && data.value.keys.length > 0 ? <span className={ui.muted}>{plural(data.value.keys.length, "key")}, most recently used first</span> : undefined
      }
    >
      {notice ? <ActionNotice notice={notice} nameOf={nameOf} /> : null}
      {!data.ok ? <Problem message={data.message} /> : <ApiKeysBody {...data.value} />}
    </Section>
  );
}

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;

function ApiKeysBody({ enabled, keys }: ApiKeysData) {
  if (keys.length === 0) {
    return (
      <p className={ui.emptyNote}>
        {enabled ? (
          "Nobody has created an API key yet."
        ) : (
          <>
            API keys are not enabled on this server: set <code>RELAY_KEY_SECRET</code> to let people create them in Settings.
          </>
        )}
      </p>
    );
  }
  return (
    <>
      {enabled ? null : (
        <p className={ui.muted}>
          API keys are not enabled on this server (<code>RELAY_KEY_SECRET</code> is not set), so none of these keys work until it is.
        </p>
      )}
      <div className={table.wrap}>
        <table className={table.table} data-testid="api-keys-table">
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Key</th>
              <th scope="col">Models</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Usage</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <ApiKeyRow key={key.id} apiKey={key} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ApiKeyRow({ apiKey: key }: { apiKey: AdminApiKey }) {
  const owner = key.ownerEmail ?? shortKey(key.owner);
  return (
    <tr data-testid="api-key-row" data-api-key-id={key.id} data-owner={key.owner}>
      <UserCell userKey={key.owner} name={owner} label="Owner" testId="api-key-owner" />
      <td data-label="Key">
        {/* One item: on a phone the cell is a flex row, which would pull the name and the prefix apart. */}
        <span>
          <span data-testid="api-key-name">{key.name}</span> <code data-testid="api-key-prefix">{key.prefix}…</code>
        </span>
      </td>
      <td data-label="Models" data-testid="api-key-models">
        {key.models === null ? (
          <span className={ui.muted}>all</span>
        ) : (
          <ul className={cx(admin.list, admin.apiKeyList)}>
            {key.models.map((model) => (
              <li key={model}>
                <code>{model}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Status" data-testid="api-key-status" data-status={key.status}>
        <ApiKeyStatus apiKey={key} />
      </td>
      <td data-label="Created">
        <time dateTime={key.createdAt}>{formatTime(key.createdAt)}</time>
      </td>
      <td data-label="Last used" data-testid="api-key-last-used">
        {key.lastUsedAt ? <time dateTime={key.lastUsedAt}>{formatTime(key.lastUsedAt)}</time> : <span className={ui.muted}>never</span>}
      </td>
      <td data-label="Usage" data-testid="api-key-usage">
        <ul className={cx(admin.list, admin.apiKeyList)}>
          <li data-testid="api-key-requests">{plural(key.usage.requests, "request")}</li>
          <li>
            {formatCount(key.usage.inputTokens)} in · {formatCount(key.usage.outputTokens)} out
          </li>
          <li data-testid="api-key-cost">{formatUsd(Math.round(key.usage.costUsd * 1e6))}</li>
          <li className={ui.muted}>{formatCount(key.usage.tokensToday)} tokens today</li>
        </ul>
      </td>
      <td data-label="Actions">
        <form method="post" action={`/api/admin/api-keys/${encodeURIComponent(key.id)}/revoke`} className={admin.inlineForm}>
          <button
            type="submit"
            className={buttonClass({ tone: "danger", small: true })}
            aria-label={`Revoke ${key.name} (${key.prefix}…) of ${owner}`}
            data-testid="revoke-api-key"
          >
            Revoke
          </button>
        </form>
      </td>
    </tr>
  );
}

/** Active (until its expiry, if it has one), expiring (replaced in a roll, valid until its grace period ends), or expired (when). */
const STATUS_BADGES = {
  active: { label: "Active", tone: "plain", until: "until " },
  expiring: { label: "Expiring", tone: "accent", until: "until " },
  expired: { label: "Expired", tone: "danger", until: "" },
} as const satisfies Record<AdminApiKey["status"], { label: string; tone: BadgeTone; until: string }>;

function ApiKeyStatus({ apiKey: { status, expiresAt } }: { apiKey: AdminApiKey }) {
  const badge = STATUS_BADGES[status];
  return (
    <span className={admin.badges}>
      <span className={badgeClass(badge.tone)}>{badge.label}</span>
      {expiresAt ? (
        <span className={ui.muted}>
          {badge.until}
          <time dateTime={expiresAt}>{formatTime(expiresAt)}</time>
        </span>
      ) : null}
    </span>
  );
}
