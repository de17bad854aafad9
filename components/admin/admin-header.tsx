import { PageHeader } from "@/components/page-header";

const SECTIONS = [
  { id: "spend", label: "Spend" },
  { id: "users", label: "Users" },
  { id: "events", label: "Events" },
  { id: "api-keys", label: "API keys" },
  { id: "keys", label: "Provider keys" },
] as const;

/** The dashboard's top bar, with a link to each of its sections. */
export function AdminHeader({ who }: { who: string }) {
  return (
    <PageHeader name="Bulwark admin" who={who}>
      <nav className="admin-header__nav" aria-label="Sections">
        {SECTIONS.map(({ id, label }) => (
          <a key={id} className="admin-header__link" href={`#${id}`}>
            {label}
          </a>
        ))}
      </nav>
    </PageHeader>
  );
}
