import type { ReactNode } from "react";
import { NOTICES, type NoticeKey } from "@/lib/admin/notices";
import { cx } from "@/components/ui/cx";
import ui from "@/components/ui/page.module.css";

/** What a section was given: its data, or why it could not be loaded (the other sections still show). */
export type Loaded<T> = { ok: true; value: T } | { ok: false; message: string };

/** One titled panel of the dashboard, reachable from the header's links by its id. */
export function Section({ id, title, aside, children }: { id: string; title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section id={id} className={ui.panel} aria-labelledby={`${id}-title`} data-testid={`admin-section-${id}`}>
      <div className={ui.head}>
        <h2 id={`${id}-title`} className={ui.title}>
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
    <p className={cx(ui.notice, tone === "success" ? ui.success : ui.error)} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      {children}
    </p>
  );
}

/** What the last form post said (`?notice=&target=`): a key into the fixed table, and whom it was about. */
export type ActionNoticeData = { key: NoticeKey; target: string | undefined };

/** The notice after an action, in the section of that action, naming the user it was about. */
export function ActionNotice({ notice, nameOf }: { notice: ActionNoticeData; nameOf: (userKey: string) => string }) {
  const { tone, text } = NOTICES[notice.key];
  return (
    <Notice tone={tone}>
      {notice.target ? <strong>{nameOf(notice.target)}: </strong> : null}
      {text}
    </Notice>
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
