import { PageHeader } from "@/components/page-header";
import { cx } from "@/components/ui/cx";
import styles from "./admin-header.module.css";

const SECTIONS = [
  { id: "spend", label: "Spend" },
  { id: "users", label: "Users" },
  { id: "events", label: "Events" },
  { id: "api-keys", label: "API keys" },
  { id: "keys", label: "Provider keys" },
] as const;

/** The dashboard's top bar, with a link to each of its sections. */
export function AdminHeader({ who }: { who: string }) {
  // The plain class name `admin-header__nav` styles nothing: tests/integration/admin-api-keys.test.ts finds the links by it.
  return (
    <PageHeader name="Bulwark admin" who={who}>
      <nav className={cx(styles.nav, "admin-header__nav")} aria-label="Sections">
        {SECTIONS.map(({ id, label }) => (
          <a key={id} className={styles.link} href={`#${id}`}>
            {label}
          </a>
        ))}
      </nav>
    </PageHeader>
  );
}
