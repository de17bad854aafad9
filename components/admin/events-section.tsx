import { EVENT_FAMILIES, EXPORT_DEFAULT_DAYS, type UserRow } from "@/lib/admin/queries";
import { AUDIT_KINDS, type AuditEvent } from "@/lib/audit/types";
import { formatCount, formatTime, formatUsd, shortKey } from "./format";
import { type Loaded, Problem, Section } from "./section";
import { type ActionContext, UserActions } from "./user-actions";
import { UserStatus } from "./users-section";
import { buttonClass } from "@/components/ui/button";
import table from "@/components/ui/data-table.module.css";
import ui from "@/components/ui/page.module.css";
import admin from "./admin.module.css";
import styles from "./events-section.module.css";

/** The events, the addresses of the people in them, and the user filtered on (who may not be among today's users). */
export type EventsData = { events: AuditEvent[]; names: Map<string, string>; subject: UserRow | undefined };

/** The filter as the admin typed it, to show back in the form. */
export type EventFilter = { kind: string; user: string; since: string };

/** Recent security events, newest first, with filters (a plain GET form) and the JSON Lines export. */
type EventsSectionProps = { data: Loaded<EventsData>; filter: EventFilter; exportRange: { since: string; until: string }; actions: ActionContext };

export function EventsSection({ data, filter, exportRange, actions }: EventsSectionProps) {
  const filtered = Boolean(filter.kind || filter.user || filter.since);
  return (
    <Section
      id="events"
      title="Security events"
      aside={
        <a className={styles.exportLink} href="/api/admin/audit/export" download data-testid="export-link">
          Export JSON Lines
        </a>
      }
    >
      <form method="get" action="/admin#events" className={styles.filters} data-testid="events-filter">
        <label className={styles.field}>
          <span className={styles.fieldLabel}>Kind</span>
          <select className={admin.input} name="kind" defaultValue={filter.kind}>
            <option value="">All events</option>
            <optgroup label="Families">
              {EVENT_FAMILIES.map((family) => (
                <option key={family} value={family}>
                  {family}*
                </option>
              ))}
            </optgroup>
            <optgroup label="Kinds">
              {AUDIT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>User</span>
          <input className={admin.input} name="user" defaultValue={filter.user} placeholder="hash, id or local address" autoComplete="off" />
        </label>
        <label className={styles.field}>
          <span className={styles.fieldLabel}>Since (UTC)</span>
          <input className={admin.input} name="since" type="date" defaultValue={filter.since} />
        </label>
        <div className={styles.buttons}>
          <button type="submit" className={buttonClass({ tone: "primary", small: true })}>
            Filter
          </button>
          {filtered ? (
            <a className={buttonClass({ tone: "quiet", small: true })} href="/admin#events">
              Clear
            </a>
          ) : null}
        </div>
      </form>
      {data.ok && data.value.subject ? <Subject user={data.value.subject} actions={actions} /> : null}
      {data.ok ? <EventsTable {...data.value} /> : <Problem message={data.message} />}
      <details className={admin.disclosure}>
        <summary>Export a range of days</summary>
        <form method="get" action="/api/admin/audit/export" className={styles.filters}>
          <label className={styles.field}>
            <span className={styles.fieldLabel}>From (UTC)</span>
            <input className={admin.input} name="since" type="date" defaultValue={exportRange.since} required />
          </label>
          <label className={styles.field}>
            <span className={styles.fieldLabel}>To (UTC)</span>
            <input className={admin.input} name="until" type="date" defaultValue={exportRange.until} required />
          </label>
          <div className={styles.buttons}>
            <button type="submit" className={buttonClass({ tone: "secondary", small: true })}>
              Download JSON Lines
            </button>
          </div>
        </form>
        <p className={ui.muted}>
          Without a range, the export holds the last {EXPORT_DEFAULT_DAYS} days. Events hold metadata only: no prompt, reply, address or key.
        </p>
      </details>
    </Section>
  );
}

/** The user the events are filtered on, with today's figures and the same actions as in the users table. */
function Subject({ user, actions }: { user: UserRow; actions: ActionContext }) {
  const name = user.email ?? shortKey(user.userKey);
  return (
    <div className={styles.subject} data-testid="events-subject" data-user-key={user.userKey}>
      <p className={styles.subjectWho}>
        <strong title={user.userKey}>{name}</strong> <UserStatus user={user} />
      </p>
      <p className={ui.muted}>
        Today: {formatCount(user.usage.requests)} requests, {formatCount(user.usage.inputTokens + user.usage.outputTokens)} tokens,{" "}
        {formatUsd(user.usage.costMicroUsd)}
      </p>
      <UserActions user={user} name={name} context={actions} />
    </div>
  );
}

function EventsTable({ events, names }: EventsData) {
  if (events.length === 0) return <p className={ui.emptyNote}>No events match.</p>;
  const nameOf = (key: string) => names.get(key) ?? shortKey(key);
  return (
    <div className={table.wrap}>
      <table className={table.table} data-testid="events-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Kind</th>
            <th scope="col">User</th>
            <th scope="col">Route</th>
            <th scope="col">Reason</th>
            <th scope="col">Signals</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-testid="event-row" data-kind={event.kind}>
              <td data-label="Time">
                <time dateTime={event.time}>{formatTime(event.time)}</time>
              </td>
              <th scope="row" data-label="Kind">
                {event.kind}
              </th>
              <td data-label="User">
                {event.user ? (
                  <a href={`/admin?user=${encodeURIComponent(event.user)}#events`} title={event.user}>
                    {nameOf(event.user)}
                  </a>
                ) : (
                  <span className={ui.muted}>–</span>
                )}
                {event.actor ? (
                  <span className={styles.actor} title={event.actor}>
                    by {nameOf(event.actor)}
                  </span>
                ) : null}
              </td>
              <td data-label="Route">{event.route ?? "–"}</td>
              <td data-label="Reason">{event.reason ?? "–"}</td>
              <td data-label="Signals">{details(event) || "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Signals, then the score and count when the event has them: `pattern:override, score 0.93`. */
function details({ signals = [], score, count, tool, argsHash }: AuditEvent): string {
  return [
    ...(tool !== undefined ? [tool] : []),
    ...(argsHash !== undefined ? [`args ${argsHash.slice(0, 12)}`] : []),
    ...signals,
    ...(score !== undefined ? [`score ${score}`] : []),
    ...(count !== undefined ? [`count ${count}`] : []),
  ].join(", ");
}
