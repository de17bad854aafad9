import { createHash } from "node:crypto";

/**
 * @upstash/ratelimit's Lua scripts begin `#!lua flags=allow-key-locking`: Upstash and recent Valkey
 * accept that flag, a stock Redis 7 refuses the script ("Unexpected flag in script shebang"), and
 * Redis 6 knows no shebang at all. Before a script reaches a plain server we blank that first line
 * (keeping line numbers in error messages) and remember which server-side SHA stands for the
 * library's SHA, so its EVALSHA calls keep working.
 */
const SHEBANG = /^#!lua[^\n]*/;

export const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

export function needsRewrite(script: string): boolean {
  return SHEBANG.test(script);
}

export function rewriteScript(script: string): string {
  return script.replace(SHEBANG, "");
}

/**
 * Rewrites one command for a plain Redis server. `shas` maps the SHA the client knows (of the
 * original script) to the SHA the server knows (of the rewritten one); it is filled as scripts pass
 * through. `reply` turns the server's answer back into what the client expects.
 */
export function adaptCommand(command: string[], shas: Map<string, string>): { command: string[]; reply?: (result: unknown) => unknown } {
  const [name = "", ...args] = command;
  const verb = name.toLowerCase();
  if ((verb === "eval" || verb === "eval_ro") && args[0] !== undefined && needsRewrite(args[0])) {
    const rewritten = rewriteScript(args[0]);
    shas.set(sha1(args[0]), sha1(rewritten));
    return { command: [name, rewritten, ...args.slice(1)] };
  }
  if ((verb === "evalsha" || verb === "evalsha_ro") && args[0] !== undefined) {
    const mapped = shas.get(args[0].toLowerCase());
    return mapped ? { command: [name, mapped, ...args.slice(1)] } : { command };
  }
  if (verb === "script" && args[0]?.toLowerCase() === "load" && args[1] !== undefined && needsRewrite(args[1])) {
    const original = sha1(args[1]);
    const rewritten = rewriteScript(args[1]);
    shas.set(original, sha1(rewritten));
    return { command: [name, args[0], rewritten], reply: () => original };
  }
  return { command };
}
