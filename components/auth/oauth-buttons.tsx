"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { buttonClass } from "@/components/ui/button";
import styles from "./oauth-buttons.module.css";

type Provider = { id: "github" | "google"; label: string };

type OAuthButtonsProps = { callbackUrl: string; github: boolean; google: boolean };

/** One button per configured provider; next-auth takes over the page from there. */
export function OAuthButtons({ callbackUrl, github, google }: OAuthButtonsProps) {
  const [pending, setPending] = useState<Provider["id"] | null>(null);
  const providers: Provider[] = [
    ...(github ? [{ id: "github", label: "Continue with GitHub" } as const] : []),
    ...(google ? [{ id: "google", label: "Continue with Google" } as const] : []),
  ];

  async function start(id: Provider["id"]) {
    setPending(id);
    try {
      await signIn(id, { callbackUrl });
    } catch {
      // signIn navigates away on success; if it throws, let the person try again.
      setPending(null);
    }
  }

  return (
    <div className={styles.providers}>
      {providers.map((provider) => (
        <button
          key={provider.id}
          type="button"
          className={buttonClass({ tone: "secondary", block: true })}
          data-testid={`signin-${provider.id}`}
          disabled={pending !== null}
          onClick={() => void start(provider.id)}
        >
          {pending === provider.id ? "Redirecting…" : provider.label}
        </button>
      ))}
    </div>
  );
}
