const RATE_LIMITED = /^rate_limited:(\d+)$/;

/**
 * A sentence for what next-auth reports after a failed sign-in, either from `signIn()` or as the
 * `error` query parameter of a redirect. Never echoes the raw code: it may come from the URL.
 */
export function signInErrorMessage(code: string): string {
  const limited = RATE_LIMITED.exec(code);
  if (limited) return `Too many sign-in attempts: try again in ${Number(limited[1])} s.`;
  if (code.startsWith("rate_limited")) return "Too many sign-in attempts: please wait a little and try again.";
  switch (code) {
    case "CredentialsSignin":
      return "Wrong email or password.";
    case "SessionRequired":
      return "Please sign in to continue.";
    case "AccessDenied":
      return "This account is not allowed to sign in to Bulwark.";
    case "AccountBlocked":
      return "This account has been blocked by an administrator. If you think this is a mistake, contact the people who run this service.";
    case "OAuthAccountNotLinked":
      return "This email is already used with another sign-in method. Sign in the way you did before.";
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
      return "Signing in with that provider did not work. Please try again.";
    case "Configuration":
      return "Sign-in is not configured correctly. Please tell the operator of this site.";
    default:
      return "Sign-in is unavailable right now. Please try again shortly.";
  }
}
