/**
 * Runs once when a server instance starts, before it answers any request: a bad environment stops
 * the server here, naming each bad variable, instead of failing on the first chat. The store is
 * contacted once too, so a wrong URL or token is reported in plain words at start-up.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertEnvAtStartup } = await import("./lib/env");
  const { assertStoreAtStartup, logStartup, warmChatRoute } = await import("./lib/startup");
  const { reclaimDrainedBodies } = await import("./lib/http/reclaim-drained-bodies");
  const config = assertEnvAtStartup();
  logStartup(config);
  await assertStoreAtStartup(config);
  // Refused uploads are drained by Next.js; their memory is given back once they are over.
  reclaimDrainedBodies();
  // PORT is Next's own: `next start` sets it to the port it listens on.
  if (config.isProduction) warmChatRoute({ port: process.env.PORT });
}
