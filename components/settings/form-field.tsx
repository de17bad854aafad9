"use client";

import type { ReactNode } from "react";
import { cx } from "@/components/ui/cx";
import field from "@/components/ui/field.module.css";
import styles from "./create-key-form.module.css";

type FormFieldProps = {
  id: string;
  label: string;
  /** What the field takes, and its limit; read out with the field. */
  hint?: ReactNode;
  error: string | undefined;
  /** The control, given the ids that describe it and whether it is invalid. */
  children: (described: { "aria-describedby": string | undefined; "aria-invalid": boolean }) => ReactNode;
};

/** One labelled control with its hint and, right under it, what is wrong with it. */
export function FormField({ id, label, hint, error, children }: FormFieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cx(field.field, styles.field)}>
      <label htmlFor={id} className={field.label}>
        {label}
      </label>
      {children({ "aria-describedby": describedBy, "aria-invalid": Boolean(error) })}
      {hint ? (
        <p id={hintId} className={styles.hint}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className={styles.error} data-testid={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

type NumberFieldProps = { id: string; label: string; hint: string; value: string; onChange: (value: string) => void; error: string | undefined };

/** An optional whole number, typed as text: the browser's number input would drop "12,000" unseen. */
export function NumberField({ id, label, hint, value, onChange, error }: NumberFieldProps) {
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      {(described) => (
        <input
          id={id}
          className={field.input}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          inputMode="numeric"
          autoComplete="off"
          {...described}
          data-testid={id}
        />
      )}
    </FormField>
  );
}
