import styles from "./user-cell.module.css";

type UserCellProps = {
  userKey: string;
  /** Their email, or a short form of their key when there is none. */
  name: string;
  /** The column's name, which labels the cell on a phone's card. */
  label: string;
  testId: string;
};

/** A row's first cell when the row is about someone: who, and a link to their events. */
export function UserCell({ userKey, name, label, testId }: UserCellProps) {
  return (
    <th scope="row" data-label={label}>
      <span className={styles.name} title={userKey} data-testid={testId}>
        {name}
      </span>
      <a className={styles.events} href={`/admin?user=${encodeURIComponent(userKey)}#events`}>
        Events
      </a>
    </th>
  );
}
