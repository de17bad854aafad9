import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hashPassword, isPasswordHash, verifyAgainstDummy, verifyPassword } from "@/lib/crypto/password-hash";

// Small scrypt parameters keep the suite fast; one test below uses the (expensive) defaults.
const FAST = { log2N: 10, r: 8, p: 1 } as const;
const PASSWORD = "correct horse battery staple";

describe("hashPassword", () => {
  it("writes scrypt.log2N.r.p.salt.hash with nothing that breaks AUTH_LOCAL_USERS or a .env file (no ':', ',' or '$')", async () => {
    const hash = await hashPassword(PASSWORD, FAST);
    expect(hash).toMatch(/^scrypt\.10\.8\.1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toMatch(/[:,$\s]/);
    expect(hash).not.toContain(PASSWORD);
    expect(isPasswordHash(hash)).toBe(true);
  });

  it("salts every hash: the same password hashes differently each time", async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD, FAST), hashPassword(PASSWORD, FAST)]);
    expect(a).not.toBe(b);
    expect(a.split(".")[4]).not.toBe(b.split(".")[4]);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(PASSWORD, b)).toBe(true);
  });

  it("uses OWASP-level parameters by default (N = 2^17, r = 8, p = 1)", async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^scrypt\.17\.8\.1\./);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, hash)).toBe(false);
  });
});

describe("verifyPassword", () => {
  it("accepts the right password and refuses any other", async () => {
    const hash = await hashPassword(PASSWORD, FAST);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    for (const wrong of ["", "correct horse battery stapl", "Correct horse battery staple", `${PASSWORD} `, "x".repeat(1000)]) {
      expect(await verifyPassword(wrong, hash)).toBe(false);
    }
  });

  it("reads the parameters from the hash, so older hashes keep working when the defaults rise", async () => {
    const hash = await hashPassword(PASSWORD, { log2N: 11, r: 4, p: 2 });
    expect(hash).toMatch(/^scrypt\.11\.4\.2\./);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
  });

  it("normalises to NFKC, so the same password typed in another Unicode form matches", async () => {
    const composed = "caf\u00e9 au lait"; // é as one code point
    const decomposed = "cafe\u0301 au lait"; // e + combining acute accent
    expect(composed).not.toBe(decomposed);
    const hash = await hashPassword(composed, FAST);
    expect(await verifyPassword(decomposed, hash)).toBe(true);
    // Compatibility forms too: the ligature "ﬁ" is "fi" under NFKC.
    const ligatureHash = await hashPassword("\ufb01refly password", FAST);
    expect(await verifyPassword("firefly password", ligatureHash)).toBe(true);
  });

  it("never verifies against a malformed or tampered hash", async () => {
    const hash = await hashPassword(PASSWORD, FAST);
    const [, log2N, r, p, salt, key] = hash.split(".") as [string, string, string, string, string, string];
    const flippedKey = (key[0] === "A" ? "B" : "A") + key.slice(1);
    const malformed = [
      "",
      "scrypt",
      hash.replace(/^scrypt/, "bcrypt"),
      `scrypt.${log2N}.${r}.${p}.${salt}`, // no key
      `scrypt.${log2N}.${r}.${p}.${salt}.${key.slice(0, 20)}`, // key too short
      `scrypt.${log2N}.${r}.${p}.${salt.slice(0, 8)}.${key}`, // salt too short
      `scrypt.4.${r}.${p}.${salt}.${key}`, // N far too small
      `scrypt.${log2N}.0.${p}.${salt}.${key}`, // r = 0
      `scrypt.${log2N}.${r}.0.${salt}.${key}`, // p = 0
      `scrypt.${log2N}.${r}.${p}.${salt}.${key}.extra`,
      `${hash}\n`,
      ` ${hash}`,
      hash.replace(/\./g, ":"),
    ];
    for (const bad of malformed) {
      expect(isPasswordHash(bad), bad).toBe(false);
      expect(await verifyPassword(PASSWORD, bad), bad).toBe(false);
    }
    // Well formed but not made from this password: refused by the comparison itself.
    const tampered = `scrypt.${log2N}.${r}.${p}.${salt}.${flippedKey}`;
    expect(isPasswordHash(tampered)).toBe(true);
    expect(await verifyPassword(PASSWORD, tampered)).toBe(false);
  });
});

describe("isPasswordHash", () => {
  it("refuses parameters outside the supported range", () => {
    const salt = "A".repeat(22);
    const key = "B".repeat(43);
    expect(isPasswordHash(`scrypt.10.8.1.${salt}.${key}`)).toBe(true);
    expect(isPasswordHash(`scrypt.9.8.1.${salt}.${key}`)).toBe(false);
    expect(isPasswordHash(`scrypt.21.8.1.${salt}.${key}`)).toBe(false);
    expect(isPasswordHash(`scrypt.10.33.1.${salt}.${key}`)).toBe(false);
    expect(isPasswordHash(`scrypt.10.8.17.${salt}.${key}`)).toBe(false);
  });
});

describe("verifyAgainstDummy", () => {
  it("always answers false, whatever the password", async () => {
    expect(await verifyAgainstDummy(PASSWORD)).toBe(false);
    expect(await verifyAgainstDummy("")).toBe(false);
  });
});

describe("scripts/hash-password.ts", () => {
  const cwd = fileURLToPath(new URL("../..", import.meta.url));

  /** Runs the CLI with tsx; stdin is closed at once (as when nothing is piped in). */
  function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile("npx", ["--no-install", "tsx", "scripts/hash-password.ts", ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end();
    });
  }

  it("prints, on its last line, a hash that verifies the password", { timeout: 90_000 }, async () => {
    const password = "a long enough password";
    const { code, stdout } = await runCli([password]);
    expect(code).toBe(0);
    const lastLine = stdout.trimEnd().split("\n").at(-1) ?? "";
    expect(isPasswordHash(lastLine)).toBe(true);
    expect(await verifyPassword(password, lastLine)).toBe(true);
    expect(stdout).not.toContain(password);
  });

  it("exits non-zero with a usage message when no password is given", { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/usage:/i);
    expect(stdout).not.toMatch(/scrypt\./);
  });

  it("refuses a password shorter than 8 characters", { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runCli(["short"]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/shorter than 8 characters/);
    expect(stdout).not.toMatch(/scrypt\./);
  });
});

describe("a hash in a .env file", () => {
  it("survives Next.js's .env loading unchanged (no $ for variable expansion to eat)", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { loadEnvConfig } = await import("@next/env");
    const dir = mkdtempSync(join(tmpdir(), "bulwark-env-"));
    const hash = await hashPassword(PASSWORD, FAST);
    writeFileSync(join(dir, ".env"), `AUTH_LOCAL_USERS=demo@example.test:${hash}\n`);
    const { combinedEnv } = loadEnvConfig(dir, false, { info: () => {}, error: () => {} }, true);
    expect(combinedEnv.AUTH_LOCAL_USERS).toBe(`demo@example.test:${hash}`);
  });
});
