"use client";

import { useState, type FormEvent } from "react";
import type { ApiFailure } from "@/components/chat/api-client";
import { RELAY_KEY_LIMITS } from "@/lib/api-keys/limits";
import { draftToRequest, EMPTY_DRAFT, fieldErrorsFrom, type DraftField, type FieldErrors, type KeyDraft } from "./key-draft";
import { EXPIRY_CHOICES, formatCount } from "./key-format";
import { FormField, NumberField } from "./form-field";
import { ModelChoices } from "./model-choices";
import type { KeyLimits, ModelChoice, NewKeyRequest } from "./types";
import { buttonClass } from "@/components/ui/button";
import alert from "@/components/ui/alert.module.css";
import field from "@/components/ui/field.module.css";
import ui from "@/components/ui/page.module.css";
import styles from "./create-key-form.module.css";

type CreateKeyFormProps = {
  limits: KeyLimits;
  models: readonly ModelChoice[];
  /** True when the user holds the most keys allowed. */
  full: boolean;
  onCreate: (body: NewKeyRequest) => Promise<ApiFailure | null>;
};

const INPUT_IDS: Record<DraftField, string> = {
  name: "api-key-name",
  models: "api-key-models",
  expiresInDays: "api-key-expiry",
  rateLimit: "api-key-rate-limit",
  dailyTokenBudget: "api-key-daily-tokens",
};

/** The new-key form. What was typed stays on any error; it clears only once the key exists. */
export function CreateKeyForm({ limits, models, full, onCreate }: CreateKeyFormProps) {
  const [draft, setDraft] = useState<KeyDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const set = (field: DraftField) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const expiries = EXPIRY_CHOICES.filter((c) => !c.value || Number(c.value) <= limits.maxLifetimeDays);

  function showProblems(found: FieldErrors, text: string) {
    setErrors(found);
    setMessage(text);
    // The first field with a problem takes focus, so its message is read out with it.
    const first = (Object.keys(INPUT_IDS) as DraftField[]).find((f) => found[f]);
    if (first) document.getElementById(INPUT_IDS[first])?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const request = draftToRequest(draft);
    if (!request.ok) return showProblems(request.errors, "Some fields need a look before the key can be made.");
    setPending(true);
    setErrors({});
    setMessage(null);
    const failure = await onCreate(request.body);
    setPending(false);
    if (failure) return showProblems(fieldErrorsFrom(failure.fields), failure.message);
    setDraft(EMPTY_DRAFT);
  }

  return (
    <section className={ui.panel} aria-labelledby="key-form-title">
      <h2 id="key-form-title" className={ui.title}>
        Create a key
      </h2>
      <form className={styles.form} onSubmit={(event) => void onSubmit(event)} noValidate data-testid="api-key-form">
        {message ? (
          <p className={alert.alert} role="alert" data-testid="api-key-form-error">
            {message}
          </p>
        ) : null}
        <FormField id={INPUT_IDS.name} label="Name" hint="Where you will use it, e.g. “laptop scripts”." error={errors.name}>
          {(described) => (
            <input
              id={INPUT_IDS.name}
              className={field.input}
              value={draft.name}
              onChange={(e) => set("name")(e.target.value)}
              maxLength={RELAY_KEY_LIMITS.maxNameChars}
              autoComplete="off"
              required
              {...described}
              data-testid="api-key-name"
            />
          )}
        </FormField>
        <ModelChoices
          id={INPUT_IDS.models}
          choices={models}
          selected={draft.models}
          onChange={(selected) => setDraft((d) => ({ ...d, models: selected }))}
          error={errors.models}
        />
        <div className={styles.row}>
          <FormField id={INPUT_IDS.expiresInDays} label="Expires after" error={errors.expiresInDays}>
            {(described) => (
              <select
                id={INPUT_IDS.expiresInDays}
                className={field.input}
                value={draft.expiresInDays}
                onChange={(e) => set("expiresInDays")(e.target.value)}
                {...described}
                data-testid="api-key-expiry"
              >
                {expiries.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <NumberField
            id={INPUT_IDS.rateLimit}
            label="Requests per minute (optional)"
            hint={`At most ${formatCount(limits.maxRateLimit)}, your own limit; empty uses it.`}
            value={draft.rateLimit}
            onChange={set("rateLimit")}
            error={errors.rateLimit}
          />
          <NumberField
            id={INPUT_IDS.dailyTokenBudget}
            label="Tokens per day (optional)"
            hint={`At most ${formatCount(limits.maxDailyTokens)}, your own daily budget; empty uses it.`}
            value={draft.dailyTokenBudget}
            onChange={set("dailyTokenBudget")}
            error={errors.dailyTokenBudget}
          />
        </div>
        {full ? <p className={styles.hint}>You have {limits.maxKeys} keys, the most allowed. Revoke one you no longer use to make another.</p> : null}
        <div className={styles.actions}>
          <button type="submit" className={buttonClass({ tone: "primary" })} disabled={pending || full} data-testid="api-key-create">
            {pending ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
    </section>
  );
}
