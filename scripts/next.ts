/**
 * `npm run dev` and `npm run build`: Next.js with its telemetry off (NEXT_TELEMETRY_DISABLED=1, unless
 * the shell sets it), and the development server on 127.0.0.1 unless `HOST` or `-H` says otherwise,
 * since it serves source maps and error overlays to whoever can reach it. (`npm start` is plain
 * `next start`: it needs no dev dependency, listens where a container needs, and sends no telemetry.)
 *
 *   npm run dev                     http://localhost:3000, this machine only
 *   HOST=0.0.0.0 npm run dev        every interface
 *   npm run dev -- -p 4000          arguments after `--` go to Next.js
 */
import { spawn } from "node:child_process";

const [command = "dev", ...args] = process.argv.slice(2);
const hasHost = args.some((arg) => arg === "-H" || arg === "--hostname" || arg.startsWith("--hostname="));
const host = process.env.HOST ?? (command === "dev" ? "127.0.0.1" : undefined);
const hostArgs = host && !hasHost && command === "dev" ? ["-H", host] : [];

const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), command, ...hostArgs, ...args], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
