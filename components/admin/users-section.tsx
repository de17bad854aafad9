import type { UserRow } from "@/lib/admin/queries";
import type { RefusalReason } from "@/lib/usage/store";
import { formatCount, formatUsd, REFUSAL_LABELS, shortKey } from "./format";
import { ActionNotice, type ActionNoticeData, type Loaded, Problem, Section } from "./section";
import { type ActionContext, UserActions } from "./user-actions";
import { UserCell } from "./user-cell";
import { badgeClass } from "@/components/ui/badge";
import table from "@/components/ui/data-table.module.css";
import ui from "@/components/ui/page.module.css";
import admin from "./admin.module.css";

type UsersSectionProps = {
  data: Loaded<UserRow[]>;
  day: string;
  actions: ActionContext;
  /** What the last action said (`?notice=&target=`), shown above the table. */
  notice: ActionNoticeData | undefined;
};

/** Today's usage per user, highest cost first, with each user's status and the admin's actions. */
export function UsersSection({ data, day, actions, notice }: UsersSectionProps) {
  const rows = data.ok ? data.value : [];
  const nameOf = (key: string) => rows.find((r) => r.userKey === key)?.email ?? shortKey(key);
  return (
    <Section id="users" title="Users" aside={<span className={ui.muted}>{day} (UTC), highest cost first</span>}>
      {notice ? <ActionNotice notice={notice} nameOf={nameOf} /> : null}
      {!data.ok ? (
        <Problem message={data.message} />
      ) : rows.length === 0 ? (
        <p className={ui.emptyNote}>Nobody has used the app today yet.</p>
      ) : (
        <div className={table.wrap}>
          <table className={table.table} data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col" className={admin.num}>
                  Requests
                </th>
                <th scope="col" className={admin.num}>
                  Tokens in
                </th>
                <th scope="col" className={admin.num}>
                  Tokens out
                </th>
                <th scope="col" className={admin.num}>
                  Cost
                </th>
                <th scope="col">Refusals</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <UserTableRow key={row.userKey} row={row} actions={actions} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function UserTableRow({ row, actions }: { row: UserRow; actions: ActionContext }) {
  const name = row.email ?? shortKey(row.userKey);
  const refusals = Object.entries(row.usage.refusals) as [RefusalReason, number][];
  return (
    <tr data-testid="user-row" data-user-key={row.userKey}>
      <UserCell userKey={row.userKey} name={name} label="User" testId="user-name" />
      <td className={admin.num} data-label="Requests" data-testid="user-requests">
        {formatCount(row.usage.requests)}
      </td>
      <td className={admin.num} data-label="Tokens in" data-testid="user-input-tokens">
        {formatCount(row.usage.inputTokens)}
      </td>
      <td className={admin.num} data-label="Tokens out" data-testid="user-output-tokens">
        {formatCount(row.usage.outputTokens)}
      </td>
      <td className={admin.num} data-label="Cost" data-testid="user-cost" data-micro-usd={row.usage.costMicroUsd}>
        {formatUsd(row.usage.costMicroUsd)}
      </td>
      <td data-label="Refusals" data-testid="user-refusals">
        {refusals.length === 0 ? (
          <span className={ui.muted}>none</span>
        ) : (
          <ul className={admin.list}>
            {refusals.map(([reason, n]) => (
              <li key={reason} data-reason={reason} data-count={n}>
                {REFUSAL_LABELS[reason] ?? reason} × {formatCount(n)}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Status" data-testid="user-status">
        <UserStatus user={row} />
      </td>
      <td data-label="Actions">
        <UserActions user={row} name={name} context={actions} />
      </td>
    </tr>
  );
}

export function UserStatus({ user }: { user: UserRow }) {
  return (
    <span className={admin.badges}>
      {user.blocked ? <span className={badgeClass("danger")}>Blocked</span> : <span className={badgeClass()}>Active</span>}
      {user.dailyTokens !== null ? <span className={badgeClass("accent")}>Own budget {formatCount(user.dailyTokens)}</span> : null}
    </span>
  );
}
