"use client";

import type { ModelOption } from "./types";
import hidden from "@/components/ui/visually-hidden.module.css";
import styles from "./model-picker.module.css";

type ModelPickerProps = { models: ModelOption[]; value: string; onChange: (id: string) => void };

/** Chooses the model for the next message; the list is the server's allowlist, nothing else. */
export function ModelPicker({ models, value, onChange }: ModelPickerProps) {
  return (
    <div className={styles.picker}>
      <label htmlFor="model-picker" className={hidden.visuallyHidden}>
        Model
      </label>
      <select id="model-picker" className={styles.select} data-testid="model-picker" value={value} onChange={(event) => onChange(event.target.value)}>
        {models.map((model) => (
          <option key={model.id} value={model.id}>
            {model.label}
          </option>
        ))}
      </select>
    </div>
  );
}
