/**
 * Where to go after signing in, limited to paths on this site. "//evil.example" and "/\evil.example"
 * are read by browsers as other hosts, and URL parsing drops tabs and newlines, so "/\t/evil.example"
 * would become one too: anything of that kind falls back to "/". So does a path that is not printable
 * ASCII ("/。x"): it cannot go into a Location header as written, and no page here has such a path.
 */
export function safeCallbackUrl(value: string | string[] | null | undefined): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (typeof url !== "string" || !url.startsWith("/")) return "/";
  if (url.startsWith("//") || url.startsWith("/\\")) return "/";
  if (/[^\u0020-\u007e]/.test(url)) return "/";
  return url;
}
