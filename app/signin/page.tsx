import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BrandMark } from "@/components/brand-mark";
import { OAuthButtons } from "@/components/auth/oauth-buttons";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { SignInError, SignInForm } from "@/components/auth/sign-in-form";
import { signInErrorMessage } from "@/components/auth/sign-in-messages";
import { getPageUser } from "@/lib/auth/page-session";
import { userControlsForPage } from "@/lib/auth/access";
import { enabledSignInMethods } from "@/lib/auth/providers";
import styles from "./page.module.css";

export const metadata: Metadata = { title: "Sign in" };

// Typed as the URL can deliver them: a repeated parameter arrives as an array.
type SignInSearchParams = { callbackUrl?: string | string[]; error?: string | string[] };

export default async function SignInPage({ searchParams }: { searchParams: Promise<SignInSearchParams> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  // A blocked account's session stays here, to read why, instead of bouncing back to the chat.
  const user = await getPageUser();
  if (user && !(await userControlsForPage(user.id))?.blocked) redirect(callbackUrl);

  const methods = enabledSignInMethods();
  const errorCode = Array.isArray(params.error) ? params.error[0] : params.error;
  const error = errorCode ? signInErrorMessage(errorCode) : undefined;
  const oauth = methods.github || methods.google;

  return (
    <main className={styles.page}>
      <div className={styles.card}>
        <div className={styles.brand}>
          <BrandMark className={styles.mark} />
          <h1 className={styles.title}>Bulwark</h1>
          <p className={styles.tagline}>Secure AI chat that you host yourself.</p>
        </div>

        {methods.credentials ? <SignInForm callbackUrl={callbackUrl} initialError={error} /> : null}
        {!methods.credentials && error && oauth ? <SignInError message={error} className={styles.alert} /> : null}
        {methods.credentials && oauth ? (
          <p className={styles.divider}>
            <span>or</span>
          </p>
        ) : null}
        {oauth ? <OAuthButtons callbackUrl={callbackUrl} github={methods.github} google={methods.google} /> : null}

        {!methods.credentials && !oauth ? (
          <div className={styles.notice} role="status">
            <h2 className={styles.noticeTitle}>No sign-in method is set up</h2>
            <p>
              The operator of this site needs to set <code>AUTH_LOCAL_USERS</code> for email and password accounts, or configure GitHub or Google sign-in. The
              README explains each option.
            </p>
          </div>
        ) : null}
      </div>
    </main>
  );
}
