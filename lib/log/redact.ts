/**
 * Masks anything shaped like a credential or an email address. Logs carry metadata only; this is the
 * second line of defence for whatever still reaches them (an error message, a header, a URL).
 */
const RULES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, "[REDACTED_PRIVATE_KEY]"],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [REDACTED]"],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}(\.[A-Za-z0-9_-]*)?/g, "[REDACTED_JWT]"],
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, "[REDACTED_KEY]"],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, "[REDACTED_KEY]"],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, "[REDACTED_KEY]"],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, "[REDACTED_KEY]"],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, "[REDACTED_KEY]"],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, "[REDACTED_KEY]"],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, "[REDACTED_KEY]"],
  [/\b[rs]k_(live|test)_[A-Za-z0-9]{16,}/g, "[REDACTED_KEY]"],
  // Bulwark's own relay keys (lib/api-keys/key-format.ts), even mistyped ones
  [/\bbwk_[A-Za-z0-9]{16,}/g, "[REDACTED_KEY]"],
  // cookie headers and next-auth cookies: the whole value
  [/((?:^|[\s;,])(?:__Secure-|__Host-)?next-auth\.[\w.-]+=)[^;\s,]+/g, "$1[REDACTED]"],
  [/(\bcookie\s*[:=]\s*)[^\n]+/gi, "$1[REDACTED]"],
  // Authorization values of any scheme (Basic, Digest, …): the whole value, not just the scheme word;
  // in a header line up to its end, as a quoted JSON value up to its closing quote
  [/(\bauthorization\s*[:=]\s*)[^\n]+/gi, "$1[REDACTED]"],
  [/(\bauthorization["']\s*:\s*["'])[^"'\n]+/gi, "$1[REDACTED]"],
  // key=value or "key": "value" where the key names a secret
  [/((?:api[_-]?key|access[_-]?key|secret|token|password|passwd|authorization)["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi, "$1[REDACTED]"],
  // credentials inside URLs: scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, "$1[REDACTED]@"],
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, "[EMAIL]"],
];

export function maskSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
