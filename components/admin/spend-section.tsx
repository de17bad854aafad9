import type { SpendOverview } from "@/lib/admin/queries";
import { formatCount, formatPercent, formatUsd } from "./format";
import { type Loaded, Problem, Section } from "./section";
import { SpendChart } from "./spend-chart";
import { cx } from "@/components/ui/cx";
import ui from "@/components/ui/page.module.css";
import styles from "./spend-section.module.css";

/** Today's spend against the daily cap, today's totals, and the last 30 days. */
export function SpendSection({ data }: { data: Loaded<SpendOverview> }) {
  return (
    <Section id="spend" title="Spend today">
      {data.ok ? <SpendBody overview={data.value} /> : <Problem message={data.message} />}
    </Section>
  );
}

function SpendBody({ overview: { spend, today, days } }: { overview: SpendOverview }) {
  const refusals = Object.values(today.refusals).reduce((sum, n) => sum + (n ?? 0), 0);
  return (
    <>
      <div>
        <p className={styles.figure}>
          <span data-testid="spend-today" data-micro-usd={spend.costMicroUsd}>
            {formatUsd(spend.costMicroUsd)}
          </span>{" "}
          <span className={styles.cap}>
            of {formatUsd(spend.capMicroUsd)} cap · <span data-testid="spend-percent">{formatPercent(spend.costMicroUsd, spend.capMicroUsd)}</span>
          </span>
        </p>
        {/* The colours come from low/high: past half the cap it warns, past 80% it alarms. */}
        <meter
          className={styles.meter}
          min={0}
          max={spend.capMicroUsd}
          low={spend.capMicroUsd * 0.5}
          high={spend.capMicroUsd * 0.8}
          optimum={0}
          value={Math.min(spend.costMicroUsd, spend.capMicroUsd)}
          aria-label="Spend today against the daily cap"
        />
        <p className={cx(ui.muted, styles.note)}>Settled spend for {spend.day} (UTC); the cap resets at 00:00 UTC.</p>
      </div>
      <dl className={styles.stats} data-testid="spend-totals">
        <Stat label="Requests" value={formatCount(today.requests)} testId="total-requests" />
        <Stat label="Tokens in" value={formatCount(today.inputTokens)} testId="total-input-tokens" />
        <Stat label="Tokens out" value={formatCount(today.outputTokens)} testId="total-output-tokens" />
        <Stat label="Refusals" value={formatCount(refusals)} testId="total-refusals" />
      </dl>
      <SpendChart days={days} capMicroUsd={spend.capMicroUsd} />
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className={styles.stat}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
