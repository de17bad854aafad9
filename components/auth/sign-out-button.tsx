"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

export function SignOutButton() {
  const [pending, setPending] = useState(false);

  async function onClick() {
    setPending(true);
    try {
      await signOut({ callbackUrl: "/signin" });
    } catch {
      // The page stays usable; the person can try again.
      setPending(false);
    }
  }

  return (
    <button type="button" className="button button--quiet" onClick={() => void onClick()} disabled={pending} data-testid="sign-out">
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
