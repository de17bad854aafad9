import type { AdminApiKey, ApiKeysReport } from "@/lib/admin/queries";
import { NOTICES, type NoticeKey } from "@/lib/admin/notices";
import { formatCount, formatTime, formatUsd, shortKey } from "./format";
import { type Loaded, Notice, Problem, Section } from "./section";

/** The keys, and the addresses of owners the rows may not name (the owner of a key just revoked). */
export type ApiKeysData = ApiKeysReport & { names: Map<string, string> };

type ApiKeysSectionProps = {
  data: Loaded<ApiKeysData>;
  /** What the last revoke said (`?notice=&target=`, the target being the key's owner). */
  notice: { key: NoticeKey; target: string | undefined } | undefined;
};

/**
 * Every user's personal API keys, most recently used first, each with a Revoke button: a plain
 * form posting to the admin API, which answers 303 back here with a notice, so it works without
 * JavaScript. Only the key's public prefix is ever shown; the key itself is not kept anywhere.
 */
export function ApiKeysSection({ data, notice }: ApiKeysSectionProps) {
  const nameOf = (key: string) => (data.ok ? (data.value.keys.find((k) => k.owner === key)?.ownerEmail ?? data.value.names.get(key)) : undefined) ?? shortKey(key);
  return (
    <Section id="api-keys" title="API keys" aside={data.ok && data.value.keys.length > 0 ? <span className="admin-muted">{plural(data.value.keys.length, "key")}, most recently used first</span> : undefined}>
      {notice ? (
        <Notice tone={NOTICES[notice.key].tone}>
          {notice.target ? <strong>{nameOf(notice.target)}: </strong> : null}
          {NOTICES[notice.key].text}
        </Notice>
      ) : null}
      {!data.ok ? <Problem message={data.message} /> : <ApiKeysBody {...data.value} />}
    </Section>
  );
}

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;

function ApiKeysBody({ enabled, keys }: ApiKeysData) {
  if (keys.length === 0) {
    return (
      <p className="admin-empty">
        {enabled ? "Nobody has created an API key yet." : <>API keys are not enabled on this server: set <code>RELAY_KEY_SECRET</code> to let people create them in Settings.</>}
      </p>
    );
  }
  return (
    <>
      {enabled ? null : (
        <p className="admin-muted">
          API keys are not enabled on this server (<code>RELAY_KEY_SECRET</code> is not set), so none of these keys work until it is.
        </p>
      )}
      <div className="admin-table-wrap">
        <table className="admin-table" data-testid="api-keys-table">
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
      <th scope="row" className="admin-user" data-label="Owner">
        <span className="admin-user__name" title={key.owner} data-testid="api-key-owner">
          {owner}
        </span>
        <a className="admin-user__events" href={`/admin?user=${encodeURIComponent(key.owner)}#events`}>
          Events
        </a>
      </th>
      <td data-label="Key">
        {/* One item: on a phone the cell is a flex row, which would pull the name and the prefix apart. */}
        <span>
          <span data-testid="api-key-name">{key.name}</span> <code data-testid="api-key-prefix">{key.prefix}…</code>
        </span>
      </td>
      <td data-label="Models" data-testid="api-key-models">
        {key.models === null ? (
          <span className="admin-muted">all</span>
        ) : (
          <ul className="admin-list admin-api-key__list">
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
        {key.lastUsedAt ? <time dateTime={key.lastUsedAt}>{formatTime(key.lastUsedAt)}</time> : <span className="admin-muted">never</span>}
      </td>
      <td data-label="Usage" data-testid="api-key-usage">
        <ul className="admin-list admin-api-key__list">
          <li data-testid="api-key-requests">{plural(key.usage.requests, "request")}</li>
          <li>
            {formatCount(key.usage.inputTokens)} in · {formatCount(key.usage.outputTokens)} out
          </li>
          <li data-testid="api-key-cost">{formatUsd(Math.round(key.usage.costUsd * 1e6))}</li>
          <li className="admin-muted">{formatCount(key.usage.tokensToday)} tokens today</li>
        </ul>
      </td>
      <td data-label="Actions">
        <form method="post" action={`/api/admin/api-keys/${encodeURIComponent(key.id)}/revoke`} className="admin-inline-form">
          <button type="submit" className="button button--danger button--small" aria-label={`Revoke ${key.name} (${key.prefix}…) of ${owner}`} data-testid="revoke-api-key">
            Revoke
          </button>
        </form>
      </td>
    </tr>
  );
}

/** Active (until its expiry, if it has one), expiring (replaced in a roll, valid until its grace period ends), or expired. */
function ApiKeyStatus({ apiKey: { status, expiresAt } }: { apiKey: AdminApiKey }) {
  const until = expiresAt ? <time dateTime={expiresAt}>{formatTime(expiresAt)}</time> : null;
  switch (status) {
    case "active":
      return (
        <span className="admin-badges">
          <span className="admin-badge">Active</span>
          {until ? <span className="admin-muted">until {until}</span> : null}
        </span>
      );
    case "expiring":
      return (
        <span className="admin-badges">
          <span className="admin-badge admin-badge--accent">Expiring</span>
          {until ? <span className="admin-muted">until {until}</span> : null}
        </span>
      );
    case "expired":
      return (
        <span className="admin-badges">
          <span className="admin-badge admin-badge--danger">Expired</span>
          {until ? <span className="admin-muted">{until}</span> : null}
        </span>
      );
  }
}
