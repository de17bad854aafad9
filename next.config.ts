import type { NextConfig } from "next";
import type { assertBuildEnvironment } from "./lib/config/build-checks";
import { assertNoPublicSecrets } from "./lib/config/secrets";
import { PROXY_BODY_COPY_BYTES } from "./lib/config/limits";

// Fail the build, not the first request: a secret behind NEXT_PUBLIC_ would be inlined into the
// JavaScript every visitor downloads, and a malformed variable is better found now.
// At `next start` only the first check runs: the build it serves has passed the schema, and
// instrumentation.ts checks the stricter runtime rules before the first request is answered. Loading
// the schema here (zod: 95 files, each compiled by the TypeScript hook Next puts around this file)
// would hold back every request after a restart by ~160 ms. A require(), not an import: only what
// this file loads while it is being evaluated goes through that hook.
if (process.argv[2] === "start") {
  assertNoPublicSecrets(process.env);
} else {
  const checks = require("./lib/config/build-checks") as { assertBuildEnvironment: typeof assertBuildEnvironment };
  checks.assertBuildEnvironment(process.env); // the public-secret check, then the schema
}

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Source maps of server code stay on the server; none are published to browsers.
  productionBrowserSourceMaps: false,
  // pdf.js is loaded by a worker thread (lib/documents/pdf-worker.mjs) from node_modules as it is
  // published: bundled, it would look for its own worker file and standard fonts by paths that
  // bundling moves.
  serverExternalPackages: ["pdfjs-dist"],
  experimental: {
    // By default `next start` require()s every route right after it starts listening, on the thread
    // that answers requests, so a chat sent then waits ~140 ms for routes it does not use
    // (docs/benchmarks.md, "Cold start"). Each route now loads on its first request instead: ~20 ms
    // for an API route, ~50 ms for the first page (React's server renderer), once per process.
    preloadEntriesOnStart: false,
    // Next.js holds a copy of each request body for the proxy (10 MB by default, per request), and
    // stops copying before the chunk that would pass this size. The proxy only needs to see whether a
    // body is over the largest any route takes, so twice that is enough (proxy.ts,
    // lib/http/request-guard.ts).
    proxyClientMaxBodySize: PROXY_BODY_COPY_BYTES,
  },
};

export default nextConfig;
