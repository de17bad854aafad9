import "server-only";
import { env } from "../env";

/** Which ways to sign in are switched on by the environment, for the sign-in page. */
export function enabledSignInMethods(): { credentials: boolean; github: boolean; google: boolean } {
  const { auth } = env();
  return { credentials: auth.localUsers.length > 0, github: !!auth.github, google: !!auth.google };
}
