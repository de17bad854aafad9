/**
 * `npm run quickstart`: the app on the offline demo model at http://localhost:$PORT (default 3000),
 * no keys needed. The first run writes .env.local with a random NEXTAUTH_SECRET, a random
 * RELAY_KEY_SECRET (so personal API keys work) and a local account with a random password; later runs
 * reuse it, adding a RELAY_KEY_SECRET to a .env.local written before API keys existed. Then it builds
 * and starts the production server and prints how to sign in. The model's three tools are on
 * (TOOLS=all) unless the shell or .env.local sets TOOLS.
 *
 * It listens on 127.0.0.1 only: a demo with a printed password is for this machine. `HOST=0.0.0.0`
 * or `npm run quickstart -- --host 0.0.0.0` opens it to the network; other machines then need an
 * https:// NEXTAUTH_URL in front of it (a TLS proxy), since production refuses plain http off loopback.
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { hashPassword } from "../lib/crypto/password-hash";

const ROOT = path.resolve(__dirname, "..");
const ENV_FILE = path.join(ROOT, ".env.local");
const port = process.env.PORT ?? "3000";
const hostFlag = process.argv.indexOf("--host");
const host = (hostFlag >= 0 ? process.argv[hostFlag + 1] : undefined) ?? process.env.HOST ?? "127.0.0.1";
const url = `http://localhost:${port}`;
const EMAIL = "demo@bulwark.local";

const relayKeySecretLines = () => [
  "# Signs personal API keys (Settings → API keys) for the OpenAI-compatible API at /api/v1.",
  `RELAY_KEY_SECRET=${randomBytes(32).toString("base64url")}`,
];

/**
 * A .env.local from before API keys existed gets a RELAY_KEY_SECRET, unless one is set already, in
 * the file or the shell, plainly or as _FILE (both forms at once would stop the server), or the file
 * sets it empty on purpose to keep API keys off.
 */
function addRelayKeySecret(existing: string): void {
  if (/^\s*(?:export\s+)?RELAY_KEY_SECRET(?:_FILE)?\s*=/m.test(existing)) return;
  if (process.env.RELAY_KEY_SECRET || process.env.RELAY_KEY_SECRET_FILE) return;
  const lines = [existing === "" || existing.endsWith("\n") ? "" : "\n", ...relayKeySecretLines().map((line) => `${line}\n`)];
  appendFileSync(ENV_FILE, lines.join(""));
  console.log(`Added a random RELAY_KEY_SECRET to ${path.relative(ROOT, ENV_FILE)}, so personal API keys work (Settings → API keys).`);
}

async function ensureEnvFile(): Promise<{ email: string; password: string | undefined }> {
  if (existsSync(ENV_FILE)) {
    const existing = readFileSync(ENV_FILE, "utf8");
    addRelayKeySecret(existing);
    const password = /^# Quickstart sign-in: \S+ \/ (\S+)$/m.exec(existing)?.[1];
    return { email: password ? EMAIL : "(an account from AUTH_LOCAL_USERS in .env.local)", password };
  }
  const password = randomBytes(12).toString("base64url");
  const lines = [
    "# Written by `npm run quickstart` for a local demo. Not for production. Never commit this file.",
    `# Quickstart sign-in: ${EMAIL} / ${password}`,
    `NEXTAUTH_URL=${url}`,
    `NEXTAUTH_SECRET=${randomBytes(32).toString("base64url")}`,
    ...relayKeySecretLines(),
    `AUTH_LOCAL_USERS=${EMAIL}:${await hashPassword(password)}`,
    "# The demo account may open the admin dashboard at /admin.",
    `ADMIN_EMAILS=${EMAIL}`,
    "AI_MODELS=demo:demo",
    "# One instance, state in memory: set REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN (and CONVERSATION_ENCRYPTION_KEY) to share it.",
    "ALLOW_IN_MEMORY_STORE=true",
    "",
  ];
  writeFileSync(ENV_FILE, lines.join("\n"), { mode: 0o600 });
  console.log(`Wrote ${path.relative(ROOT, ENV_FILE)} (random secrets, demo account, demo model).`);
  return { email: EMAIL, password };
}

/** TOOLS is set in the shell or in .env.local (even empty, which means its default: none). */
function toolsChosen(): boolean {
  if (process.env.TOOLS !== undefined) return true;
  return existsSync(ENV_FILE) && /^\s*(?:export\s+)?TOOLS\s*=/m.test(readFileSync(ENV_FILE, "utf8"));
}

async function main(): Promise<void> {
  const account = await ensureEnvFile();
  // Variables from the shell win over .env.local: keep the sign-in URL in step with PORT.
  // The quickstart is one instance by design, so the in-process store is allowed (also for a .env.local written before it existed).
  // It shows the tools too, unless the shell or .env.local chose (next start lets the shell's value win over the file's).
  const tools = toolsChosen() ? {} : { TOOLS: "all" };
  const env = { ALLOW_IN_MEMORY_STORE: "true", ...tools, ...process.env, NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? url, NEXT_TELEMETRY_DISABLED: "1" };

  console.log("\nBuilding the production app (about a minute the first time)…");
  const build = spawnSync(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: ROOT, env, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);

  const server = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "-p", port, "-H", host], {
    cwd: ROOT,
    env,
    stdio: ["inherit", "pipe", "inherit"],
  });
  const reach = ["127.0.0.1", "localhost", "::1"].includes(host)
    ? "this machine only (HOST=0.0.0.0 or --host 0.0.0.0 opens it)"
    : `${host === "0.0.0.0" || host === "::" ? "every network interface" : host}: anyone who can reach it sees the sign-in page`;
  let announced = false;
  server.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (!announced && /ready|started server|Local:/i.test(chunk.toString())) {
      announced = true;
      console.log(
        [
          "",
          "┌───────────────────────────────────────────────────────────────",
          `│ Bulwark is running at ${env.NEXTAUTH_URL}`,
          `│ Listening on ${host}:${port}, ${reach}`,
          `│ Sign in with: ${account.email}`,
          `│     password: ${account.password ?? "(yours; see .env.local)"}`,
          `│ Admin dashboard: ${env.NEXTAUTH_URL}/admin (for the addresses in ADMIN_EMAILS)`,
          `│ API keys: ${env.NEXTAUTH_URL}/settings/api-keys, for the OpenAI-compatible API at ${env.NEXTAUTH_URL}/api/v1`,
          "│ Model: the offline demo (set OPENAI_API_KEY / ANTHROPIC_API_KEY and AI_MODELS in .env.local for real ones)",
          env.TOOLS === "all"
            ? '│ Tools: all (try "save a note: buy lemons": you approve it, then Account settings → Notes lists it)'
            : `│ Tools: ${env.TOOLS === undefined ? "as TOOLS in .env.local says" : env.TOOLS || "none"}`,
          "│ Stop with Ctrl+C.",
          "└───────────────────────────────────────────────────────────────",
          "",
        ].join("\n"),
      );
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

void main();
