// Preloaded into `next start` by the cold-start benchmark (NODE_OPTIONS=--require …). Times, inside the
// real server, the two steps of loading the chat route:
//   require   the first require() of .next/server/app/api/chat/route.js: Next's route wrapper and the
//             chunk files it lists (on the route's first request; with Next's default
//             preloadEntriesOnStart, shortly after it starts listening);
//   userland  the first ensureUserland() of that route module: Turbopack evaluates the route's own
//             module graph (lib/…, zod, next-auth) here, on the first request to the route (which may
//             be instrumentation.ts's warm-up GET, see lib/startup.ts).
// Each is printed once on stderr: `[bench:route-load] <step> <ms> <ms since process start>`. Plain
// CommonJS because it runs before anything could compile TypeScript.
const Module = require("node:module");

const suffix = process.env.BENCH_TIMED_MODULE || "app/api/chat/route.js";
const originalLoad = Module._load;
let required = false;

const report = (step, start) => process.stderr.write(`[bench:route-load] ${step} ${(performance.now() - start).toFixed(2)} ${start.toFixed(1)}\n`);

function timeUserland(routeModule) {
  const ensure = routeModule?.ensureUserland;
  if (typeof ensure !== "function") return;
  let timed = false;
  routeModule.ensureUserland = async function timedEnsureUserland(...args) {
    if (timed) return ensure.apply(this, args);
    timed = true;
    const start = performance.now();
    try {
      return await ensure.apply(this, args);
    } finally {
      report("userland", start);
    }
  };
}

Module._load = function timedLoad(request, ...rest) {
  if (required || typeof request !== "string" || !request.endsWith(suffix)) return originalLoad.call(this, request, ...rest);
  required = true;
  const start = performance.now();
  const exports = originalLoad.call(this, request, ...rest);
  report("require", start);
  timeUserland(exports?.routeModule);
  return exports;
};
