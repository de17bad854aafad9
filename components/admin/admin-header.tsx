import { BrandMark } from "@/components/brand-mark";

const SECTIONS = [
  { id: "spend", label: "Spend" },
  { id: "users", label: "Users" },
  { id: "events", label: "Events" },
  { id: "api-keys", label: "API keys" },
  { id: "keys", label: "Provider keys" },
] as const;

/** The dashboard's top bar: where you are, who you are, links to each section and back to the chat. */
export function AdminHeader({ who }: { who: string }) {
  return (
    <header className="admin-header">
      <div className="admin-header__brand">
        <BrandMark />
        <span className="admin-header__name">Bulwark admin</span>
      </div>
      <nav className="admin-header__nav" aria-label="Sections">
        {SECTIONS.map(({ id, label }) => (
          <a key={id} className="admin-header__link" href={`#${id}`}>
            {label}
          </a>
        ))}
      </nav>
      <div className="admin-header__account">
        <span className="admin-header__who" title={who}>
          {who}
        </span>
        <a className="button button--secondary button--small" href="/">
          Back to chat
        </a>
      </div>
    </header>
  );
}
