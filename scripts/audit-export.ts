/**
 * `npm run -s audit:export -- [--since YYYY-MM-DD] [--until YYYY-MM-DD] > audit.jsonl`
 *
 * The audit log as JSON Lines (one event a line, oldest first) straight from the store, for a SIEM
 * job that runs beside the app (a cron job on the same image and secrets) rather than through an
 * admin's session. Reads the same environment as the server (.env.local too, as Next does); the
 * export is itself audited (`admin.audit_exported`, route `cli`). Days are UTC and both included;
 * the default is the last 7 days.
 */
import { parseArgs } from "node:util";
import { Writable } from "node:stream";
import { loadEnvConfig } from "@next/env";

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { since: { type: "string" }, until: { type: "string" } }, strict: true });
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  // Loaded after the environment, so the store sees it; `server-only` resolves to its server build
  // through the react-server condition the npm script sets.
  const [{ env }, { setLogLevel }, { exportRangeFrom }, { auditExportStream }, { audit }, { ApiError }] = await Promise.all([
    import("../lib/env"),
    import("../lib/log/logger"),
    import("../lib/admin/queries"),
    import("../lib/admin/export"),
    import("../lib/audit/audit"),
    import("../lib/errors"),
  ]);
  // Standard output is the export: only warnings and errors may be logged, and those go to stderr.
  setLogLevel("warn");
  try {
    env();
    const range = exportRangeFrom({ since: values.since, until: values.until });
    const stream = await auditExportStream(range);
    await audit({ kind: "admin.audit_exported", route: "cli", signals: [`since:${range.since}`, `until:${range.until}`] });
    await stream.pipeTo(Writable.toWeb(process.stdout));
    return 0;
  } catch (error) {
    if (error instanceof ApiError) {
      const fields = error.extra.fields
        ? ` (${Object.entries(error.extra.fields)
            .map(([k, v]) => `--${k} ${v}`)
            .join("; ")})`
        : "";
      console.error(`audit:export: ${error.message}${fields}`);
      return error.status === 503 ? 3 : 2;
    }
    console.error(`audit:export: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit:export: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
