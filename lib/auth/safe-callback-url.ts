/**
 * Where to go after signing in, limited to paths on this site. "//evil.example" and "/\evil.example"
 * are read by browsers as other hosts, and URL parsing drops tabs and newlines, so "/\t/evil.example"
 * would become one too: anything of that kind falls back to "/".
 */
export function safeCallbackUrl(value: string | string[] | null | undefined): string {
  const url = Array.isArray(value) ? value[0] : value;
  if (typeof url !== "string" || !url.startsWith("/")) return "/";
  if (url.startsWith("//") || url.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f]/.test(url)) return "/";
  return url;
}
