import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

/**
 * Integration tests: the production build (`next build`, run first by `npm test`) served by
 * `next start` against mock OpenAI and Anthropic servers, so the real SDKs speak real HTTP.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["tests/integration/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
