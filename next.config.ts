import type { NextConfig } from "next";
import { findPublicSecrets } from "./lib/config/secrets";
import { EnvError, parseEnv } from "./lib/config/schema";

// Fail the build, not the first request: a secret behind NEXT_PUBLIC_ would be inlined into the
// JavaScript every visitor downloads, and a malformed variable is better found now.
const publicSecrets = findPublicSecrets(process.env);
if (publicSecrets.length > 0) {
  throw new Error(
    `Refusing to build: ${publicSecrets.join(", ")} would be shipped to every browser (NEXT_PUBLIC_ variables are public). ` +
      "Rename them without the NEXT_PUBLIC_ prefix and read them on the server through lib/env.ts.",
  );
}
try {
  parseEnv(process.env, { phase: "build" });
} catch (error) {
  if (error instanceof EnvError) throw new Error(`Refusing to build: ${error.message}`);
  throw error;
}

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Source maps of server code stay on the server; none are published to browsers.
  productionBrowserSourceMaps: false,
};

export default nextConfig;
