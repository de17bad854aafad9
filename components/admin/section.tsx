import type { ReactNode } from "react";

/** What a section was given: its data, or why it could not be loaded (the other sections still show). */
export type Loaded<T> = { ok: true; value: T } | { ok: false; message: string };

/** One titled panel of the dashboard, reachable from the header's links by its id. */
export function Section({ id, title, aside, children }: { id: string; title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section id={id} className="admin-section" aria-labelledby={`${id}-title`} data-testid={`admin-section-${id}`}>
      <div className="admin-section__head">
        <h2 id={`${id}-title`} className="admin-section__title">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

export function Notice({ tone, children, testId = "admin-notice" }: { tone: "success" | "error"; children: ReactNode; testId?: string }) {
  return (
    <p className={`admin-notice admin-notice--${tone}`} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      {children}
    </p>
  );
}

/** A section whose data could not be loaded says so, in place of its content. */
export function Problem({ message }: { message: string }) {
  return (
    <Notice tone="error" testId="admin-section-error">
      {message}
    </Notice>
  );
}
