import type { DayTotals } from "@/lib/admin/queries";
import { formatCount, formatUsd } from "./format";
import { cx } from "@/components/ui/cx";
import table from "@/components/ui/data-table.module.css";
import ui from "@/components/ui/page.module.css";
import admin from "./admin.module.css";
import styles from "./spend-chart.module.css";

// The drawing's own units; CSS stretches it to the width of the page. It holds no text, so the
// stretch distorts nothing: the labels are HTML around it.
const WIDTH = 300;
const HEIGHT = 100;
const GAP = 2;

/**
 * Spend per day as a bar chart drawn on the server: plain SVG, no script, no inline style (the CSP
 * allows none). Each bar has a tooltip; screen readers get a summary and the same figures as a table.
 */
export function SpendChart({ days, capMicroUsd }: { days: DayTotals[]; capMicroUsd: number }) {
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return null;
  const highest = days.reduce((top, d) => (d.costMicroUsd > top.costMicroUsd ? d : top), first);
  const total = days.reduce((sum, d) => sum + d.costMicroUsd, 0);
  // Scaled to the busiest day; the cap's line shows only once a day came within reach of it.
  const top = Math.max(highest.costMicroUsd, 1);
  const showCap = capMicroUsd > 0 && capMicroUsd <= top;
  const scale = showCap ? Math.max(top, capMicroUsd) : top;
  const slot = WIDTH / days.length;
  const heightOf = (micro: number) => (micro / scale) * (HEIGHT - 4);
  const summary = `${days.length} days from ${first.day} to ${last.day}: ${formatUsd(total)} in all; the most was ${formatUsd(highest.costMicroUsd)} on ${highest.day}.`;

  return (
    <figure className={styles.chart} data-testid="spend-chart">
      <figcaption className={styles.caption}>
        <span>Last {days.length} days</span>
        <span className={ui.muted}>highest {formatUsd(highest.costMicroUsd)}</span>
      </figcaption>
      <svg className={styles.svg} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-labelledby="spend-chart-title spend-chart-desc">
        <title id="spend-chart-title">Spend per day</title>
        <desc id="spend-chart-desc">{summary}</desc>
        {days.map((d, i) => {
          const h = Math.max(heightOf(d.costMicroUsd), d.costMicroUsd > 0 ? 1 : 0);
          return (
            <rect key={d.day} className={cx(styles.bar, d === last && styles.today)} x={i * slot + GAP / 2} y={HEIGHT - h} width={slot - GAP} height={h}>
              <title>{`${d.day}: ${formatUsd(d.costMicroUsd)}, ${formatCount(d.requests)} requests, ${formatCount(d.tokens)} tokens`}</title>
            </rect>
          );
        })}
        <line className={styles.base} x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} vectorEffect="non-scaling-stroke" />
        {showCap ? (
          <line
            className={styles.cap}
            x1={0}
            x2={WIDTH}
            y1={HEIGHT - heightOf(capMicroUsd)}
            y2={HEIGHT - heightOf(capMicroUsd)}
            vectorEffect="non-scaling-stroke"
          />
        ) : null}
      </svg>
      <div className={styles.axis} aria-hidden="true">
        <span>{first.day}</span>
        {showCap ? <span className={styles.capKey}>daily cap</span> : null}
        <span>today</span>
      </div>
      <details className={admin.disclosure}>
        <summary>Show as a table</summary>
        <div className={table.wrap}>
          <table className={cx(table.table, table.plain)}>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" className={admin.num}>
                  Cost
                </th>
                <th scope="col" className={admin.num}>
                  Requests
                </th>
                <th scope="col" className={admin.num}>
                  Tokens
                </th>
              </tr>
            </thead>
            <tbody>
              {[...days].reverse().map((d) => (
                <tr key={d.day}>
                  <td>{d.day}</td>
                  <td className={admin.num}>{formatUsd(d.costMicroUsd)}</td>
                  <td className={admin.num}>{formatCount(d.requests)}</td>
                  <td className={admin.num}>{formatCount(d.tokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
