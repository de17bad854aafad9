import type { KeyReport } from "@/lib/admin/queries";
import type { KeyStatus } from "@/lib/provider-keys/status";
import { formatCount, formatTime } from "./format";
import { type Loaded, Problem, Section } from "./section";
import { badgeClass } from "@/components/ui/badge";
import { cx } from "@/components/ui/cx";
import table from "@/components/ui/data-table.module.css";
import ui from "@/components/ui/page.module.css";
import admin from "./admin.module.css";
import styles from "./keys-section.module.css";

/** The provider keys this instance holds: identity without the secret, age, rotation and failures. */
export function KeysSection({ data }: { data: Loaded<KeyReport> }) {
  return (
    <Section id="keys" title="Provider keys">
      {!data.ok ? (
        <Problem message={data.message} />
      ) : data.value.keys.length === 0 ? (
        <p className={ui.emptyNote}>No provider keys are configured: only the demo model can answer.</p>
      ) : (
        <>
          <div className={table.wrap}>
            <table className={table.table} data-testid="keys-table">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Fingerprint</th>
                  <th scope="col">Source</th>
                  <th scope="col" className={admin.num}>
                    Position
                  </th>
                  <th scope="col">Age</th>
                  <th scope="col">In rotation</th>
                  <th scope="col">Last failure</th>
                  <th scope="col" className={admin.num}>
                    Failures
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.value.keys.map((key) => (
                  <KeyRow key={key.fingerprint} status={key} maxAgeDays={data.value.maxAgeDays} />
                ))}
              </tbody>
            </table>
          </div>
          <p className={ui.muted}>
            In rotation is as this instance sees it; the last failure and the count are from every instance. A key shows its age when it is configured as{" "}
            <code>key@YYYY-MM-DD</code>.
          </p>
        </>
      )}
    </Section>
  );
}

function KeyRow({ status, maxAgeDays }: { status: KeyStatus; maxAgeDays: number }) {
  return (
    <tr data-testid="key-row" data-fingerprint={status.fingerprint}>
      <th scope="row" data-label="Key">
        <span className={styles.provider}>{status.provider}</span> <code>{status.label}</code>
      </th>
      <td data-label="Fingerprint">
        <code>{status.fingerprint}</code>
      </td>
      <td data-label="Source">
        <code>{status.source}</code>
      </td>
      <td className={admin.num} data-label="Position">
        {status.position}
      </td>
      <td data-label="Age">
        {status.ageDays === undefined ? <span className={ui.muted}>unknown</span> : `${formatCount(status.ageDays)} days`}
        {status.tooOld ? <span className={cx(badgeClass("warning"), styles.rotate)}>rotate: older than {formatCount(maxAgeDays)} days</span> : null}
      </td>
      <td data-label="In rotation">
        {status.inRotation ? <span className={badgeClass()}>Yes</span> : <span className={badgeClass("danger")}>No, cooling down</span>}
      </td>
      <td data-label="Last failure">
        {status.lastFailure ? (
          <>
            HTTP {status.lastFailure.status}, <time dateTime={status.lastFailure.at}>{formatTime(status.lastFailure.at)}</time>
          </>
        ) : (
          <span className={ui.muted}>none</span>
        )}
      </td>
      <td className={admin.num} data-label="Failures">
        {formatCount(status.failures)}
      </td>
    </tr>
  );
}
