/**
 * Runs once when a server instance starts, before it answers any request: a bad environment stops
 * the server here, naming each bad variable, instead of failing on the first chat.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertEnvAtStartup } = await import("./lib/env");
  const { logStartup } = await import("./lib/startup");
  logStartup(assertEnvAtStartup());
}
