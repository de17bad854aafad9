/**
 * Supply-chain checks. `npm test` runs them all first, beside the secret scan.
 *
 *   npm run supply-chain                 every check below
 *   npm run supply-chain -- audit        one check (lockfile, scripts, sbom, audit, signatures)
 *   npm run supply-chain:sbom            writes supply-chain/sbom.cdx.json from the lockfile
 *
 * The checks:
 * - lockfile: every package in package-lock.json comes from the npm registry with a sha512 integrity
 *   (no git, file or plain-http sources), and the lockfile is the only way in: `npm ci` everywhere.
 * - scripts: no installed package has install scripts that package.json's `allowScripts` has not
 *   reviewed (`npm install-scripts ls`; approve or deny with `npm install-scripts`).
 * - sbom: supply-chain/sbom.cdx.json (CycloneDX 1.6, production dependencies) lists exactly what the
 *   lockfile installs; `npm run supply-chain:sbom` rewrites it after a dependency change.
 * - audit: `npm audit --omit=dev` finds no high or critical advisory in a production dependency,
 *   except those accepted in supply-chain/accepted-advisories.json, each with a reason and an expiry
 *   date; an expired acceptance fails like a new advisory.
 * - signatures: `npm audit signatures` verifies the registry signatures and provenance attestations of
 *   what is installed.
 *
 * The audit and the signatures need the registry's advisory and key endpoints (and, for attestations,
 * Sigstore). A registry or mirror without them answers 404 or 405; the check then reports "not run"
 * and why, which passes unless SUPPLY_CHAIN_REQUIRE_REGISTRY=1 (the GitHub workflow sets it), where
 * it fails. `--dir <path>` runs against another copy of the project and `--registry <url>` asks
 * another registry (tests/unit/supply-chain.test.ts plants a vulnerable dependency in a scratch copy).
 *
 * Exit 0 when every check passed or was allowed not to run; 1 on a finding, or when a check that must
 * run could not; 2 on a bad argument.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const CHECKS = ["lockfile", "scripts", "sbom", "audit", "signatures"] as const;
type Check = (typeof CHECKS)[number];
type Outcome = { status: "passed" | "failed" | "not run"; lines: string[] };

const SBOM_FILE = "supply-chain/sbom.cdx.json";
const ACCEPTED_FILE = "supply-chain/accepted-advisories.json";
const REGISTRY_HOST = "registry.npmjs.org";
const BLOCKING = new Set(["high", "critical"]);

type Options = { dir: string; registry?: string; requireRegistry: boolean };

function npm(options: Options, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const registry = options.registry ? [`--registry=${options.registry}`] : [];
  const result = spawnSync("npm", [...args, ...registry], {
    cwd: options.dir,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, npm_config_fund: "false", npm_config_update_notifier: "false" },
  });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

// ── lockfile ─────────────────────────────────────────────────────────────────────────────────────

type LockPackage = { version?: string; resolved?: string; integrity?: string; link?: boolean; dev?: boolean; optional?: boolean; devOptional?: boolean };

function readLock(dir: string): Record<string, LockPackage> {
  const file = path.join(dir, "package-lock.json");
  if (!existsSync(file)) throw new Error("package-lock.json is missing: run `npm install` once and commit it; every install after that is `npm ci`");
  const lock = JSON.parse(readFileSync(file, "utf8")) as { lockfileVersion?: number; packages?: Record<string, LockPackage> };
  if ((lock.lockfileVersion ?? 0) < 2 || !lock.packages)
    throw new Error("package-lock.json is older than lockfileVersion 2: regenerate it with npm 7 or later");
  return lock.packages;
}

/**
 * A package without `resolved` comes from the configured registry (npm leaves registry addresses out
 * when omit-lockfile-registry-resolved is set); one with it must name the npm registry over https.
 * Git, file, link and tarball-URL sources always keep theirs, so they are caught either way.
 */
function checkLockfile(options: Options): Outcome {
  const problems: string[] = [];
  const packages = Object.entries(readLock(options.dir)).filter(([where, pkg]) => where !== "" && !pkg.link);
  for (const [where, pkg] of packages) {
    if (pkg.resolved !== undefined) {
      let source = pkg.resolved;
      try {
        const url = new URL(pkg.resolved);
        source = url.protocol === "https:" && url.host === REGISTRY_HOST ? "" : `${url.protocol}//${url.host}`;
      } catch {
        // not a URL: a path or a git shorthand, shown as it is
      }
      if (source) problems.push(`${where}: comes from ${source}, not https://${REGISTRY_HOST}`);
    }
    if (!pkg.integrity?.startsWith("sha512-")) problems.push(`${where}: no sha512 integrity in the lockfile`);
  }
  if (problems.length === 0) return { status: "passed", lines: [`${packages.length} packages, all from the npm registry with a sha512 integrity`] };
  return { status: "failed", lines: [...capped(problems), "Every dependency must come from the npm registry with its integrity pinned in package-lock.json."] };
}

/** At most 20 lines of a list, then how many more there were. */
function capped(lines: string[], most = 20): string[] {
  return lines.length <= most ? lines : [...lines.slice(0, most), `… and ${lines.length - most} more`];
}

// ── install scripts ──────────────────────────────────────────────────────────────────────────────

function checkScripts(options: Options): Outcome {
  const result = npm(options, ["install-scripts", "ls", "--json"]);
  if (result.status !== 0) return { status: "failed", lines: [`npm install-scripts ls failed: ${firstLine(result.stderr)}`] };
  const pending = (JSON.parse(result.stdout) as { allowScripts?: unknown[] }).allowScripts ?? [];
  if (pending.length === 0) {
    const reviewed = Object.entries(
      (JSON.parse(readFileSync(path.join(options.dir, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {},
    );
    const summary = reviewed.map(([name, allowed]) => `${name} ${allowed ? "allowed" : "denied"}`).join(", ");
    return { status: "passed", lines: [`every package with install scripts is reviewed in package.json's allowScripts${summary ? ` (${summary})` : ""}`] };
  }
  return {
    status: "failed",
    lines: [
      ...pending.map((entry) => `not reviewed: ${typeof entry === "string" ? entry : JSON.stringify(entry)}`),
      "Read what each script does, then `npm install-scripts approve <pkg>` if the package cannot work without it, or `npm install-scripts deny <pkg>`.",
    ],
  };
}

// ── SBOM ─────────────────────────────────────────────────────────────────────────────────────────

type Bom = { components?: BomComponent[]; dependencies?: { ref: string; dependsOn?: string[] }[] };
type BomComponent = { "bom-ref"?: string; purl?: string; version?: string; hashes?: { alg: string; content: string }[]; components?: BomComponent[] };

/** Writes the CycloneDX SBOM of the production dependencies (reproducible: no timestamp or serial). */
function generateSbom(options: Options, file: string): void {
  const result = spawnSync(
    "npx",
    [
      "--no-install",
      "cyclonedx-npm",
      "--package-lock-only",
      "--omit",
      "dev",
      "--output-reproducible",
      "--spec-version",
      "1.6",
      "--mc-type",
      "application",
      "--output-file",
      file,
    ],
    { cwd: options.dir, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`cyclonedx-npm failed: ${firstLine(result.stderr) || firstLine(result.stdout)}`);
}

/** What an SBOM says about the software: each component's purl and hashes (nested ones too), and the dependency graph, sorted. */
function bomContent(bom: Bom): { components: string[]; lines: string[] } {
  const components: string[] = [];
  const walk = (list: BomComponent[] = []) => {
    for (const c of list) {
      components.push(`${c.purl ?? c["bom-ref"]} ${(c.hashes ?? []).map((h) => `${h.alg}:${h.content}`).join(",")}`);
      walk(c.components);
    }
  };
  walk(bom.components);
  const graph = (bom.dependencies ?? []).map((d) => `${d.ref} → ${[...(d.dependsOn ?? [])].sort().join(" ")}`);
  return { components, lines: [...components.sort(), ...graph.sort()] };
}

function checkSbom(options: Options): Outcome {
  const committed = path.join(options.dir, SBOM_FILE);
  if (!existsSync(committed)) return { status: "failed", lines: [`${SBOM_FILE} is missing: run \`npm run supply-chain:sbom\` and commit it`] };
  const scratch = mkdtempSync(path.join(tmpdir(), "bulwark-sbom-"));
  try {
    const fresh = path.join(scratch, "sbom.cdx.json");
    generateSbom(options, fresh);
    const [was, now] = [committed, fresh].map((f) => bomContent(JSON.parse(readFileSync(f, "utf8")) as Bom));
    if (was!.lines.join("\n") === now!.lines.join("\n")) {
      return { status: "passed", lines: [`${SBOM_FILE} matches the lockfile's production dependencies (${now!.components.length} components)`] };
    }
    const [a, b] = [new Set(was!.lines), new Set(now!.lines)];
    const gone = [...a].filter((l) => !b.has(l)).slice(0, 5);
    const added = [...b].filter((l) => !a.has(l)).slice(0, 5);
    return {
      status: "failed",
      lines: [
        `${SBOM_FILE} is out of date: run \`npm run supply-chain:sbom\` and commit it`,
        ...gone.map((l) => `  only in the committed SBOM: ${l}`),
        ...added.map((l) => `  only in what is installed: ${l}`),
      ],
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ── audit ────────────────────────────────────────────────────────────────────────────────────────

type Advisory = { source: number; name: string; title: string; url: string; severity: string; range: string };
type AuditReport = {
  auditReportVersion?: number;
  vulnerabilities?: Record<string, { via: (Advisory | string)[]; nodes?: string[] }>;
  message?: string;
  error?: { summary?: string };
};
type Acceptance = { id: string; package: string; reason: string; expires: string };

/** The GHSA id of an advisory, from its URL (https://github.com/advisories/GHSA-xxxx-xxxx-xxxx). */
const ghsaOf = (advisory: Advisory) => /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/.exec(advisory.url)?.[0] ?? String(advisory.source);

function readAccepted(dir: string): Acceptance[] {
  const file = path.join(dir, ACCEPTED_FILE);
  if (!existsSync(file)) return [];
  const list = (JSON.parse(readFileSync(file, "utf8")) as { accepted?: Acceptance[] }).accepted ?? [];
  for (const entry of list) {
    if (!entry.id || !entry.package || !entry.reason || !/^\d{4}-\d{2}-\d{2}$/.test(entry.expires ?? "")) {
      throw new Error(`${ACCEPTED_FILE}: each entry needs "id" (GHSA-…), "package", "reason" and "expires" (YYYY-MM-DD): ${JSON.stringify(entry)}`);
    }
  }
  return list;
}

function registryMissing(options: Options, what: string, detail: string): Outcome {
  const lines = [`${what} could not run: ${detail}`];
  if (options.requireRegistry) return { status: "failed", lines: [...lines, "SUPPLY_CHAIN_REQUIRE_REGISTRY=1: this check must run here."] };
  return {
    status: "not run",
    lines: [
      ...lines,
      "What it needs is not reachable from here (a registry mirror without the endpoint, or a machine without the internet). CI on GitHub sets SUPPLY_CHAIN_REQUIRE_REGISTRY=1, so the check must run there.",
    ],
  };
}

function checkAudit(options: Options, today = new Date().toISOString().slice(0, 10)): Outcome {
  const result = npm(options, ["audit", "--omit=dev", "--json", "--fetch-retries=0"]);
  let report: AuditReport;
  try {
    report = JSON.parse(result.stdout) as AuditReport;
  } catch {
    return registryMissing(options, "npm audit", firstLine(result.stderr) || "no report");
  }
  if (report.auditReportVersion === undefined)
    return registryMissing(options, "npm audit", report.message ?? report.error?.summary ?? (firstLine(result.stderr) || "no report"));

  const accepted = readAccepted(options.dir);
  const blocking = new Map<string, { advisory: Advisory; via: string[] }>();
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via) {
      if (typeof via === "string" || !BLOCKING.has(via.severity)) continue;
      const id = ghsaOf(via);
      const seen = blocking.get(id) ?? { advisory: via, via: [] };
      seen.via.push(name);
      blocking.set(id, seen);
    }
  }
  const lines: string[] = [];
  let failed = false;
  for (const [id, { advisory }] of blocking) {
    const acceptance = accepted.find((a) => a.id === id);
    const where = `${advisory.name} ${advisory.range}`;
    if (acceptance && acceptance.expires >= today) {
      lines.push(`accepted until ${acceptance.expires}: ${id} (${advisory.severity}) ${where}: ${advisory.title}. Reason: ${acceptance.reason}`);
    } else {
      failed = true;
      const why = acceptance ? `its acceptance expired on ${acceptance.expires}` : "not accepted";
      lines.push(`${advisory.severity}: ${id} ${where}: ${advisory.title} (${advisory.url}); ${why}`);
    }
  }
  for (const acceptance of accepted) {
    if (!blocking.has(acceptance.id)) lines.push(`no longer needed: ${acceptance.id} in ${ACCEPTED_FILE} matches no advisory now; remove it`);
  }
  if (failed)
    lines.push(
      `Update the dependency (npm ls <name> shows who pulls it in), or, if it cannot be exploited here, record it in ${ACCEPTED_FILE} with a reason and an expiry date.`,
    );
  const counts = Object.entries((report as { metadata?: { vulnerabilities?: Record<string, number> } }).metadata?.vulnerabilities ?? {})
    .filter(([k, n]) => k !== "total" && n > 0)
    .map(([k, n]) => `${n} ${k}`);
  if (!failed && blocking.size === 0)
    lines.unshift(`no high or critical advisory in a production dependency${counts.length ? ` (below that: ${counts.join(", ")})` : ""}`);
  return { status: failed ? "failed" : "passed", lines };
}

// ── signatures ───────────────────────────────────────────────────────────────────────────────────

function checkSignatures(options: Options): Outcome {
  const result = npm(options, ["audit", "signatures", "--fetch-retries=0"]);
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status === 0)
    return {
      status: "passed",
      lines: output
        .split("\n")
        .filter((l) => /verified|attestation/i.test(l))
        .map((l) => l.trim()),
    };
  if (/invalid|missing|tampered/i.test(result.stdout) && !/ENOTFOUND|ECONNREFUSED|404|405/.test(output))
    return { status: "failed", lines: result.stdout.trim().split("\n") };
  const reason = /request to (\S+) failed, reason: ([^\n]+)/.exec(output) ?? /(\d{3} [A-Z][^\n]*)/.exec(output);
  return registryMissing(options, "npm audit signatures", reason ? reason.slice(1).join(": ") : firstLine(output));
}

// ── run ──────────────────────────────────────────────────────────────────────────────────────────

const firstLine = (text: string) =>
  text
    .trim()
    .split("\n")[0]
    ?.replace(/^npm error\s*/, "") ?? "";

function main(argv: string[]): number {
  const options: Options = { dir: process.cwd(), requireRegistry: process.env.SUPPLY_CHAIN_REQUIRE_REGISTRY === "1" };
  const wanted: Check[] = [];
  let writeSbom = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--dir") options.dir = path.resolve(argv[++i] ?? ".");
    else if (arg === "--registry") options.registry = argv[++i];
    else if (arg === "sbom:write") writeSbom = true;
    else if ((CHECKS as readonly string[]).includes(arg)) wanted.push(arg as Check);
    else {
      console.error(`Unknown argument ${arg}. Checks: ${CHECKS.join(", ")}; or sbom:write; options --dir <path>, --registry <url>.`);
      return 2;
    }
  }
  if (writeSbom) {
    generateSbom(options, path.join(options.dir, SBOM_FILE));
    console.log(`wrote ${SBOM_FILE}`);
    return 0;
  }
  const run: Record<Check, (o: Options) => Outcome> = {
    lockfile: checkLockfile,
    scripts: checkScripts,
    sbom: checkSbom,
    audit: (o) => checkAudit(o),
    signatures: checkSignatures,
  };
  let exit = 0;
  for (const check of wanted.length > 0 ? wanted : CHECKS) {
    let outcome: Outcome;
    try {
      outcome = run[check](options);
    } catch (error) {
      outcome = { status: "failed", lines: [(error as Error).message] };
    }
    const mark = outcome.status === "passed" ? "✓" : outcome.status === "failed" ? "✗" : "–";
    console.log(`${mark} ${check}: ${outcome.status}`);
    for (const line of outcome.lines) console.log(`    ${line}`);
    if (outcome.status === "failed") exit = 1;
  }
  return exit;
}

process.exit(main(process.argv.slice(2)));
