"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { signInErrorMessage } from "./sign-in-messages";
import { buttonClass } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import field from "@/components/ui/field.module.css";
import styles from "./sign-in-form.module.css";

type SignInFormProps = { callbackUrl: string; initialError?: string };

/** Email and password sign-in, without a page reload, so a wrong password keeps the email typed. */
export function SignInForm({ callbackUrl, initialError }: SignInFormProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(initialError ?? "");
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError("");
    const target = safeCallbackUrl(callbackUrl);
    try {
      // An explicit callbackUrl: next-auth otherwise uses this page's URL and reads its `error`
      // parameter (from an earlier failure) as the outcome of this attempt.
      const res = await signIn<"credentials">("credentials", { email, password, redirect: false, callbackUrl: target });
      if (res?.ok && !res.error) {
        // A full navigation, so the server renders the next page with the new session cookie.
        window.location.assign(target);
        return;
      }
      setError(signInErrorMessage(res?.error ?? ""));
    } catch {
      setError(signInErrorMessage(""));
    }
    setPassword("");
    setPending(false);
  }

  return (
    <form className={styles.form} onSubmit={(event) => void onSubmit(event)}>
      {error ? <SignInError message={error} /> : null}
      <div className={field.field}>
        <label htmlFor="signin-email" className={field.label}>
          Email
        </label>
        <input
          id="signin-email"
          className={field.input}
          data-testid="signin-email"
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </div>
      <div className={field.field}>
        <label htmlFor="signin-password" className={field.label}>
          Password
        </label>
        <input
          id="signin-password"
          className={field.input}
          data-testid="signin-password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <button type="submit" className={buttonClass({ tone: "primary", block: true })} data-testid="signin-submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

/** Why a sign-in did not work, in the form or, when there is no form, on the sign-in page. */
export function SignInError({ message, className }: { message: string; className?: string }) {
  return (
    <p className={cx(styles.alert, className)} role="alert" data-testid="signin-error">
      {message}
    </p>
  );
}
