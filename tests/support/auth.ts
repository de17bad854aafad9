/**
 * Signs in through next-auth's real credentials flow over HTTP (CSRF token, then the callback) and
 * returns the Cookie header a browser would send afterwards.
 */
export async function signIn({ baseUrl, email, password }: { baseUrl: string; email: string; password: string }): Promise<string> {
  const result = await attemptSignIn({ baseUrl, email, password });
  if (!result.cookie) throw new Error(`sign-in failed for ${email}: ${result.error ?? result.status}`);
  return result.cookie;
}

export async function attemptSignIn({
  baseUrl,
  email,
  password,
  headers = {},
}: {
  baseUrl: string;
  email: string;
  password: string;
  headers?: Record<string, string>;
}) {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = cookiePairs(csrf.headers.getSetCookie());
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie, Origin: baseUrl },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${baseUrl}/` }),
  });
  const setCookies = res.headers.getSetCookie();
  const session = setCookies.filter((c) => c.includes("next-auth.session-token"));
  let error: string | null = null;
  if (res.headers.get("content-type")?.includes("json")) {
    const { url } = (await res.json()) as { url?: string };
    error = url ? new URL(url, baseUrl).searchParams.get("error") : null;
  } else {
    const location = res.headers.get("location");
    error = location ? new URL(location, baseUrl).searchParams.get("error") : null;
  }
  return { status: res.status, cookie: session.length > 0 && !error ? cookiePairs(session) : null, error };
}

function cookiePairs(setCookies: string[]): string {
  return setCookies.map((c) => c.split(";")[0]).join("; ");
}
