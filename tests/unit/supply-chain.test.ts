/**
 * The supply-chain check (scripts/supply-chain.ts) on scratch copies of this project: a vulnerable
 * dependency planted in the lockfile fails it, an accepted advisory passes until its acceptance
 * expires, and a package from outside the registry fails the lockfile check.
 *
 * The advisories come from a registry served here, because the machines this suite runs on may have
 * no advisory endpoint (this project's own have none); it answers the npm CLI's bulk advisory request
 * with GitHub's real advisory for lodash 4.17.20 (GHSA-35jh-r3h4-6jhm, high). The real npm CLI does
 * the rest: reading the lockfile, asking, matching ranges, reporting.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const LODASH = { version: "4.17.20", integrity: "sha512-PlhdFcillOINfeV7Ni6oF1TAEayyZBoZ8bcshTHqOYJYlrqzRK5hagpagky5o4HfCzzd1TRkXPMFq6cKk9rGmA==" };
const ADVISORY = {
  id: 1106913,
  url: "https://github.com/advisories/GHSA-35jh-r3h4-6jhm",
  title: "Command Injection in lodash",
  severity: "high",
  vulnerable_versions: "<4.17.21",
  cwe: ["CWE-77", "CWE-94"],
  cvss: { score: 7.2, vectorString: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H" },
};

let registry: Server;
let registryUrl = "";
let answer: "advisories" | "405" = "advisories";
const asked: Record<string, string[]>[] = [];
const scratchDirs: string[] = [];

beforeAll(async () => {
  registry = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/-/npm/v1/security/advisories/bulk" || answer === "405") {
        res.writeHead(405, { Allow: "GET, HEAD" }).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8")) as Record<string, string[]>;
      asked.push(body);
      const vulnerable = (body.lodash ?? []).some((v) => v.startsWith("4.17.2") && v !== "4.17.21");
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(vulnerable ? { lodash: [ADVISORY] } : {}));
    });
  });
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  const address = registry.address();
  registryUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
});

afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the project's manifest, lockfile and supply-chain records, with `plant` applied. */
function scratchCopy(
  plant: (pkg: { dependencies: Record<string, string> }, lock: { packages: Record<string, Record<string, unknown>> }) => void = () => {},
): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bulwark-supply-"));
  scratchDirs.push(dir);
  cpSync(path.join(ROOT, "supply-chain"), path.join(dir, "supply-chain"), { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, Record<string, unknown>> };
  plant(pkg, lock);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
  return dir;
}

const plantLodash = (pkg: { dependencies: Record<string, string> }, lock: { packages: Record<string, Record<string, unknown>> }) => {
  pkg.dependencies.lodash = LODASH.version;
  (lock.packages[""]!.dependencies as Record<string, string>).lodash = LODASH.version;
  lock.packages["node_modules/lodash"] = { version: LODASH.version, integrity: LODASH.integrity, license: "MIT" };
};

function accept(dir: string, expires: string): void {
  const accepted = {
    accepted: [{ id: "GHSA-35jh-r3h4-6jhm", package: "lodash", reason: "test: the template functions are never given untrusted input", expires }],
  };
  writeFileSync(path.join(dir, "supply-chain/accepted-advisories.json"), JSON.stringify(accepted, null, 2));
}

/** Runs the check as CI does; asynchronously, so that the registry served here can answer it. */
function check(dir: string, checks: string[], env: Record<string, string> = {}): Promise<{ status: number | null; output: string }> {
  const child = spawn("npx", ["tsx", path.join(ROOT, "scripts/supply-chain.ts"), ...checks, "--dir", dir, "--registry", registryUrl], {
    cwd: ROOT,
    env: { ...process.env, SUPPLY_CHAIN_REQUIRE_REGISTRY: "", ...env },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (output += d.toString("utf8")));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, output })));
}

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe("npm audit in the supply-chain check", () => {
  it("fails on a vulnerable dependency planted in the lockfile, naming the advisory", async () => {
    answer = "advisories";
    const before = asked.length;
    const { status, output } = await check(scratchCopy(plantLodash), ["audit"]);
    expect(output).toContain("GHSA-35jh-r3h4-6jhm");
    expect(output).toMatch(/high: GHSA-35jh-r3h4-6jhm lodash <4\.17\.21: Command Injection in lodash/);
    expect(status).toBe(1);
    // The real npm CLI sent the planted version with the project's own production dependencies.
    const request = asked.slice(before).find((body) => body.lodash);
    expect(request?.lodash).toEqual([LODASH.version]);
    expect(request?.next).toBeDefined();
  });

  it("passes the project as it is, and would report nothing to accept", async () => {
    answer = "advisories";
    const { status, output } = await check(scratchCopy(), ["audit"]);
    expect(output).toContain("no high or critical advisory in a production dependency");
    expect(status).toBe(0);
  });

  it("passes a planted advisory that is accepted with a reason, until the acceptance expires", async () => {
    answer = "advisories";
    const dir = scratchCopy(plantLodash);
    accept(dir, isoDay(30));
    const accepted = await check(dir, ["audit"]);
    expect(accepted.output).toContain(`accepted until ${isoDay(30)}: GHSA-35jh-r3h4-6jhm`);
    expect(accepted.status).toBe(0);

    accept(dir, isoDay(-1));
    const expired = await check(dir, ["audit"]);
    expect(expired.output).toContain(`its acceptance expired on ${isoDay(-1)}`);
    expect(expired.status).toBe(1);
  });

  it("says it did not run when the registry has no advisory endpoint, and fails where it must run", async () => {
    answer = "405";
    const dir = scratchCopy(plantLodash);
    const lenient = await check(dir, ["audit"]);
    expect(lenient.output).toMatch(/– audit: not run\n\s+npm audit could not run: 405/);
    expect(lenient.status).toBe(0);
    const strict = await check(dir, ["audit"], { SUPPLY_CHAIN_REQUIRE_REGISTRY: "1" });
    expect(strict.output).toContain("✗ audit: failed");
    expect(strict.status).toBe(1);
  });
});

describe("the lockfile check", () => {
  it("passes the project's lockfile", async () => {
    const { status, output } = await check(scratchCopy(), ["lockfile"]);
    expect(output).toMatch(/✓ lockfile: passed\n\s+\d+ packages, all from the npm registry with a sha512 integrity/);
    expect(status).toBe(0);
  });

  it("fails on a package from a git repository or another host, and on a missing integrity", async () => {
    const dir = scratchCopy((pkg, lock) => {
      plantLodash(pkg, lock);
      lock.packages["node_modules/lodash"]!.resolved = "git+ssh://git@github.com/lodash/lodash.git#f299b52f39486275a9e6483b60a410e06520c538";
      lock.packages["node_modules/zod"]!.resolved = "https://evil.example/zod.tgz";
      delete lock.packages["node_modules/react"]!.integrity;
    });
    const { status, output } = await check(dir, ["lockfile"]);
    expect(output).toContain("node_modules/lodash: comes from git+ssh://github.com");
    expect(output).toContain("node_modules/zod: comes from https://evil.example");
    expect(output).toContain("node_modules/react: no sha512 integrity in the lockfile");
    expect(status).toBe(1);
  });
});
