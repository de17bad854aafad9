import type { UserRow } from "@/lib/admin/queries";
import { formatCount } from "./format";
import { buttonClass } from "@/components/ui/button";
import ui from "@/components/ui/page.module.css";
import hidden from "@/components/ui/visually-hidden.module.css";
import admin from "./admin.module.css";
import styles from "./user-actions.module.css";

/*
 * Plain HTML forms posting to the admin API, which answers 303 back to the dashboard with a notice:
 * they work without JavaScript, and the browser's Origin header passes the same-origin check.
 */

const actionUrl = (userKey: string, action: "block" | "budget") => `/api/admin/users/${encodeURIComponent(userKey)}/${action}`;

/** What the forms need to know besides the user: who is acting (no Block on their own row) and the default budget. */
export type ActionContext = { adminKey: string; defaultBudget: number };

/** Block or unblock, and the budget, for one user. The API refuses a self-block too; the page just does not offer it. */
export function UserActions({ user, name, context }: { user: UserRow; name: string; context: ActionContext }) {
  return (
    <div className={styles.actions}>
      {user.userKey === context.adminKey ? <span className={ui.muted}>You</span> : <BlockForm user={user} name={name} />}
      <BudgetForm user={user} name={name} defaultBudget={context.defaultBudget} />
    </div>
  );
}

function BlockForm({ user, name }: { user: UserRow; name: string }) {
  const action = user.blocked ? "unblock" : "block";
  return (
    <form method="post" action={actionUrl(user.userKey, "block")} className={admin.inlineForm}>
      <input type="hidden" name="action" value={action} />
      <button
        type="submit"
        className={buttonClass({ tone: user.blocked ? "secondary" : "danger", small: true })}
        aria-label={`${user.blocked ? "Unblock" : "Block"} ${name}`}
        data-testid={`${action}-user`}
      >
        {user.blocked ? "Unblock" : "Block"}
      </button>
    </form>
  );
}

/** The user's own daily budget; "Default" returns them to DAILY_TOKEN_BUDGET. */
function BudgetForm({ user, name, defaultBudget }: { user: UserRow; name: string; defaultBudget: number }) {
  const inputId = `budget-${user.userKey}`;
  return (
    <div className={styles.budget}>
      <form method="post" action={actionUrl(user.userKey, "budget")} className={admin.inlineForm}>
        <label className={hidden.visuallyHidden} htmlFor={inputId}>
          Daily token budget for {name}
        </label>
        <input
          id={inputId}
          className={admin.input}
          name="dailyTokens"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9][0-9, _]*"
          required
          defaultValue={user.dailyTokens ?? ""}
          placeholder={formatCount(defaultBudget)}
          data-testid="budget-input"
        />
        <button type="submit" className={buttonClass({ tone: "secondary", small: true })} data-testid="budget-set">
          Set
        </button>
      </form>
      {user.dailyTokens !== null ? (
        <form method="post" action={actionUrl(user.userKey, "budget")} className={admin.inlineForm}>
          <input type="hidden" name="dailyTokens" value="" />
          <button
            type="submit"
            className={buttonClass({ tone: "quiet", small: true })}
            aria-label={`Return ${name} to the default budget`}
            data-testid="budget-reset"
          >
            Default
          </button>
        </form>
      ) : null}
    </div>
  );
}
