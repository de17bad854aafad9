import { BrandMark } from "@/components/brand-mark";

/** The settings pages' top bar: where you are, who you are, and the way back to the chat. */
export function SettingsHeader({ who }: { who: string }) {
  return (
    <header className="settings-header">
      <div className="settings-header__brand">
        <BrandMark />
        <span className="settings-header__name">Bulwark settings</span>
      </div>
      <div className="settings-header__account">
        <span className="settings-header__who" title={who}>
          {who}
        </span>
        <a className="button button--secondary button--small" href="/" data-testid="back-to-chat">
          Back to chat
        </a>
      </div>
    </header>
  );
}
