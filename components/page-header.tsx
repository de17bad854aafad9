import type { ReactNode } from "react";
import { BrandMark } from "@/components/brand-mark";
import { buttonClass } from "@/components/ui/button";
import styles from "./page-header.module.css";

type PageHeaderProps = {
  /** What the page is, beside the brand mark: "Bulwark admin". */
  name: string;
  /** Who is signed in, as the page names them. */
  who: string;
  /** What goes between the name and the account, e.g. the admin dashboard's section links. */
  children?: ReactNode;
};

/** The top bar of the pages outside the chat (admin, settings): where you are, who you are, and the way back to the chat. */
export function PageHeader({ name, who, children }: PageHeaderProps) {
  return (
    <header className={styles.header}>
      <div className={styles.brand}>
        <BrandMark />
        <span className={styles.name}>{name}</span>
      </div>
      {children}
      <div className={styles.account}>
        <span className={styles.who} title={who}>
          {who}
        </span>
        <a className={buttonClass({ tone: "secondary", small: true })} href="/" data-testid="back-to-chat">
          Back to chat
        </a>
      </div>
    </header>
  );
}
