import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { adaptCommand, needsRewrite, rewriteScript, sha1 } from "@/lib/store/lua-compat";

// The shape of @upstash/ratelimit's scripts (not exported): the flag line Redis 7 refuses, then the body.
const BODY = `
  local key           = KEYS[1]
  local tokens        = tonumber(ARGV[1])
  local window        = ARGV[2]
  local r = redis.call("INCRBY", key, ARGV[3])
  if r == tonumber(ARGV[3]) then
    redis.call("PEXPIRE", key, window)
  end
  return {r, tokens}
`;
const FLAGGED = `#!lua flags=allow-key-locking${BODY}`;
const PLAIN = `local v = redis.call("GET", KEYS[1])\nreturn v`;

const hex = (text: string) => createHash("sha1").update(text).digest("hex");

describe("sha1", () => {
  it("is the lower-case hex SHA-1 Redis uses for scripts", () => {
    expect(sha1("return 1")).toBe("e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    expect(sha1(FLAGGED)).toBe(hex(FLAGGED));
  });
});

describe("rewriteScript", () => {
  it("blanks the shebang line and keeps every other line, so line numbers in errors still match", () => {
    const rewritten = rewriteScript(FLAGGED);
    const before = FLAGGED.split("\n");
    const after = rewritten.split("\n");
    expect(after).toHaveLength(before.length);
    expect(after[0]).toBe("");
    expect(after.slice(1)).toEqual(before.slice(1));
    expect(rewritten).toBe(BODY);
    expect(needsRewrite(rewritten)).toBe(false);
  });

  it("rewrites any #!lua shebang (Redis 6 knows none), and nothing else", () => {
    expect(needsRewrite("#!lua\nreturn 1")).toBe(true);
    expect(rewriteScript("#!lua\nreturn 1")).toBe("\nreturn 1");
    expect(needsRewrite(FLAGGED)).toBe(true);
    expect(needsRewrite(PLAIN)).toBe(false);
    // Only at the very start: a shebang-like line further down is the script's business.
    expect(needsRewrite(`return 1\n#!lua flags=allow-key-locking`)).toBe(false);
    expect(needsRewrite(` #!lua flags=allow-key-locking${BODY}`)).toBe(false);
  });
});

describe("adaptCommand", () => {
  it("rewrites an EVAL of a flagged script and learns which server SHA stands for the original", () => {
    const shas = new Map<string, string>();
    const adapted = adaptCommand(["EVAL", FLAGGED, "1", "rl:alice", "10", "60000", "1"], shas);
    expect(adapted.command).toEqual(["EVAL", BODY, "1", "rl:alice", "10", "60000", "1"]);
    expect(adapted.reply).toBeUndefined();
    expect([...shas]).toEqual([[hex(FLAGGED), hex(BODY)]]);
  });

  it("rewrites EVAL_RO and any casing of the command name, keeping the name as given", () => {
    const shas = new Map<string, string>();
    expect(adaptCommand(["eval", FLAGGED, "0"], shas).command).toEqual(["eval", BODY, "0"]);
    expect(adaptCommand(["Eval_Ro", FLAGGED, "0"], shas).command).toEqual(["Eval_Ro", BODY, "0"]);
  });

  it("maps EVALSHA of a learned SHA to the rewritten script's SHA, in any case", () => {
    const shas = new Map<string, string>();
    adaptCommand(["EVAL", FLAGGED, "1", "k"], shas);
    const original = hex(FLAGGED);
    expect(adaptCommand(["EVALSHA", original, "1", "k", "10"], shas).command).toEqual(["EVALSHA", hex(BODY), "1", "k", "10"]);
    expect(adaptCommand(["evalsha", original.toUpperCase(), "1", "k"], shas).command).toEqual(["evalsha", hex(BODY), "1", "k"]);
    expect(adaptCommand(["EVALSHA_RO", original, "0"], shas).command).toEqual(["EVALSHA_RO", hex(BODY), "0"]);
  });

  it("passes an EVALSHA it has not learned through unchanged (the server answers NOSCRIPT and the client falls back to EVAL)", () => {
    const shas = new Map<string, string>();
    const unknown = ["EVALSHA", hex(FLAGGED), "1", "k"];
    const adapted = adaptCommand(unknown, shas);
    expect(adapted.command).toEqual(unknown);
    expect(adapted.reply).toBeUndefined();
    expect(shas.size).toBe(0);
  });

  it("rewrites SCRIPT LOAD and answers with the ORIGINAL script's SHA, which the client checks and reuses", () => {
    const shas = new Map<string, string>();
    const adapted = adaptCommand(["SCRIPT", "LOAD", FLAGGED], shas);
    expect(adapted.command).toEqual(["SCRIPT", "LOAD", BODY]);
    expect(shas.get(hex(FLAGGED))).toBe(hex(BODY));
    // The server replies with the SHA of what it loaded; the client must see the one it computed.
    expect(adapted.reply?.(hex(BODY))).toBe(hex(FLAGGED));
    // And the client's EVALSHA with that SHA then reaches the loaded script.
    expect(adaptCommand(["EVALSHA", hex(FLAGGED), "0"], shas).command).toEqual(["EVALSHA", hex(BODY), "0"]);
    expect(adaptCommand(["script", "load", FLAGGED], shas).command).toEqual(["script", "load", BODY]);
  });

  it("leaves a script without a shebang untouched and learns nothing", () => {
    const shas = new Map<string, string>();
    for (const command of [
      ["EVAL", PLAIN, "1", "k"],
      ["SCRIPT", "LOAD", PLAIN],
      ["EVALSHA", hex(PLAIN), "1", "k"],
    ]) {
      const adapted = adaptCommand(command, shas);
      expect(adapted.command).toEqual(command);
      expect(adapted.reply).toBeUndefined();
    }
    expect(shas.size).toBe(0);
  });

  it("leaves other commands untouched, even when an argument looks like a flagged script", () => {
    const shas = new Map<string, string>();
    for (const command of [
      ["GET", "k"],
      ["SET", "k", FLAGGED],
      ["ZADD", "z", "1", "m"],
      ["SCRIPT", "FLUSH"],
      ["SCRIPT", "EXISTS", hex(FLAGGED)],
      ["EVAL"],
      ["EVALSHA"],
      [],
    ]) {
      const adapted = adaptCommand(command, shas);
      expect(adapted.command).toEqual(command);
      expect(adapted.reply).toBeUndefined();
    }
    expect(shas.size).toBe(0);
  });

  it("does not change the command array it was given", () => {
    const shas = new Map<string, string>();
    const command = ["EVAL", FLAGGED, "0"];
    adaptCommand(command, shas);
    expect(command).toEqual(["EVAL", FLAGGED, "0"]);
  });
});

describe("the scripts @upstash/ratelimit ships", () => {
  // Read from the installed package, so an update that changes their first line is noticed here.
  const source = readFileSync(createRequire(import.meta.url).resolve("@upstash/ratelimit"), "utf8");
  const scripts = [...source.matchAll(/`(#!lua[^`]*)`/g)].map((m) => m[1] ?? "");

  it("all begin with a shebang line that the rewrite removes, leaving the body as it was", () => {
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const shas = new Map<string, string>();
      const [, rewritten = ""] = adaptCommand(["EVAL", script, "0"], shas).command;
      expect(rewritten.startsWith("\n")).toBe(true);
      expect(rewritten).not.toContain("#!lua");
      expect(rewritten).toBe(script.slice(script.indexOf("\n")));
      expect(shas.get(sha1(script))).toBe(sha1(rewritten));
    }
  });
});
