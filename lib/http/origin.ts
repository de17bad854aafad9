import { ApiError } from "../errors";

/**
 * Refuses cross-site requests to state-changing routes (CSRF). A browser always sends Origin on a
 * POST, and modern ones send Sec-Fetch-Site; either must say the request comes from this app.
 * A request that carries neither is refused too: this route is for the app's own pages.
 */
export function assertSameOrigin(req: Request, { appUrl }: { appUrl: string | undefined }): void {
  const fetchSite = req.headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin") {
    throw new ApiError("cross_site", "This request came from another site and was refused.");
  }
  const origin = req.headers.get("origin");
  if (!origin) {
    if (fetchSite === "same-origin") return;
    throw new ApiError("cross_site", "This endpoint only answers the app's own pages: send an Origin header with the app's address.");
  }
  if (origin !== expectedOrigin(req, appUrl)) {
    throw new ApiError("cross_site", "This request came from another site and was refused.");
  }
}

function expectedOrigin(req: Request, appUrl: string | undefined): string {
  if (appUrl) return new URL(appUrl).origin;
  // Without NEXTAUTH_URL (development), the app is wherever the browser reached it.
  const url = new URL(req.url);
  const host = req.headers.get("host") ?? url.host;
  return `${url.protocol}//${host}`;
}
