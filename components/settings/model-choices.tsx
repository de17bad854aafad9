"use client";

import type { ModelChoice } from "./types";
import field from "@/components/ui/field.module.css";
import styles from "./create-key-form.module.css";

type ModelChoicesProps = {
  /** The group's id; it takes focus when the server finds a problem with the models. */
  id: string;
  choices: readonly ModelChoice[];
  selected: string[];
  onChange: (selected: string[]) => void;
  error: string | undefined;
};

/** The models a key may use, as checkboxes; none checked is every model, including ones added later. */
export function ModelChoices({ id, choices, selected, onChange, error }: ModelChoicesProps) {
  // Kept in the server's order, whatever order they were checked in.
  const toggle = (model: string, on: boolean) => onChange(choices.map((c) => c.id).filter((c) => (c === model ? on : selected.includes(c))));
  return (
    <fieldset id={id} tabIndex={-1} className={styles.models} aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}>
      <legend className={field.label}>Models</legend>
      <p id={`${id}-hint`} className={styles.hint}>
        Leave all unchecked to allow every model this server offers, now and later.
      </p>
      <div className={styles.modelList}>
        {choices.map((choice) => (
          <label key={choice.id} className={styles.model}>
            <input
              type="checkbox"
              value={choice.id}
              checked={selected.includes(choice.id)}
              onChange={(event) => toggle(choice.id, event.target.checked)}
              data-testid="api-key-model"
            />
            <span>
              {choice.label} <code className={styles.modelId}>{choice.id}</code>
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className={styles.error} data-testid={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
