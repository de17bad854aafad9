import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { BrandMark } from "@/components/brand-mark";
import { OAuthButtons } from "@/components/auth/oauth-buttons";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { SignInForm } from "@/components/auth/sign-in-form";
import { signInErrorMessage } from "@/components/auth/sign-in-messages";
import { getPageUser } from "@/lib/auth/page-session";
import { userControlsForPage } from "@/lib/auth/access";
import { enabledSignInMethods } from "@/lib/auth/providers";

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
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-card__brand">
          <BrandMark className="auth-card__mark" />
          <h1 className="auth-card__title">Bulwark</h1>
          <p className="auth-card__tagline">Secure AI chat that you host yourself.</p>
        </div>

        {methods.credentials ? <SignInForm callbackUrl={callbackUrl} initialError={error} /> : null}
        {!methods.credentials && error && oauth ? (
          <p className="auth-alert" role="alert" data-testid="signin-error">
            {error}
          </p>
        ) : null}
        {methods.credentials && oauth ? (
          <p className="auth-divider">
            <span>or</span>
          </p>
        ) : null}
        {oauth ? <OAuthButtons callbackUrl={callbackUrl} github={methods.github} google={methods.google} /> : null}

        {!methods.credentials && !oauth ? (
          <div className="auth-notice" role="status">
            <h2 className="auth-notice__title">No sign-in method is set up</h2>
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
