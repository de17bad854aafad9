"use client";

import { useState } from "react";
import { buttonClass } from "@/components/ui/button";

/**
 * Signs out through next-auth's own endpoints, as its `signOut()` does (a CSRF token, then a POST
 * to /api/auth/signout), without importing next-auth/react: that client and the Babel runtime it
 * brings are about 9 kB gzip on every chat page load, for this one button (docs/benchmarks.md).
 */
async function signOut(): Promise<void> {
  const csrf = (await (await fetch("/api/auth/csrf", { cache: "no-store", credentials: "same-origin" })).json()) as { csrfToken?: string };
  if (!csrf.csrfToken) throw new Error("no CSRF token");
  const res = await fetch("/api/auth/signout", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl: "/signin", json: "true" }),
  });
  if (!res.ok) throw new Error(`sign-out answered ${res.status}`);
  window.location.assign("/signin");
}

export function SignOutButton() {
  const [pending, setPending] = useState(false);

  async function onClick() {
    setPending(true);
    try {
      await signOut();
    } catch {
      // The page stays usable; the person can try again.
      setPending(false);
    }
  }

  return (
    <button type="button" className={buttonClass({ tone: "quiet" })} onClick={() => void onClick()} disabled={pending} data-testid="sign-out">
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
