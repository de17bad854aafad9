"use client";

import { CreateKeyForm } from "./create-key-form";
import { KeyList } from "./key-list";
import { KeySecret } from "./key-secret";
import type { KeysOverview, ModelChoice } from "./types";
import { useApiKeys } from "./use-api-keys";
import { buttonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import ui from "@/components/ui/page.module.css";
import styles from "./api-keys-manager.module.css";

type ApiKeysManagerProps = {
  /** The keys as the page was rendered with them; undefined when the store did not answer then. */
  initial: KeysOverview | undefined;
  models: readonly ModelChoice[];
};

/** Settings → API keys: the one-time key, the create form and the list, and a live region for results. */
export function ApiKeysManager({ initial, models }: ApiKeysManagerProps) {
  const { overview, loadError, load, revealed, dismissKey, status, create, roll, revoke } = useApiKeys(initial);

  return (
    <>
      <p role="status" className={cx(ui.notice, ui.success, styles.status)} data-testid="api-keys-status">
        {status}
      </p>
      {!overview ? (
        <LoadState error={loadError} onRetry={() => void load()} />
      ) : !overview.enabled ? (
        <p className={styles.notice} data-testid="api-keys-disabled">
          API keys are not enabled on this server. An administrator can enable them by setting <code>RELAY_KEY_SECRET</code>.
        </p>
      ) : (
        <>
          {revealed ? <KeySecret revealed={revealed} onDone={dismissKey} /> : null}
          <CreateKeyForm
            limits={overview.limits}
            models={choicesFor(overview.limits.models, models)}
            full={overview.keys.length >= overview.limits.maxKeys}
            onCreate={create}
          />
          <KeyList
            keys={overview.keys}
            maxKeys={overview.limits.maxKeys}
            maxGraceHours={overview.limits.maxGraceHours}
            models={models}
            onRoll={roll}
            onRevoke={revoke}
          />
        </>
      )}
    </>
  );
}

/** The server's list decides which models a key may name; the page's labels only name them. */
function choicesFor(ids: string[], labels: readonly ModelChoice[]): ModelChoice[] {
  return ids.map((id) => ({ id, label: labels.find((m) => m.id === id)?.label ?? id }));
}

function LoadState({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  if (!error) return <p className={ui.muted}>Loading your keys…</p>;
  return (
    <div className={cx(styles.notice, styles.noticeError)} role="alert" data-testid="api-keys-load-error">
      <p>{error}</p>
      <button type="button" className={buttonClass({ tone: "secondary", small: true })} onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
