// Preloaded into `next start` by `npm run bench -- --cpu-prof DIR` (NODE_OPTIONS=--require …; Node
// refuses --cpu-prof itself in NODE_OPTIONS): profiles the server's main thread through the
// inspector. SIGUSR2 (sent by the bench once its warm-up is done) writes what was recorded so far to
// DIR/server-<pid>-startup.cpuprofile and starts afresh; exit (next start exits on SIGTERM) writes
// the rest to DIR/server-<pid>-load.cpuprofile. Summarise with `npx tsx scripts/bench/cpu-profile.ts FILE`.
const inspector = require("node:inspector");
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: Number(process.env.BENCH_CPU_PROF_INTERVAL_US || 500) });
  session.post("Profiler.start");
  let phase = "startup";
  // The in-process session answers synchronously, so this also completes inside an exit handler.
  const save = (then) =>
    session.post("Profiler.stop", (error, result) => {
      if (!error) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `server-${process.pid}-${phase}.cpuprofile`), JSON.stringify(result.profile));
      }
      // Restarted only once the old profile is written, so writing it is in neither profile.
      if (then) then();
    });
  process.on("SIGUSR2", () =>
    save(() => {
      phase = "load";
      session.post("Profiler.start");
    }),
  );
  process.once("exit", () => save());
}
